"""Key designations decide the figures: by year (the target's period), by region (an industry
designated by a county reaches that county only), by project, and the province's default."""

import datetime

import pytest

from coverage.designations.selectors import enterprise_is_key
from coverage.models import Enterprise, KeyDesignation, Role
from coverage.selectors import (
    coverage_by_subregion,
    coverage_totals,
    enterprises_with_coverage,
    key_enterprises,
    region_figures,
)
from coverage.services import industries_load_key, training_target_default
from tests.factories import (
    EnterpriseFactory,
    IndustryFactory,
    KeyDesignationFactory,
    RosterEntryFactory,
    TrainingTargetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(db):
    return {
        "plan": training_target_default(),
        "next": TrainingTargetFactory(
            code="plan-2026-2030",
            name="2026—2030",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2030, 12, 31),
        ),
    }


def key_names(target) -> set[str]:
    return set(
        key_enterprises(Enterprise.objects.all(), target=target).values_list("name", flat=True)
    )


def test_an_enterprise_designated_only_for_2027_is_key_for_2026_2030_and_not_for_2021_2025(
    jilin, targets
):
    enterprise = EnterpriseFactory(region=jilin["220102"], name="只在2027", is_key=False)
    KeyDesignationFactory(enterprise=enterprise, region=jilin["220100"], year=2027)
    RosterEntryFactory(enterprise=enterprise, role=Role.MANAGER)

    assert key_names(targets["next"]) == {"只在2027"}
    assert key_names(targets["plan"]) == set()
    assert (
        coverage_totals(target=targets["next"], enterprises=Enterprise.objects.all()).required == 1
    )
    assert (
        coverage_totals(target=targets["plan"], enterprises=Enterprise.objects.all()).required == 0
    )
    assert enterprise_is_key(enterprise=enterprise, target=targets["next"])
    assert not enterprise_is_key(enterprise=enterprise, target=targets["plan"])


def test_an_industry_designated_by_a_county_makes_that_countys_enterprises_key_not_anothers(
    jilin, targets
):
    mining = IndustryFactory(code="mining", name="矿山")
    IndustryFactory(code="construction", name="建筑施工")
    here = EnterpriseFactory(region=jilin["220102"], industry=mining, name="南关矿", is_key=False)
    next_door = EnterpriseFactory(
        region=jilin["220103"], industry=mining, name="宽城矿", is_key=False
    )
    builder = EnterpriseFactory(region=jilin["220102"], name="南关建筑", is_key=False)
    KeyDesignationFactory(
        kind=KeyDesignation.Kind.INDUSTRY,
        industry=mining,
        enterprise=None,
        region=jilin["220102"],
        year=2023,
    )
    for enterprise in (here, next_door, builder):
        RosterEntryFactory(enterprise=enterprise, role=Role.TEAM_LEADER)

    assert key_names(targets["plan"]) == {"南关矿"}
    by_county = {
        f.region.code: f.key_enterprises
        for f in coverage_by_subregion(
            target=targets["plan"], region=jilin["220100"], enterprises=Enterprise.objects.all()
        )
    }
    assert (by_county["220102"], by_county["220103"]) == (1, 0)
    assert key_names(targets["next"]) == set()  # 2023 is outside 2026–2030


def test_a_city_industry_designation_reaches_every_county_of_the_city_only(jilin, targets):
    mining = IndustryFactory(code="mining", name="矿山")
    EnterpriseFactory(region=jilin["220102"], industry=mining, name="长春矿甲", is_key=False)
    EnterpriseFactory(region=jilin["220103"], industry=mining, name="长春矿乙", is_key=False)
    EnterpriseFactory(region=jilin["220202"], industry=mining, name="吉林矿", is_key=False)
    KeyDesignationFactory(
        kind=KeyDesignation.Kind.INDUSTRY,
        industry=mining,
        enterprise=None,
        region=jilin["220100"],
        year=2028,
    )

    assert key_names(targets["next"]) == {"长春矿甲", "长春矿乙"}


def test_the_enterprises_running_a_key_project_are_key(jilin, targets):
    runner = EnterpriseFactory(region=jilin["220102"], name="项目承建", is_key=False)
    partner = EnterpriseFactory(region=jilin["220104"], name="项目监理", is_key=False)
    EnterpriseFactory(region=jilin["220102"], name="旁观者", is_key=False)
    KeyDesignationFactory(
        kind=KeyDesignation.Kind.PROJECT,
        enterprise=None,
        region=jilin["220100"],
        project_name="地铁6号线土建",
        year=2026,
        project_enterprises=[runner, partner],
    )

    assert key_names(targets["next"]) == {"项目承建", "项目监理"}
    assert key_names(targets["plan"]) == set()


def test_the_province_designates_its_five_key_industries_for_2021_to_2025_by_default(
    jilin, targets
):
    industries = {industry.code: industry for industry in industries_load_key()}
    assert (
        KeyDesignation.objects.filter(
            kind=KeyDesignation.Kind.INDUSTRY, region__code="220000"
        ).count()
        == 5 * 5
    )
    EnterpriseFactory(
        region=jilin["222401"], industry=industries["transport"], name="延边运输", is_key=False
    )
    other = IndustryFactory(code="retail", name="零售")
    EnterpriseFactory(region=jilin["220102"], industry=other, name="零售店", is_key=False)
    EnterpriseFactory(
        region=jilin["220102"],
        industry=industries["mining"],
        name="矿业技校",
        kind=Enterprise.Kind.TECHNICAL_SCHOOL,
        is_key=False,
    )

    assert key_names(targets["plan"]) == {"延边运输"}  # schools are never key
    assert key_names(targets["next"]) == set()  # the next plan's years need designations
    industries_load_key()  # re-running adds nothing
    assert KeyDesignation.objects.count() == 25


def test_designations_keep_the_dashboard_queries_and_their_number(
    jilin, targets, django_assert_num_queries
):
    mining = IndustryFactory(code="mining", name="矿山")
    for n in range(30):
        enterprise = EnterpriseFactory(
            region=jilin[["220102", "220103", "220202"][n % 3]], industry=mining, is_key=n % 2 == 0
        )
        RosterEntryFactory(enterprise=enterprise, role=Role.MANAGER)
    KeyDesignationFactory(
        kind=KeyDesignation.Kind.INDUSTRY, industry=mining, enterprise=None, region=jilin["220202"]
    )
    everything = Enterprise.objects.all()
    target = targets["next"]
    with django_assert_num_queries(1):
        figures = region_figures(target=target, region=jilin["220000"], enterprises=everything)
    # 15 designated in their own right, and the 5 others in 220202 through the industry.
    assert figures.key_enterprises == 20
    with django_assert_num_queries(2):
        coverage_by_subregion(target=target, region=jilin["220000"], enterprises=everything)
    with django_assert_num_queries(1):
        assert len(list(enterprises_with_coverage(target=target, enterprises=everything))) == 20
