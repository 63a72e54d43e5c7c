"""Cheating found after the fact: the learning and exam detectors on constructed data, each
with a control that yields nothing, what the player's refusals leave behind, and the nightly
run's idempotence."""

import datetime

import pytest
from django.utils import timezone

from courses.integrity.exams import fast_exam_signals_find
from courses.integrity.learning import (
    credit_refused_signals_find,
    shared_device_signals_find,
    two_devices_signals_find,
)
from courses.integrity.services import integrity_signals_detect
from courses.models import (
    ExamAttempt,
    PlaybackEvent,
)
from coverage.models import IntegritySignal
from tests.factories import (
    AttendanceFactory,
    EnterpriseFactory,
    RosterEntryFactory,
    UserFactory,
    course_build,
    enrolment_make,
)

pytestmark = pytest.mark.django_db

SINCE = datetime.timedelta(days=2)


def _since():
    return timezone.now() - SINCE


def _noon():
    """Noon today, local time: events an hour apart stay on one local day."""
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory()


def _learner(enterprise, name="张伟"):
    """An account bound to a person on the enterprise's active roster."""
    user = UserFactory()
    entry = RosterEntryFactory(enterprise=enterprise, person__name=name, person__user=user)
    return user, entry.person


def _event(user, kind, at, device="", **fields):
    return PlaybackEvent.objects.create(user=user, kind=kind, at=at, device=device, **fields)


# --- accounts sharing one device ------------------------------------------------------------


def test_two_people_playing_on_one_device_on_one_day_are_a_shared_device_signal(enterprise):
    noon = _noon()
    first, _ = _learner(enterprise, "张伟")
    second, _ = _learner(enterprise, "李娜")
    _event(first, PlaybackEvent.Kind.PLAY, noon, device="phone-aaaa-1")
    _event(second, PlaybackEvent.Kind.PLAY, noon + datetime.timedelta(hours=1), "phone-aaaa-1")

    [found] = shared_device_signals_find(_since())

    assert found.kind == IntegritySignal.Kind.SHARED_DEVICE
    assert found.enterprise_id == enterprise.pk
    assert found.evidence["device"] == "phone-aa" and found.evidence["people"] == 2
    assert {use["name"] for use in found.evidence["uses"]} == {"张伟", "李娜"}
    assert {use["source"] for use in found.evidence["uses"]} == {"play"}


def test_a_device_that_played_for_one_and_checked_in_another_is_shared_too(enterprise):
    noon = _noon()
    player, _ = _learner(enterprise)
    _, other = _learner(enterprise, "李娜")
    _event(player, PlaybackEvent.Kind.PLAY, noon, device="phone-b")
    AttendanceFactory(person=other, device="phone-b", checked_in_at=noon)

    [found] = shared_device_signals_find(_since())

    assert {use["source"] for use in found.evidence["uses"]} == {"play", "checkin"}


def test_one_person_on_two_devices_and_two_people_on_their_own_are_no_signal(enterprise):
    noon = _noon()
    first, _ = _learner(enterprise)
    second, _ = _learner(enterprise, "李娜")
    _event(first, PlaybackEvent.Kind.PLAY, noon, device="phone-1")
    _event(first, PlaybackEvent.Kind.PLAY, noon, device="laptop-1")
    _event(second, PlaybackEvent.Kind.PLAY, noon, device="phone-2")
    # A device shared on two different days is no one day's sharing either.
    _event(second, PlaybackEvent.Kind.PLAY, noon - datetime.timedelta(days=1), device="phone-1")

    assert shared_device_signals_find(_since()) == []


def test_another_enterprises_worker_is_counted_not_named(enterprise):
    noon = _noon()
    ours, _ = _learner(enterprise, "张伟")
    theirs, _ = _learner(EnterpriseFactory(), "外企职工")
    _event(ours, PlaybackEvent.Kind.PLAY, noon, device="phone-c")
    _event(theirs, PlaybackEvent.Kind.PLAY, noon, device="phone-c")

    found = {f.enterprise_id: f for f in shared_device_signals_find(_since())}

    assert len(found) == 2
    names = {use["name"] for use in found[enterprise.pk].evidence["uses"]}
    assert names == {"张伟", ""}


# --- two devices at once (lease takeovers) --------------------------------------------------


def test_takeovers_back_and_forth_in_a_day_are_a_two_devices_signal(enterprise):
    noon = _noon()
    user, person = _learner(enterprise)
    for minutes, (device, other) in enumerate([("pc", "phone"), ("phone", "pc"), ("pc", "phone")]):
        at = noon + datetime.timedelta(minutes=minutes)
        _event(
            user,
            PlaybackEvent.Kind.TAKEOVER,
            at,
            device=device,
            other_device=other,
            other_beat_at=at - datetime.timedelta(seconds=10),
        )

    [found] = two_devices_signals_find(_since())

    assert found.person_id == person.pk and found.enterprise_id == enterprise.pk
    assert found.evidence["takeovers"] == 3 and found.evidence["devices"] == ["pc", "phone"]
    assert len(found.evidence["events"]) == 3


def test_one_takeover_moving_from_phone_to_computer_is_no_signal(enterprise):
    user, _ = _learner(enterprise)
    _event(user, PlaybackEvent.Kind.TAKEOVER, _noon(), device="pc", other_device="phone")

    assert two_devices_signals_find(_since()) == []


# --- study faster than real time (credit refused) -------------------------------------------


def test_many_refused_heartbeats_in_a_day_are_a_credit_refused_signal(enterprise):
    noon = _noon()
    user, person = _learner(enterprise)
    for n in range(6):
        _event(
            user,
            PlaybackEvent.Kind.REFUSED,
            noon + datetime.timedelta(minutes=n),
            claimed_seconds=30,
            accepted_seconds=15,
        )

    [found] = credit_refused_signals_find(_since())

    assert found.person_id == person.pk
    assert found.evidence["refusals"] == 6
    assert found.evidence["claimed_seconds"] == 180
    assert found.evidence["credited_seconds"] == 90


def test_a_few_refusals_from_a_dead_spot_and_people_on_no_roster_are_no_signal(enterprise):
    noon = _noon()
    user, _ = _learner(enterprise)
    for n in range(2):
        _event(user, PlaybackEvent.Kind.REFUSED, noon + datetime.timedelta(minutes=n))
    # Someone on no roster (an open course's learner): no enterprise would see it.
    stranger = UserFactory()
    RosterEntryFactory(person__user=stranger, end_date=datetime.date(2022, 1, 1))
    for n in range(8):
        _event(stranger, PlaybackEvent.Kind.REFUSED, noon + datetime.timedelta(minutes=n))

    assert credit_refused_signals_find(_since()) == []


# --- exams faster than reading ---------------------------------------------------------------


def _attempt(person, seconds: int) -> ExamAttempt:
    course = course_build(questions=5, paper_size=5)
    enrolment = enrolment_make(course, person)
    questions = list(course.questions.values_list("pk", flat=True))
    started = timezone.now() - datetime.timedelta(hours=1)
    return ExamAttempt.objects.create(
        enrolment=enrolment,
        paper=[{"question": pk, "choices": []} for pk in questions],
        started_at=started,
        deadline_at=started + datetime.timedelta(minutes=30),
        submitted_at=started + datetime.timedelta(seconds=seconds),
        score=100,
        passed=True,
    )


def test_an_exam_handed_in_faster_than_its_questions_can_be_read_is_a_signal(enterprise):
    _, person = _learner(enterprise)
    attempt = _attempt(person, seconds=4)

    [found] = fast_exam_signals_find(_since())

    assert found.person_id == person.pk and found.course_id == attempt.enrolment.course_id
    evidence = found.evidence
    assert evidence["seconds"] == 4 and evidence["questions"] == 5
    assert evidence["characters"] > 5 * 10 and evidence["reading_seconds"] > 4


def test_an_exam_taken_in_reading_time_is_no_signal(enterprise):
    _, person = _learner(enterprise)
    _attempt(person, seconds=120)

    assert fast_exam_signals_find(_since()) == []


# --- the nightly run ------------------------------------------------------------------------


def test_the_nightly_run_twice_stores_the_same_rows_and_keeps_the_review(enterprise):
    noon = _noon()
    first, _ = _learner(enterprise)
    second, person = _learner(enterprise, "李娜")
    _event(first, PlaybackEvent.Kind.PLAY, noon, device="phone-d")
    _event(second, PlaybackEvent.Kind.PLAY, noon, device="phone-d")
    _attempt(person, seconds=3)

    integrity_signals_detect()
    rows = list(IntegritySignal.objects.order_by("pk").values("pk", "kind", "fingerprint"))
    IntegritySignal.objects.filter(kind=IntegritySignal.Kind.FAST_EXAM).update(
        reviewed_at=timezone.now(), note="已核实"
    )
    integrity_signals_detect()

    assert {row["kind"] for row in rows} == {"shared_device", "fast_exam"}
    assert list(IntegritySignal.objects.order_by("pk").values("pk", "kind", "fingerprint")) == rows
    assert IntegritySignal.objects.get(kind=IntegritySignal.Kind.FAST_EXAM).note == "已核实"
