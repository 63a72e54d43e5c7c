"""The demo's two years of history give the current target a rising trend and a forecast."""

import datetime

import pytest

from coverage.forecast.selectors import coverage_trend, region_forecast
from coverage.models import Enterprise, TrainingRecord, TrainingTarget
from demo.installers.coverage import (
    demo_coverage_install,
    demo_people_install,
    demo_sessions_install,
)
from demo.installers.history import demo_history_install

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


def test_demo_history_spreads_training_over_two_years_and_the_trend_rises():
    demo_coverage_install()
    demo_people_install()
    demo_sessions_install()
    demo_history_install(today=TODAY)
    dates = list(
        TrainingRecord.objects.filter(source_key="demo:online-refresher").values_list(
            "occurred_on", flat=True
        )
    )
    assert min(dates) >= TODAY - datetime.timedelta(days=730) and max(dates) <= TODAY
    assert len({(d.year, d.month) for d in dates}) >= 12

    target = TrainingTarget.objects.get(code="plan-2026-2030")
    trend = coverage_trend(target=target, enterprises=Enterprise.objects.all(), today=TODAY)
    covered = [point.figures.covered for point in trend]
    assert covered == sorted(covered) and covered[0] < covered[-1]
    forecast = region_forecast(
        target=target, region=None, enterprises=Enterprise.objects.all(), today=TODAY
    ).overall
    assert forecast.pace > 0 and forecast.percent_at_deadline is not None

    demo_history_install(today=TODAY + datetime.timedelta(days=3))
    assert TrainingRecord.objects.filter(source_key="demo:online-refresher").count() == len(dates)
