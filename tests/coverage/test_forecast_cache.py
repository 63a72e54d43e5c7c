"""A region's monthly trend is kept for the day (it scans the roster history); today's point
stays live, and the nightly task computes every region's ahead of its first view."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from coverage.forecast.selectors import _trend_key, region_trend, region_trends_warm
from coverage.models import Role
from coverage.services import training_record
from tests.factories import EnterpriseFactory, RosterEntryFactory, TrainingTargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(jilin):
    year = timezone.localdate().year
    target = TrainingTargetFactory(
        code="now", start_date=datetime.date(year - 1, 1, 1), end_date=datetime.date(year, 12, 31)
    )
    enterprise = EnterpriseFactory(region=jilin["220102"], is_key=True)
    people = [
        RosterEntryFactory(
            enterprise=enterprise, role=Role.TEAM_LEADER, start_date=datetime.date(year - 1, 1, 1)
        ).person
        for _n in range(3)
    ]
    return {"target": target, "region": jilin["220100"], "people": people}


def _record(person, key):
    training_record(
        person=person,
        kind="online",
        occurred_on=timezone.localdate(),
        title="课程",
        source_key=key,
    )


def test_past_months_come_from_the_cache_and_today_is_live(city, django_assert_max_num_queries):
    target, region = city["target"], city["region"]
    _record(city["people"][0], "course:1")
    first = region_trend(target=target, region=region)
    assert first[-1].month_end == timezone.localdate()
    assert (first[-1].figures.required, first[-1].figures.covered) == (3, 1)
    assert cache.get(_trend_key(target, region, None, timezone.localdate())) is not None

    _record(city["people"][1], "course:2")
    with django_assert_max_num_queries(2):  # today's point only, from the maintained counts
        again = region_trend(target=target, region=region)
    assert again[:-1] == first[:-1]
    assert (again[-1].figures.required, again[-1].figures.covered) == (3, 2)
    by_role = region_trend(target=target, region=region, role=Role.TEAM_LEADER)
    assert by_role[-1].figures.covered == 2


def test_the_nightly_task_computes_every_regions_trend(city):
    target = city["target"]
    assert region_trends_warm() >= 3  # the province, the city and the county
    for code in ("220000", "220100", "220102"):
        key = _trend_key(
            target, type(city["region"]).objects.get(code=code), None, timezone.localdate()
        )
        assert cache.get(key) is not None
