"""A hall of people scanning at once, through the real HTTP stack: no lost check-in, no
duplicate, no server error, and the flags right under concurrency: nobody on the venue's
Wi-Fi flagged, while a team checked in by one phone and a team checked in from an office,
each all at once, are flagged whole. Correctness under load with 120 people; the timing and
the 500-people figure are `make bench`'s business (tests/bench/bench_checkin.py).

On PostgreSQL the teams' check-ins really race: flags counted before the insert instead of
after the commit lost the one-phone team's flags in two runs of three. On SQLite they queue
for the single writer.
"""

import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

import pytest
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from accounts.models import User
from coverage.models import Attendance, Person, Role, RosterEntry, TrainingSession
from coverage.pii import pii_encrypt, pii_lookup_hash
from coverage.sessions import tokens as checkin_tokens
from tests.factories import EnterpriseFactory
from tests.helpers.identities import id_number

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

ATTENDEES = 120
PHONES_AT_ONCE = 24
# Located at the venue before the rest arrive, so the venue's address is cleared whatever
# order the others commit in (the rule itself depends on the order: docs/coverage.md).
FIRST_AT_VENUE = 12
TEAM_ON_ONE_PHONE = 3
OFFICE_TEAM = 6
VENUE = (43.8868, 125.3245)
AT_VENUE = {"latitude": "43.8870", "longitude": "125.3240"}
VENUE_WIFI = "203.0.113.50"
OFFICE_ADDRESS = "198.51.100.20"


@pytest.fixture
def crowd(jilin, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # each phone's address from X-Forwarded-For
    organiser = EnterpriseFactory(region=jilin["220102"])
    now = timezone.now()
    session = TrainingSession.objects.create(
        organiser=organiser,
        title="千人大会",
        venue="体育馆",
        region=jilin["220102"],
        latitude=VENUE[0],
        longitude=VENUE[1],
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
    # Signed in the way the platform stores sessions (the cache, written through).
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for user in users:
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(store.session_key)
    return session, cookies


def phone(
    base_url: str,
    session: TrainingSession,
    session_cookie: str,
    *,
    address: str,
    position: dict,
    device: str | None,
    statuses: list,
    lock,
    together: threading.Barrier | None = None,
):
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session_cookie)
    if device:
        browser.cookies.set("yf_device", device)
    browser.headers["X-Forwarded-For"] = address
    token = checkin_tokens.rotating_token(session, "in")
    scan = browser.get(f"{base_url}/coverage/s/{session.pk}/in/{token}/", timeout=60)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', scan.text)
    codes = [scan.status_code]
    if csrf:
        if together:  # a team's check-ins sent at the same moment
            together.wait(timeout=60)
        # A double tap: the same form sent twice.
        for _tap in range(2):
            posted = browser.post(
                scan.url,
                data={"csrfmiddlewaretoken": csrf.group(1), **position},
                headers={"Referer": scan.url},
                timeout=60,
            )
            codes.append(posted.status_code)
    with lock:
        statuses.extend(codes)


def test_a_hall_checks_in_at_once_and_only_the_teams_are_flagged(live_server, crowd):
    session, cookies = crowd
    statuses, lock = [], threading.Lock()
    team = range(ATTENDEES - OFFICE_TEAM - TEAM_ON_ONE_PHONE, ATTENDEES - OFFICE_TEAM)
    office = range(ATTENDEES - OFFICE_TEAM, ATTENDEES)
    teams = {"team": threading.Barrier(len(team)), "office": threading.Barrier(len(office))}

    def arrive(n: int):
        if n in office:  # a private tab per colleague, no position
            source = {"address": OFFICE_ADDRESS, "position": {}, "device": f"tab-{n}"}
            source["together"] = teams["office"]
        elif n in team:
            source = {"address": VENUE_WIFI, "position": AT_VENUE, "device": "one-phone"}
            source["together"] = teams["team"]
        else:  # a third of the hall declines the location prompt
            declines = n >= FIRST_AT_VENUE and n % 3 == 1
            source = {
                "address": VENUE_WIFI,
                "position": {} if declines else AT_VENUE,
                "device": None,  # the scan gives each phone its own
            }
        return lambda: phone(
            live_server.url, session, cookies[n], **source, statuses=statuses, lock=lock
        )

    with ThreadPoolExecutor(max_workers=PHONES_AT_ONCE) as pool:
        for result in [pool.submit(arrive(n)) for n in range(FIRST_AT_VENUE)]:
            result.result()
        # The teams first among the rest, so that each member has a thread to wait in.
        rest = [*team, *office, *range(FIRST_AT_VENUE, team.start)]
        for result in [pool.submit(arrive(n)) for n in rest]:
            result.result()

    assert [code for code in statuses if code >= 500] == []
    attendances = Attendance.objects.filter(session=session)
    assert attendances.count() == ATTENDEES
    assert attendances.values("person").distinct().count() == ATTENDEES
    flags = dict(attendances.values_list("person__name", "flags"))
    assert {name: flags.pop(name) for name in [f"工人{n}" for n in team]} == {
        f"工人{n}": ["shared_device"] for n in team
    }
    assert {name: flags.pop(name) for name in [f"工人{n}" for n in office]} == {
        f"工人{n}": ["shared_ip"] for n in office
    }
    assert set(map(tuple, flags.values())) == {()}
