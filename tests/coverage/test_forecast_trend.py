"""Monthly trend and forecasts from roster history and training dates, against a recount."""

import datetime

import pytest

from coverage.forecast.arithmetic import forecast_project, month_ends
from coverage.forecast.selectors import coverage_trend, enterprise_forecasts, region_forecast
from coverage.models import CoveredPerson, Enterprise, Role, RosterEntry
from tests.factories import (
    EnterpriseFactory,
    RosterEntryFactory,
    TrainingRecordFactory,
    TrainingTargetFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
START = datetime.date(2025, 1, 1)
DEADLINE = datetime.date(2026, 12, 31)
D = datetime.date


@pytest.fixture
def history(jilin):
    target = TrainingTargetFactory(code="trend", start_date=START, end_date=DEADLINE)
    south = EnterpriseFactory(region=jilin["220102"], name="南关企业")
    west = EnterpriseFactory(region=jilin["220104"], name="朝阳企业")
    elsewhere = EnterpriseFactory(region=jilin["220202"], name="吉林市企业")
    not_key = EnterpriseFactory(region=jilin["220102"], is_key=False)
    # (enterprise, role, start, end, training dates)
    plan = [
        (south, Role.MANAGER, D(2024, 5, 1), None, [D(2025, 3, 10)]),
        (south, Role.SAFETY_HEAD, D(2024, 5, 1), D(2025, 8, 31), [D(2025, 2, 1)]),
        (south, Role.SAFETY_HEAD, D(2025, 9, 1), None, [D(2026, 5, 20)]),
        (south, Role.TEAM_LEADER, D(2025, 6, 10), None, [D(2024, 12, 1)]),  # before the period
        (south, Role.TEAM_LEADER, D(2025, 1, 1), None, [D(2026, 1, 31), D(2025, 11, 2)]),
        (south, Role.OTHER, D(2024, 1, 1), None, [D(2025, 5, 5)]),
        (west, Role.MANAGER, D(2025, 4, 30), None, [D(2025, 4, 30)]),
        (west, Role.TEAM_LEADER, D(2026, 3, 1), None, []),
        (west, Role.TEAM_LEADER, D(2024, 1, 1), D(2026, 2, 28), []),
        (elsewhere, Role.MANAGER, D(2024, 1, 1), None, [D(2026, 4, 1)]),
        (elsewhere, Role.TEAM_LEADER, D(2024, 1, 1), None, []),
        (not_key, Role.MANAGER, D(2024, 1, 1), None, [D(2025, 6, 1)]),
    ]
    for enterprise, role, start, end, dates in plan:
        entry = RosterEntryFactory(enterprise=enterprise, role=role, start_date=start, end_date=end)
        for on in dates:
            TrainingRecordFactory(person=entry.person, occurred_on=on)
    return {
        "target": target,
        "regions": jilin,
        "south": south,
        "west": west,
        "elsewhere": elsewhere,
    }


def recount(target, enterprises, month_end, role=None):
    """Required and covered at a month end, one entry at a time."""
    roles = [role] if role else target.required_roles
    required = covered = 0
    for entry in RosterEntry.objects.filter(
        enterprise__in=enterprises.exclude(key_designations=None), role__in=roles
    ):
        if entry.start_date <= month_end and (entry.end_date is None or entry.end_date > month_end):
            required += 1
            first = CoveredPerson.objects.filter(target=target, person=entry.person).first()
            covered += bool(first and first.first_on <= month_end)
    return required, covered


def test_trend_of_a_region_matches_a_recount_at_every_month_end(history):
    target = history["target"]
    city = Enterprise.objects.filter(region__path__startswith=history["regions"]["220100"].path)
    trend = coverage_trend(target=target, enterprises=city, today=TODAY)
    assert [point.month_end for point in trend] == month_ends(START, TODAY)
    assert trend[-1].month_end == TODAY
    for point in trend:
        expected = recount(target, city, point.month_end)
        assert (point.figures.required, point.figures.covered) == expected, point.month_end
    # Something moved: a month with people covered and a later one with more.
    assert trend[0].figures.covered < trend[-1].figures.covered


def test_trend_of_one_enterprise_and_one_role(history):
    target = history["target"]
    one = Enterprise.objects.filter(pk=history["south"].pk)
    trend = coverage_trend(target=target, enterprises=one, role=Role.TEAM_LEADER, today=TODAY)
    for point in trend:
        expected = recount(target, one, point.month_end, role=Role.TEAM_LEADER)
        assert (point.figures.required, point.figures.covered) == expected
    by_month = {point.month_end: point.figures for point in trend}
    # Joined in June 2025, trained before the period: required, never covered by it.
    assert (by_month[D(2025, 5, 31)].required, by_month[D(2025, 6, 30)].required) == (1, 2)
    # The other team leader counts from the earlier of two trainings.
    assert by_month[D(2025, 10, 31)].covered == 0
    assert by_month[D(2025, 11, 30)].covered == 1
    assert (
        coverage_trend(target=target, enterprises=one, role=Role.OTHER, today=TODAY)[
            0
        ].figures.required
        == 0
    )


def test_trend_stops_at_the_deadline_and_is_empty_before_the_start(history):
    target = history["target"]
    everything = Enterprise.objects.all()
    assert (
        coverage_trend(target=target, enterprises=everything, today=D(2027, 3, 1))[-1].month_end
        == DEADLINE
    )
    assert len(coverage_trend(target=target, enterprises=everything, today=D(2027, 3, 1))) == 24
    assert coverage_trend(target=target, enterprises=everything, today=D(2024, 12, 1)) == []


def test_region_forecast_adds_up_its_enterprises_and_lists_those_at_risk(history):
    target = history["target"]
    everything = Enterprise.objects.all()
    found = region_forecast(
        target=target, region=history["regions"]["220100"], enterprises=everything, today=TODAY
    )
    # South now: manager, new safety head (May 2026), both team leaders on the roster, one
    # covered: 3 of 4; then 2 of 4. West: manager covered, new team leader not: 1 of 2 both.
    assert found.overall == forecast_project(
        percent_now=4 * 100 / 6, percent_then=3 * 100 / 6, weeks=12, today=TODAY, deadline=DEADLINE
    )
    south = forecast_project(
        percent_now=75, percent_then=50, weeks=12, today=TODAY, deadline=DEADLINE
    )
    assert not south.misses_deadline  # ~2 points a week for 28 weeks
    assert [(row.name, forecast.percent_at_deadline) for row, forecast in found.enterprises] == [
        ("朝阳企业", 50.0)
    ]
    assert [
        (region.code, forecast.percent_at_deadline) for region, forecast in found.subregions
    ] == [("220104", 50.0)]


def test_enterprise_forecasts_for_the_report(history):
    target = history["target"]
    total, by_enterprise = enterprise_forecasts(
        target=target, enterprises=Enterprise.objects.all(), today=TODAY
    )
    # Jilin city's enterprise: covered in April (inside the window), 1 of 2.
    assert by_enterprise[history["elsewhere"].pk] == forecast_project(
        percent_now=50, percent_then=0, weeks=12, today=TODAY, deadline=DEADLINE
    )
    assert by_enterprise[history["west"].pk].percent_at_deadline == 50
    assert total.percent_now == round(5 * 100 / 8, 1)


def test_coverage_report_json_carries_the_forecast_per_region_and_enterprise(history):
    from coverage.dashboards.report import coverage_report

    report = coverage_report(
        target=history["target"], region=history["regions"]["220100"], today=TODAY
    )
    assert report["forecast_percent_at_deadline"] == 100.0  # 4 of 6, +1 in 12 weeks
    by_name = {row["name"]: row["forecast_percent_at_deadline"] for row in report["enterprises"]}
    assert by_name == {"南关企业": 100.0, "朝阳企业": 50.0}
