"""500 people scanning within a minute, through the real HTTP stack: no lost check-in, no
duplicate, no server error. Correctness under load; the timing is `make bench`'s business."""

import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.models import User
from coverage.models import Attendance, Person, Role, RosterEntry, TrainingSession
from coverage.pii import pii_encrypt, pii_lookup_hash
from coverage.sessions import tokens as checkin_tokens
from tests.factories import EnterpriseFactory
from tests.helpers.identities import id_number

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.timeout(600)]

ATTENDEES = 500
PHONES_AT_ONCE = 24


@pytest.fixture
def crowd(jilin):
    organiser = EnterpriseFactory(region=jilin["220102"])
    now = timezone.now()
    session = TrainingSession.objects.create(
        organiser=organiser,
        title="千人大会",
        venue="体育馆",
        region=jilin["220102"],
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )
    numbers = [id_number(n) for n in range(ATTENDEES)]
    assert len(set(numbers)) == ATTENDEES
    users = User.objects.bulk_create(
        User(phone=f"+86137{n:08d}", phone_verified=True) for n in range(ATTENDEES)
    )
    people = Person.objects.bulk_create(
        Person(
            id_number_hash=pii_lookup_hash(number),
            id_number_encrypted=pii_encrypt(number),
            id_number_masked=number[:6] + "*" * 8 + number[14:],
            name=f"工人{n}",
            user=user,
        )
        for n, (number, user) in enumerate(zip(numbers, users, strict=True))
    )
    RosterEntry.objects.bulk_create(
        RosterEntry(
            person=p, enterprise=organiser, role=Role.OTHER, start_date=datetime.date(2021, 1, 1)
        )
        for p in people
    )
    cookies = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(store.session_key)
    return session, cookies


def phone(base_url: str, session: TrainingSession, session_cookie: str, statuses: list, lock):
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session_cookie)
    token = checkin_tokens.rotating_token(session, "in")
    scan = browser.get(f"{base_url}/coverage/s/{session.pk}/in/{token}/", timeout=60)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', scan.text)
    codes = [scan.status_code]
    if csrf:
        # A double tap: the same form sent twice at once.
        for _tap in range(2):
            posted = browser.post(
                scan.url,
                data={"csrfmiddlewaretoken": csrf.group(1)},
                headers={"Referer": scan.url},
                timeout=60,
            )
            codes.append(posted.status_code)
    with lock:
        statuses.extend(codes)


def test_five_hundred_people_check_in_at_once(live_server, crowd):
    session, cookies = crowd
    statuses, lock = [], threading.Lock()
    with ThreadPoolExecutor(max_workers=PHONES_AT_ONCE) as pool:
        for cookie in cookies:
            pool.submit(phone, live_server.url, session, cookie, statuses, lock)
    assert [code for code in statuses if code >= 500] == []
    assert Attendance.objects.filter(session=session).count() == ATTENDEES
    assert (
        Attendance.objects.filter(session=session).values("person").distinct().count() == ATTENDEES
    )
