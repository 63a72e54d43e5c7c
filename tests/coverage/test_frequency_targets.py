"""Frequency targets (R3): a group (a role, optionally in one industry) must train N times in
the counting year; everyone else keeps the rule of one qualifying training in the period."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coverage.counts.frequency import counting_year
from coverage.counts.recount import drift_find
from coverage.counts.tasks import frequency_year_rebuild_task
from coverage.models import Enterprise, EnterpriseCoverage, Membership, Role, TrainingFrequency
from coverage.selectors import coverage_by_role, coverage_totals, people_not_covered
from coverage.services import training_record
from demo.installers.frequency import demo_frequency_install
from tests.factories import (
    EnterpriseFactory,
    IndustryFactory,
    MembershipFactory,
    PersonFactory,
    RosterEntryFactory,
    TrainingFrequencyFactory,
    TrainingTargetFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Inside the 2026–2030 plan, away from the year's ends unless a test travels there.
MIDYEAR = datetime.datetime(2027, 6, 15, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(MIDYEAR, tick=False) as traveller:
        yield traveller


@pytest.fixture
def plan(jilin, clock):
    target = TrainingTargetFactory(
        code="plan-2026-2030",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )
    mining = IndustryFactory(code="mining", name="矿山")
    construction = IndustryFactory(code="construction", name="建筑施工")
    rule = TrainingFrequencyFactory(target=target, industry=mining, per_year=2)
    mine = EnterpriseFactory(region=jilin["220102"], industry=mining, name="矿业公司")
    site = EnterpriseFactory(region=jilin["220102"], industry=construction, name="建筑公司")
    return {
        "target": target,
        "rule": rule,
        "mining": mining,
        "construction": construction,
        "mine": mine,
        "site": site,
    }


def train(person, on: datetime.date, n: int) -> None:
    training_record(
        person=person, kind="offline", occurred_on=on, title="现场培训", source_key=f"t:{n}"
    )


def figures(plan, enterprise):
    return coverage_totals(
        target=plan["target"], enterprises=Enterprise.objects.filter(pk=enterprise.pk)
    )


def assert_no_drift(target) -> None:
    drift = drift_find(target)
    assert drift.total == 0, drift


def test_a_mining_team_leader_needs_two_trainings_this_year(plan):
    entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    train(entry.person, datetime.date(2027, 3, 1), 1)

    assert (figures(plan, plan["mine"]).required, figures(plan, plan["mine"]).covered) == (1, 0)
    [missing] = people_not_covered(target=plan["target"], enterprises=Enterprise.objects.all())
    assert (missing.pk, missing.per_year, missing.in_year) == (entry.pk, 2, 1)
    assert_no_drift(plan["target"])

    train(entry.person, datetime.date(2027, 5, 1), 2)

    assert figures(plan, plan["mine"]).covered == 1
    assert not people_not_covered(target=plan["target"], enterprises=Enterprise.objects.all())
    assert_no_drift(plan["target"])


def test_last_years_training_does_not_count_toward_this_years_frequency(plan):
    entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    train(entry.person, datetime.date(2026, 3, 1), 1)
    train(entry.person, datetime.date(2026, 9, 1), 2)
    train(entry.person, datetime.date(2027, 2, 1), 3)
    assert figures(plan, plan["mine"]).covered == 0
    assert_no_drift(plan["target"])


def test_a_team_leader_outside_mining_is_covered_with_one(plan):
    entry = RosterEntryFactory(enterprise=plan["site"], role=Role.TEAM_LEADER)
    manager = RosterEntryFactory(enterprise=plan["mine"], role=Role.MANAGER)
    train(entry.person, datetime.date(2026, 3, 1), 1)  # last year: the period still counts
    train(manager.person, datetime.date(2027, 3, 1), 2)
    assert figures(plan, plan["site"]).covered == 1
    # The mining manager is no team leader: one training is enough there too.
    assert figures(plan, plan["mine"]).covered == 1
    assert_no_drift(plan["target"])


def test_the_same_person_is_covered_where_their_entrys_group_allows(plan):
    person = PersonFactory()
    RosterEntryFactory(person=person, enterprise=plan["mine"], role=Role.TEAM_LEADER)
    RosterEntryFactory(person=person, enterprise=plan["site"], role=Role.TEAM_LEADER)
    train(person, datetime.date(2027, 3, 1), 1)
    assert (figures(plan, plan["mine"]).covered, figures(plan, plan["site"]).covered) == (0, 1)
    train(person, datetime.date(2027, 4, 1), 2)
    assert (figures(plan, plan["mine"]).covered, figures(plan, plan["site"]).covered) == (1, 1)
    assert_no_drift(plan["target"])


def test_the_industrys_rule_wins_over_the_roles_rule_for_every_industry(plan):
    entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    other = RosterEntryFactory(enterprise=plan["site"], role=Role.TEAM_LEADER)
    for n, month in enumerate([2, 3, 4]):
        train(entry.person, datetime.date(2027, month, 1), n)
    train(other.person, datetime.date(2027, 2, 1), 10)
    train(other.person, datetime.date(2027, 3, 1), 11)
    # Every team leader three times a year; mining's own rule (twice) still decides there.
    TrainingFrequencyFactory(target=plan["target"], industry=None, per_year=3)
    assert (figures(plan, plan["mine"]).covered, figures(plan, plan["site"]).covered) == (1, 0)
    assert_no_drift(plan["target"])


def test_editing_or_removing_a_rule_rebuilds_its_target(plan):
    entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    train(entry.person, datetime.date(2027, 3, 1), 1)
    assert figures(plan, plan["mine"]).covered == 0

    rule = plan["rule"]
    rule.per_year = 1
    rule.save()
    assert figures(plan, plan["mine"]).covered == 1
    rule.per_year = 4
    rule.save()
    assert figures(plan, plan["mine"]).covered == 0
    assert_no_drift(plan["target"])

    rule.delete()
    assert figures(plan, plan["mine"]).covered == 1
    assert_no_drift(plan["target"])


def test_an_enterprise_changing_industry_changes_its_entries_group(plan):
    entry = RosterEntryFactory(enterprise=plan["site"], role=Role.TEAM_LEADER)
    train(entry.person, datetime.date(2027, 3, 1), 1)
    site = plan["site"]
    site.industry = plan["mining"]
    site.save()
    assert figures(plan, site).covered == 0
    assert_no_drift(plan["target"])
    site.industry = None
    site.save(update_fields=["industry"])
    assert figures(plan, site).covered == 1
    assert_no_drift(plan["target"])


def test_deleting_a_target_with_rules_leaves_no_maintained_rows(plan):
    entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    train(entry.person, datetime.date(2027, 3, 1), 1)
    plan["target"].delete()
    assert not TrainingFrequency.objects.exists()
    assert not EnterpriseCoverage.objects.exists()


def test_the_counting_year_is_held_inside_the_target_period(plan):
    target = plan["target"]
    assert counting_year(target, today=datetime.date(2027, 6, 15)) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 12, 31),
    )
    # After the deadline the final year counts; before the start, the first.
    assert counting_year(target, today=datetime.date(2032, 2, 1))[0] == datetime.date(2030, 1, 1)
    assert counting_year(target, today=datetime.date(2025, 2, 1))[0] == datetime.date(2026, 1, 1)


def test_the_new_year_rebuild_starts_counting_again(plan, clock):
    entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    site_entry = RosterEntryFactory(enterprise=plan["site"], role=Role.TEAM_LEADER)
    train(entry.person, datetime.date(2027, 3, 1), 1)
    train(entry.person, datetime.date(2027, 9, 1), 2)
    train(site_entry.person, datetime.date(2027, 3, 1), 3)
    assert figures(plan, plan["mine"]).covered == 1

    # 00:05 on 1 January in Shanghai is still 31 December in UTC.
    clock.move_to(datetime.datetime(2028, 1, 1, 0, 5, tzinfo=SHANGHAI))
    # Both people's counts of last year are stale until the rebuild.
    assert drift_find(plan["target"]).covered_missing == 2
    assert frequency_year_rebuild_task() == ["plan-2026-2030"]

    assert figures(plan, plan["mine"]).covered == 0
    assert figures(plan, plan["site"]).covered == 1  # one training in the period still counts
    assert_no_drift(plan["target"])

    train(entry.person, datetime.date(2028, 1, 1), 4)
    train(entry.person, datetime.date(2028, 1, 1), 5)
    assert figures(plan, plan["mine"]).covered == 1
    assert_no_drift(plan["target"])


def test_beat_rebuilds_at_five_past_midnight_on_new_years_day():
    entry = settings.CELERY_BEAT_SCHEDULE["coverage-frequency-new-year"]
    assert entry["task"] == "coverage.frequency_year_rebuild"
    schedule = entry["schedule"]
    assert (schedule.minute, schedule.hour) == ({5}, {0})
    assert (schedule.day_of_month, schedule.month_of_year) == ({1}, {1})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_a_rule_for_a_role_the_target_does_not_require_is_refused(plan):
    target = TrainingTargetFactory(code="managers-only", required_roles=["manager"])
    rule = TrainingFrequency(target=target, role="team_leader", industry=None, per_year=2)
    with pytest.raises(Exception, match="不要求该岗位") as refused:
        rule.full_clean()
    assert "role" in refused.value.message_dict


def test_the_enterprise_page_shows_the_frequency_of_the_group(client, plan):
    RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN, enterprise=plan["mine"])
    client.force_login(admin.user)
    response = client.get(
        reverse("coverage:enterprise_detail", args=[plan["mine"].credit_code]),
        {"target": "plan-2026-2030"},
    )
    # Manager, safety head, team leader: only the team leaders of a mine are a group.
    assert [per_year for _label, _figures, per_year in response.context["by_role"]] == [
        None,
        None,
        2,
    ]
    text = response.content.decode()
    assert "每年2次" in text or "2 times a year" in text
    assert "本年已培训 0/2 次" in text or "this year 0 of 2" in text


def test_role_figures_honour_the_rule(plan):
    entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    RosterEntryFactory(enterprise=plan["site"], role=Role.MANAGER, person=entry.person)
    train(entry.person, datetime.date(2027, 3, 1), 1)
    by_role = coverage_by_role(target=plan["target"], enterprises=Enterprise.objects.all())
    assert by_role["team_leader"].covered == 0
    assert by_role["manager"].covered == 1


def test_the_demo_rule_has_team_leaders_meeting_it_and_short_of_it(plan):
    for _n in range(2):
        RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
    for _run in range(2):  # loading the demo again changes nothing
        rule = demo_frequency_install(today=datetime.date(2027, 1, 20))
    assert (rule.target, rule.industry, rule.role, rule.per_year) == (
        plan["target"],
        plan["mining"],
        "team_leader",
        2,
    )
    assert TrainingFrequency.objects.count() == 1
    mine = figures(plan, plan["mine"])
    assert (mine.required, mine.covered) == (2, 1)
    assert_no_drift(plan["target"])


def test_the_dashboards_ask_no_more_queries_with_frequency_rules(client, plan, jilin):
    """The province's and an enterprise's pages read the same maintained rows either way."""
    for n in range(3):
        entry = RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)
        train(entry.person, datetime.date(2027, 3, 1), n)
    RosterEntryFactory(enterprise=plan["mine"], role=Role.TEAM_LEADER)  # missing either way
    regulator = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220000"]
    ).user
    client.force_login(regulator)
    pages = [
        reverse("coverage:region_detail", args=["220000"]) + "?target=plan-2026-2030",
        reverse("coverage:enterprise_detail", args=[plan["mine"].credit_code])
        + "?target=plan-2026-2030",
    ]

    def queries(url: str) -> int:
        client.get(url)  # warm the per-day caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    with_rule = [queries(url) for url in pages]
    assert figures(plan, plan["mine"]).covered == 0
    plan["rule"].delete()
    assert figures(plan, plan["mine"]).covered == 3
    assert [queries(url) for url in pages] == with_rule
