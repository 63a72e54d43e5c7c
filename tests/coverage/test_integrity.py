"""Integrity signals in coverage: the check-in cluster detector, the reviewer's pages (scope,
404 elsewhere, the audited mark) and the count per enterprise on the regulator's dashboard."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage.integrity.checkins import checkin_cluster_signals_find
from coverage.integrity.found import FoundSignal
from coverage.integrity.services import integrity_signals_upsert
from coverage.models import AuditLog, IntegritySignal
from coverage.services import training_target_default
from tests.factories import (
    AttendanceFactory,
    EnterpriseFactory,
    RosterEntryFactory,
    TrainingSessionFactory,
    UserFactory,
    admin_of,
    regulator_of,
)

pytestmark = pytest.mark.django_db


def _since():
    return timezone.now() - datetime.timedelta(days=2)


# --- clusters of check-ins from one device -------------------------------------------------


def test_one_device_checking_in_three_people_of_a_session_is_a_cluster_signal():
    session = TrainingSessionFactory()
    for _ in range(3):
        AttendanceFactory(session=session, device="team-phone-1")
    AttendanceFactory(session=session, device="own-phone")

    [found] = checkin_cluster_signals_find(_since())

    assert found.kind == IntegritySignal.Kind.CHECKIN_CLUSTER
    assert (found.enterprise_id, found.session_id) == (session.organiser_id, session.pk)
    assert found.evidence["people"] == 3 and found.evidence["device"] == "team-pho"
    assert len(found.evidence["checkins"]) == 3
    assert all(row["id_masked"].count("*") for row in found.evidence["checkins"])


def test_a_couple_sharing_a_phone_removed_check_ins_and_other_sessions_are_no_cluster():
    session, other = TrainingSessionFactory(), TrainingSessionFactory()
    AttendanceFactory(session=session, device="couple")
    AttendanceFactory(session=session, device="couple")
    # The third check-in of that phone was removed by the organiser, the fourth elsewhere.
    AttendanceFactory(session=session, device="couple", removed_at=timezone.now())
    AttendanceFactory(session=other, device="couple")
    # Without a device cookie nothing can be said.
    for _ in range(3):
        AttendanceFactory(session=session, device="")

    assert checkin_cluster_signals_find(_since()) == []


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def signals(jilin):
    ours = EnterpriseFactory(region=jilin["220102"], name="本企业")
    theirs = EnterpriseFactory(region=jilin["220202"], name="他市企业")
    person = RosterEntryFactory(enterprise=ours, person__name="张伟").person
    found = [
        FoundSignal(
            kind=IntegritySignal.Kind.FAST_EXAM,
            subject="attempt 1",
            enterprise_id=ours.pk,
            person_id=person.pk,
            evidence={"course": "工伤预防", "seconds": 4, "questions": 5, "reading_seconds": 20},
        ),
        FoundSignal(
            kind=IntegritySignal.Kind.CREDIT_REFUSED,
            subject="2|2026-12-01",
            enterprise_id=theirs.pk,
            evidence={"refusals": 9},
        ),
    ]
    integrity_signals_upsert(found=found)
    by_enterprise = {s.enterprise_id: s for s in IntegritySignal.objects.all()}
    return {
        "ours": ours,
        "theirs": theirs,
        "signal": by_enterprise[ours.pk],
        "other": by_enterprise[theirs.pk],
        "regions": jilin,
    }


def test_the_organisation_sees_its_signals_with_the_evidence(client, signals):
    client.force_login(admin_of(signals["ours"]))
    listed = client.get(reverse("coverage:integrity_list"))
    assert [s.pk for s in listed.context["page"]] == [signals["signal"].pk]

    detail = client.get(reverse("coverage:integrity_detail", args=[signals["signal"].pk]))
    assert detail.status_code == 200
    assert "张伟" in detail.content.decode() and "工伤预防" in detail.content.decode()


def test_another_enterprise_or_region_answers_404(client, signals):
    client.force_login(admin_of(signals["ours"]))
    other = signals["other"].pk
    assert client.get(reverse("coverage:integrity_detail", args=[other])).status_code == 404
    review = reverse("coverage:integrity_review", args=[other])
    assert client.post(review, {"note": "x"}).status_code == 404

    client.force_login(regulator_of(signals["regions"]["220100"]))
    assert client.get(reverse("coverage:integrity_detail", args=[other])).status_code == 404
    listed = client.get(reverse("coverage:integrity_list"))
    assert [s.pk for s in listed.context["page"]] == [signals["signal"].pk]


def test_a_worker_never_sees_the_signals(client, signals):
    worker = UserFactory()
    signals["signal"].person.user = worker
    signals["signal"].person.save(update_fields=["user"])
    client.force_login(worker)
    assert client.get(reverse("coverage:integrity_list")).status_code == 404
    detail = reverse("coverage:integrity_detail", args=[signals["signal"].pk])
    assert client.get(detail).status_code == 404


def test_the_reviewed_mark_keeps_who_when_and_the_note_and_is_audited(client, signals):
    regulator = regulator_of(signals["regions"]["220100"])
    client.force_login(regulator)
    signal = signals["signal"]

    response = client.post(
        reverse("coverage:integrity_review", args=[signal.pk]), {"note": "已电话核实，本人作答"}
    )

    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.reviewed_by == regulator and signal.reviewed_at is not None
    assert signal.note == "已电话核实，本人作答"
    log = AuditLog.objects.get(action=AuditLog.Action.INTEGRITY_REVIEW)
    assert log.user == regulator and str(signal.pk) in log.subject
    # Reviewed signals leave the default list (the unreviewed ones).
    listed = client.get(reverse("coverage:integrity_list"))
    assert list(listed.context["page"]) == []
    listed = client.get(reverse("coverage:integrity_list") + "?reviewed=yes")
    assert [s.pk for s in listed.context["page"]] == [signal.pk]


# --- the regulator's dashboard --------------------------------------------------------------


def _region_url(code):
    target = training_target_default()
    return reverse("coverage:region_detail", args=[code]) + "?" + urlencode({"target": target.code})


def test_the_dashboard_counts_unreviewed_signals_per_enterprise_in_the_same_queries(
    client, signals, django_assert_max_num_queries
):
    client.force_login(regulator_of(signals["regions"]["220100"]))
    url = _region_url("220100")
    client.get(url)
    with django_assert_max_num_queries(45) as baseline:
        client.get(url)
    # More signals, reviewed ones and enterprises with none: not one query more.
    ours = signals["ours"]
    integrity_signals_upsert(
        found=[
            FoundSignal(kind="fast_exam", subject=f"attempt {n}", enterprise_id=ours.pk)
            for n in range(2, 6)
        ]
    )
    IntegritySignal.objects.filter(evidence={}, enterprise=ours).filter(
        fingerprint__in=IntegritySignal.objects.filter(enterprise=ours)
        .order_by("pk")
        .values("fingerprint")[1:2]
    ).update(reviewed_at=timezone.now())
    for _ in range(5):
        EnterpriseFactory(region=signals["regions"]["220102"])
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(url)

    counts = {e.pk: e.integrity_open for e in response.context["page"]}
    assert counts[ours.pk] == 4
    assert set(counts.values()) == {4, 0}
    assert signals["theirs"].pk not in counts
