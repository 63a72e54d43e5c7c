""" "立即核验签到" during or after a session says why check-ins are not verified, and when."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from coverage.models import Attendance
from coverage.sessions.waiting import (
    CHECKOUT_CLOSED,
    CHECKOUT_MISSING,
    NOT_ENDED,
    NOT_LONG_ENOUGH,
    TOO_SHORT,
    session_unverified_explain,
)
from tests.factories import AttendanceFactory, MembershipFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def running():
    """A session from 70 minutes ago to 50 minutes from now, counting after 60 minutes."""
    now = timezone.now().replace(microsecond=0)
    return TrainingSessionFactory(
        starts_at=now - 70 * MINUTE, ends_at=now + 50 * MINUTE, min_minutes=60
    )


def checked_in(session, minutes_before_now: int, **extra) -> Attendance:
    return AttendanceFactory(
        session=session,
        checked_in_at=timezone.now() - minutes_before_now * MINUTE,
        **extra,
    )


def verify(client, session) -> list[tuple[str, str]]:
    client.force_login(MembershipFactory(enterprise=session.organiser).user)
    response = client.post(reverse("coverage:session_verify", args=[session.pk]))
    assert response.status_code == 302
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_running_session_says_it_has_not_ended_and_when_it_ends(client, running):
    checked_in(running, 65)
    checked_in(running, 62)
    messages = verify(client, running)
    end = timezone.localtime(running.ends_at).strftime("%H:%M")
    assert len(messages) == 1
    level, text = messages[0]
    assert level == "warning"
    # "2 check-ins wait…" or, translated, "2条签到…": the count of both, not "0 verified".
    assert re.match(r"2\D", text) and end in text
    assert not Attendance.objects.filter(verified_at__isnull=False).exists()


def test_people_not_yet_present_long_enough_are_told_apart_with_the_earliest_time(running):
    checked_in(running, 65)
    early = checked_in(running, 20)
    checked_in(running, 15)
    now = timezone.now()
    groups = {g.reason: g for g in session_unverified_explain(session=running, now=now)}
    assert {reason: g.count for reason, g in groups.items()} == {NOT_ENDED: 1, NOT_LONG_ENOUGH: 2}
    assert groups[NOT_LONG_ENOUGH].earliest == early.checked_in_at + 60 * MINUTE
    assert groups[NOT_LONG_ENOUGH].at == running.ends_at
    assert groups[NOT_ENDED].at == running.ends_at


def test_someone_who_cannot_reach_the_minimum_is_told_it_will_not_count(running):
    # Checked in with 20 minutes left of a session that needs 60.
    AttendanceFactory(session=running, checked_in_at=running.ends_at - 20 * MINUTE)
    groups = session_unverified_explain(session=running, now=timezone.now())
    assert [(g.reason, g.count, g.at) for g in groups] == [(TOO_SHORT, 1, None)]


def test_missing_check_out_says_until_when_check_out_is_open(client, running):
    running.checkout_required = True
    running.save()
    checked_in(running, 65)
    groups = session_unverified_explain(session=running, now=timezone.now())
    assert [(g.reason, g.count) for g in groups] == [(CHECKOUT_MISSING, 1)]
    closes = running.ends_at + datetime.timedelta(minutes=60)
    assert groups[0].at == closes
    ((level, text),) = verify(client, running)
    assert level == "warning" and timezone.localtime(closes).strftime("%H:%M") in text

    later = closes + MINUTE
    groups = session_unverified_explain(session=running, now=later)
    assert [(g.reason, g.at) for g in groups] == [(CHECKOUT_CLOSED, None)]


def test_after_the_end_qualifying_check_ins_are_verified_and_only_the_rest_explained(running):
    from coverage.sessions.services import session_verify

    checked_in(running, 65)
    AttendanceFactory(session=running, checked_in_at=running.ends_at - 20 * MINUTE)
    after = running.ends_at + 5 * MINUTE
    assert session_verify(session=running, now=after) == 1
    groups = session_unverified_explain(session=running, now=after)
    assert [(g.reason, g.count) for g in groups] == [(TOO_SHORT, 1)]


def test_verifying_an_ended_session_reports_the_count(client, running):
    checked_in(running, 65)
    running.ends_at = timezone.now() - MINUTE
    running.save()
    messages = verify(client, running)
    assert [level for level, _text in messages] == ["success"]
    assert messages[0][1].startswith(("1 ", "已核验1"))


def test_removed_check_ins_are_not_explained(client, running):
    checked_in(running, 65, removed_at=timezone.now())
    ((level, _text),) = verify(client, running)
    assert level == "info"
