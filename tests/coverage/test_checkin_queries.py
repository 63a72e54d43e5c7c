"""A check-in POST is what a whole hall sends within a minute: its queries are budgeted.

Six for a signed-in worker bound to a person: the user (the session comes from the cache),
the session with the person's key, the insert that also checks the invitation and any
earlier check-in (three with its transaction: SAVEPOINT or BEGIN, INSERT, RELEASE or COMMIT),
and the count of check-ins from the same phone and address.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coverage.models import Attendance, Role, RosterEntry, TrainingSession
from coverage.services import person_save
from coverage.sessions import tokens as checkin_tokens
from tests.factories import EnterpriseFactory, UserFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

POST_BUDGET = 6
AT_VENUE = {"latitude": "43.8870", "longitude": "125.3240"}


@pytest.fixture
def scanned(client, jilin):
    """A bound worker on the roster who has scanned the code: the confirm page's URL."""
    organiser = EnterpriseFactory(region=jilin["220102"])
    now = timezone.now()
    session = TrainingSession.objects.create(
        organiser=organiser,
        title="安全生产集中培训",
        venue="南关区会议中心",
        region=jilin["220102"],
        latitude=43.8868,
        longitude=125.3245,
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=80),
    )
    person, _ = person_save(id_number=id_number(1), name="张三")
    person.user = UserFactory()
    person.save(update_fields=["user"])
    RosterEntry.objects.create(
        person=person, enterprise=organiser, role=Role.OTHER, start_date=datetime.date(2021, 1, 1)
    )
    client.force_login(person.user)
    token = checkin_tokens.rotating_token(session, "in")
    confirm = client.get(reverse("coverage:checkin_scan", args=[session.pk, "in", token])).url
    return session, confirm


def test_a_check_in_post_costs_at_most_six_queries(client, scanned, django_assert_max_num_queries):
    session, confirm = scanned
    sessions_stored = list(Session.objects.values_list("session_key", "session_data"))
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(confirm, AT_VENUE)
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session)
    assert response.url == reverse("coverage:checkin_done", args=[attendance.pk])
    assert attendance.distance_m < 100 and attendance.flags == []
    # Nothing written but the check-in: the session (its row and its cache entry) unchanged.
    assert list(Session.objects.values_list("session_key", "session_data")) == sessions_stored


def test_a_double_tap_shows_the_first_check_in(client, scanned):
    session, confirm = scanned
    client.post(confirm, AT_VENUE)
    first = Attendance.objects.get(session=session)
    again = client.post(confirm, AT_VENUE)
    assert again.status_code == 200 and again.context["attendance"] == first
    assert Attendance.objects.filter(session=session).count() == 1


def test_sessions_from_the_cache_still_end_at_sign_out_and_at_expiry(client, scanned):
    """Sessions are read from the cache (cached_db): signing out and expiry must still end them
    on every node, i.e. in the cache as well as in the database."""
    _session, confirm = scanned
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    other_node = Client()
    other_node.cookies[settings.SESSION_COOKIE_NAME] = signed_in
    assert reverse("account_login") in other_node.get(confirm).url

    client.force_login(UserFactory())
    assert client.get(reverse("coverage:identity_bind")).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with time_machine.travel(
        timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    ):
        # The cached copy expires by the cache's own clock (Redis's, which time travel does not
        # reach; a process-memory cache's, which it does): at expiry only the database's is left.
        caches[settings.SESSION_CACHE_ALIAS].delete(KEY_PREFIX + session_key)
        assert reverse("account_login") in client.get(reverse("coverage:identity_bind")).url
