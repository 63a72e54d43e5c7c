"""Corrections are new lines with a reason, never edits; a voided line leaves coverage through
coverage's own maintained counts, which stay equal to a recount."""

import datetime
from decimal import Decimal

import pytest

from coverage.counts.recount import drift_find
from coverage.models import CoveredPerson, EnterpriseCoverage, Role, TrainingRecord
from ledger.corrections.services import CorrectionRefused, ledger_line_correct
from ledger.lines.selectors import ledger_lines, ledger_totals
from ledger.models import Correction
from tests.factories import (
    EnterpriseFactory,
    RosterEntryFactory,
    TrainingRecordFactory,
    TrainingTargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 5, 10)


@pytest.fixture
def target():
    return TrainingTargetFactory(code="plan", name="计划目标")


@pytest.fixture
def leader(target):
    entry = RosterEntryFactory(enterprise=EnterpriseFactory(is_key=True), role=Role.TEAM_LEADER)
    return entry


def _covered(target, enterprise) -> int:
    return EnterpriseCoverage.objects.get(enterprise=enterprise, target=target, role="").covered


def test_voiding_a_line_appends_a_reversal_and_takes_it_out_of_coverage(target, leader):
    person = leader.person
    line = TrainingRecordFactory(person=person, occurred_on=DAY, hours=3, targets=[target])
    assert _covered(target, leader.enterprise) == 1

    correcting = ledger_line_correct(
        line=line, user=UserFactory(), reason="签到代签，核实后作废", void=True
    )

    line.refresh_from_db()
    assert (line.hours, line.title, line.occurred_on) == (Decimal("3.0"), "工伤预防课程", DAY)
    assert correcting.pk != line.pk and correcting.hours == Decimal("-3.0")
    assert correcting.occurred_on == DAY and not correcting.targets.exists()
    correction = Correction.objects.get(line=correcting)
    assert correction.corrects == line and correction.voids and "代签" in correction.reason
    assert TrainingRecord.objects.filter(person=person).count() == 2
    assert ledger_totals(person=person).hours == 0
    assert not CoveredPerson.objects.filter(person=person, target=target).exists()
    assert _covered(target, leader.enterprise) == 0
    assert drift_find(target).total == 0
    voided = {row.pk: row.voided for row in ledger_lines(person=person)}
    assert voided == {line.pk: True, correcting.pk: False}


def test_adjusting_hours_adds_a_line_of_the_difference_and_keeps_coverage(target, leader):
    person = leader.person
    line = TrainingRecordFactory(person=person, occurred_on=DAY, hours=4, targets=[target])
    ledger_line_correct(line=line, user=None, reason="学时登记多了1.5", hours=Decimal("-1.5"))

    totals = ledger_totals(person=person)
    assert totals.hours == Decimal("2.5")
    assert totals.per_year == [(2023, Decimal("2.5"))]
    assert [(item.target, item.hours) for item in totals.per_target] == [(target, Decimal("2.5"))]
    assert _covered(target, leader.enterprise) == 1
    assert drift_find(target).total == 0


def test_void_after_an_adjustment_reverses_what_stands(target, leader):
    line = TrainingRecordFactory(person=leader.person, occurred_on=DAY, hours=4, targets=[target])
    ledger_line_correct(line=line, user=None, reason="补录", hours=Decimal("1"))
    correcting = ledger_line_correct(line=line, user=None, reason="重复记录", void=True)
    assert correcting.hours == Decimal("-5.0")
    totals = ledger_totals(person=leader.person)
    assert totals.hours == 0 and totals.per_target == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "  ", "void": True}, "reason"),
        ({"reason": "原因"}, "hours"),
        ({"reason": "原因", "hours": Decimal("-9")}, "cannot take away"),
    ],
)
def test_a_correction_needs_a_reason_hours_and_cannot_go_below_zero(
    target, leader, kwargs, message
):
    line = TrainingRecordFactory(person=leader.person, hours=2, targets=[target])
    with pytest.raises(CorrectionRefused):
        ledger_line_correct(line=line, user=None, **kwargs)
    assert not Correction.objects.exists()


def test_a_line_is_voided_once_and_a_correction_is_not_corrected(target, leader):
    line = TrainingRecordFactory(person=leader.person, hours=2, targets=[target])
    correcting = ledger_line_correct(line=line, user=None, reason="作废", void=True)
    with pytest.raises(CorrectionRefused):
        ledger_line_correct(line=line, user=None, reason="再次作废", void=True)
    with pytest.raises(CorrectionRefused):
        ledger_line_correct(line=correcting, user=None, reason="更正更正", hours=Decimal("1"))
    assert Correction.objects.count() == 1
