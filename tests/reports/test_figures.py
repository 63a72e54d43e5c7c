"""The report's sections against the figures of tests/reports/conftest.py, worked by hand."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coverage.models import Role
from reports.figures import report_figures
from reports.services import report_submit
from tests.factories import EnterpriseFactory, PersonFactory, RosterEntryFactory
from tests.reports.conftest import SHANGHAI, YEAR, trained

pytestmark = pytest.mark.django_db


def test_coverage_totals_and_change_since_last_year_counted_from_training_dates(world, city):
    coverage = report_figures(region=city, year=YEAR)["coverage"]
    assert (coverage["required"], coverage["covered"], coverage["percent"]) == (4, 3, 75.0)
    assert coverage["last_year"] == {"source": "computed", "as_of": "2025-12-31", "percent": 25.0}
    assert coverage["change"] == 50.0
    assert (coverage["key_enterprises"], coverage["roster_missing"]) == (4, 2)
    assert coverage["complete_enterprises"] == 1  # B


def test_coverage_by_role_industry_and_sub_region_beside_last_year(world, city):
    coverage = report_figures(region=city, year=YEAR)["coverage"]
    manager = coverage["by_role"][Role.MANAGER]
    assert (manager["required"], manager["covered"], manager["percent"]) == (2, 2, 100.0)
    assert (manager["last_year_percent"], manager["change"]) == (50.0, 50.0)
    assert coverage["by_role"][Role.TEAM_LEADER]["percent"] == 0.0
    industries = {row["code"]: row for row in coverage["by_industry"]}
    assert industries["construction"]["percent"] == 66.7
    assert industries["construction"]["last_year_percent"] == 33.3
    assert industries["mining"]["change"] == 100.0
    subregions = {row["code"]: row for row in coverage["by_subregion"]}
    assert (subregions["220102"]["covered"], subregions["220102"]["required"]) == (2, 3)
    assert subregions["220103"]["percent"] == 100.0
    assert subregions["220103"]["last_year_percent"] == 0.0
    assert subregions["220104"]["percent"] is None  # 朝阳区: no key enterprise


def test_enterprises_without_a_roster_of_key_role_people_with_their_roster_size(world, city):
    missing = report_figures(region=city, year=YEAR)["roster_missing"]
    assert [(row["name"], row["active_entries"]) for row in missing] == [
        ("丙建筑", 1),
        ("丁工程", 0),
    ]


def test_sessions_of_the_year_in_local_time_and_verified_attendance_only(world, city):
    sessions = report_figures(region=city, year=YEAR)["sessions"]
    assert sessions["sessions"] == 2  # April, and 07:00 on New Year's Day (UTC: still 2025)
    assert sessions["verified_attendances"] == 2  # the removed one is not counted
    assert sessions["people"] == 2
    assert sessions["person_hours"] == 4.0


def test_online_completions_and_hours_of_people_on_the_regions_rosters(world, city):
    online = report_figures(region=city, year=YEAR)["online"]
    # p2 (3 h) and p5 (2 h) in 2026; p1's course was in 2025; p6 works in 吉林市.
    assert online == {"completions": 2, "people": 2, "hours": 5.0}


def test_schools_campaigns_bases_and_accidents_sections(world, city):
    figures = report_figures(region=city, year=YEAR)
    assert figures["schools"]["schools"] == 1
    assert figures["schools"]["offering"] == 0
    assert figures["schools"]["students"] == 1
    # No campaign was held: every key industry is listed, none with a campaign, all lacking.
    campaigns = figures["campaigns"]
    assert all(row["campaigns"] == 0 for row in campaigns["industries"])
    assert campaigns["lacking"] == [row["name"] for row in campaigns["industries"]]
    assert figures["bases"]["cities_without"] == ["长春市"]
    assert "南关区" in figures["bases"]["counties_without"]
    accidents = figures["accidents"]
    assert [row["year"] for row in accidents["total"]] == [2024, 2025]
    latest = accidents["total"][-1]
    assert (latest["injuries"], latest["incidence"], latest["yearly_change"]) == (30, 3.0, -25.0)
    assert latest["meets_yearly_target"] is True
    assert accidents["industries"][0]["name"] == "建筑施工"


def test_forecast_at_the_pace_of_the_last_weeks(world, city):
    forecast = report_figures(region=city, year=YEAR)["forecast"]
    # B's manager trained in the 12-week window: 50 % → 75 % in 12 weeks, 100 % in 12 more.
    assert forecast["percent_at_deadline"] == 100.0
    assert (
        forecast["date_full"] == (datetime.date(2026, 11, 2) + datetime.timedelta(84)).isoformat()
    )


def test_the_report_costs_the_same_number_of_queries_whatever_its_size(
    world, city, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as small:
        report_figures(region=city, year=YEAR)
    regions = world["regions"]
    for n, code in enumerate(["220102", "220103", "220104", "220105", "220106"] * 4):
        enterprise = EnterpriseFactory(region=regions[code], name=f"新企业{n}")
        for role in (Role.MANAGER, Role.TEAM_LEADER, Role.OTHER):
            person = PersonFactory()
            RosterEntryFactory(person=person, enterprise=enterprise, role=role)
            trained(person, datetime.date(2026 - n % 2, 5, 1), f"course:{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        figures = report_figures(region=city, year=YEAR)
    assert figures["coverage"]["required"] == 4 + 40
    assert len(small.captured_queries) <= 30


def test_last_years_figure_is_last_years_submitted_snapshot_when_there_is_one(
    world, city, city_regulator
):
    # Submitted on 1 December 2025, it froze the maintained counts as they stood when this
    # test runs (75 %), where counting from training dates gives 25 %: the snapshot wins.
    with time_machine.travel(datetime.datetime(2025, 12, 1, 10, tzinfo=SHANGHAI), tick=False):
        report_submit(region=city, year=2025, user=city_regulator)
    coverage = report_figures(region=city, year=YEAR)["coverage"]
    assert coverage["last_year"]["source"] == "snapshot"
    assert (coverage["last_year"]["percent"], coverage["change"]) == (75.0, 0.0)
    assert coverage["by_role"][Role.MANAGER]["last_year_percent"] == 100.0
