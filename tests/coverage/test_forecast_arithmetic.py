"""The forecast's arithmetic on constructed histories (no database)."""

import datetime

from coverage.forecast.arithmetic import (
    NO_FORECAST,
    forecast_project,
    month_ends,
    pace_window,
    percent_shown,
)

TODAY = datetime.date(2026, 12, 1)
DEADLINE = datetime.date(2030, 12, 31)


def test_month_ends_run_to_today_and_cross_years():
    assert month_ends(datetime.date(2025, 11, 15), datetime.date(2026, 2, 10)) == [
        datetime.date(2025, 11, 30),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 10),
    ]
    assert month_ends(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)) == [
        datetime.date(2026, 1, 31)
    ]
    assert month_ends(datetime.date(2026, 1, 1), datetime.date(2025, 12, 31)) == []
    assert len(month_ends(datetime.date(2021, 1, 1), datetime.date(2025, 12, 31))) == 60


def test_linear_history_projects_its_pace_and_the_day_of_full_coverage():
    # 40 % twelve weeks ago, 52 % today: one point a week.
    forecast = forecast_project(
        percent_now=52, percent_then=40, weeks=12, today=TODAY, deadline=TODAY
    )
    assert forecast.pace == 1
    assert forecast.percent_at_deadline == 52
    assert forecast.date_full == TODAY + datetime.timedelta(weeks=48)

    in_ten_weeks = TODAY + datetime.timedelta(weeks=10)
    forecast = forecast_project(
        percent_now=52, percent_then=40, weeks=12, today=TODAY, deadline=in_ten_weeks
    )
    assert forecast.percent_at_deadline == 62
    assert forecast.misses_deadline


def test_a_pace_that_reaches_100_before_the_deadline_is_capped():
    forecast = forecast_project(
        percent_now=52, percent_then=40, weeks=12, today=TODAY, deadline=DEADLINE
    )
    assert forecast.percent_at_deadline == 100
    assert not forecast.misses_deadline
    assert forecast.date_full < DEADLINE


def test_stalled_history_never_reaches_100():
    forecast = forecast_project(
        percent_now=30, percent_then=30, weeks=12, today=TODAY, deadline=DEADLINE
    )
    assert (forecast.pace, forecast.percent_at_deadline, forecast.date_full) == (0, 30, None)
    assert forecast.misses_deadline


def test_already_complete_is_full_today():
    forecast = forecast_project(
        percent_now=100, percent_then=90, weeks=12, today=TODAY, deadline=DEADLINE
    )
    assert (forecast.percent_at_deadline, forecast.date_full) == (100, TODAY)
    assert not forecast.misses_deadline


def test_declining_history_projects_a_fall_bounded_at_zero():
    forecast = forecast_project(
        percent_now=50,
        percent_then=56,
        weeks=12,
        today=TODAY,
        deadline=TODAY + datetime.timedelta(weeks=20),
    )
    assert forecast.pace == -0.5
    assert forecast.percent_at_deadline == 40
    assert forecast.date_full is None
    forecast = forecast_project(
        percent_now=50, percent_then=56, weeks=12, today=TODAY, deadline=DEADLINE
    )
    assert forecast.percent_at_deadline == 0


def test_nobody_required_has_no_forecast():
    assert (
        forecast_project(
            percent_now=None, percent_then=None, weeks=12, today=TODAY, deadline=DEADLINE
        )
        == NO_FORECAST
    )


def test_a_share_just_short_of_100_never_reads_100():
    assert percent_shown(99.96) == 99.9
    assert percent_shown(87.04) == 87.0
    assert percent_shown(100.0) == 100.0


def test_the_window_is_cut_to_a_target_that_began_recently():
    start = datetime.date(2026, 11, 3)  # four weeks before TODAY
    then, weeks = pace_window(start=start, today=TODAY, weeks=12)
    assert then == datetime.date(2026, 11, 2)
    assert weeks == 29 / 7
    assert pace_window(start=start - datetime.timedelta(weeks=20), today=TODAY, weeks=12) == (
        TODAY - datetime.timedelta(weeks=12),
        12,
    )
    assert pace_window(start=TODAY, today=TODAY, weeks=12) is None
