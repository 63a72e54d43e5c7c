"""Trend and forecast figures, aggregated in SQL over roster entries joined to CoveredPerson.

A point of the trend counts the entries active at a month end (started on or before it, not
yet ended) in the target's roles in key enterprises, and those whose person was covered by
then (`first_on`). The forecast's pace counts training, not roster churn: the entries active
today, covered now against covered at the start of the window. Each enterprise's pace comes
from one grouped query; regions add up their enterprises' rows, so the region's headline,
its sub-regions and its enterprises at risk cost that query and the sub-region list.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from coverage.forecast.arithmetic import (
    NO_FORECAST,
    Forecast,
    forecast_project,
    month_ends,
    pace_window,
    percent,
)
from coverage.models import Enterprise, Region, TrainingTarget
from coverage.selectors import Figures, key_enterprises


@dataclass(frozen=True)
class TrendPoint:
    month_end: datetime.date
    figures: Figures


@dataclass(frozen=True)
class EnterprisePace:
    enterprise_id: int
    credit_code: str
    name: str
    region_path: str
    region_name: str
    required: int
    covered: int
    covered_then: int


@dataclass(frozen=True)
class RegionForecast:
    """A region's forecast, and its sub-regions and key enterprises that will miss the
    deadline at their pace, worst first."""

    overall: Forecast
    subregions: list[tuple[Region, Forecast]]
    enterprises: list[tuple[EnterprisePace, Forecast]]


def forecast_weeks() -> int:
    return settings.COVERAGE_FORECAST_WEEKS


def _scope(
    target: TrainingTarget, enterprises: QuerySet[Enterprise], role: str | None
) -> tuple[str, list]:
    """The WHERE clause of the target's entries in the scope's key enterprises."""
    roles = [role] if role else [str(r) for r in target.required_roles]
    scope_sql, scope_params = (
        key_enterprises(enterprises).order_by().values("pk").query.sql_with_params()
    )
    placeholders = ", ".join(["%s"] * len(roles))
    return (
        f"r.role IN ({placeholders}) AND r.enterprise_id IN ({scope_sql})",
        [*roles, *scope_params],
    )


_ACTIVE_AT = "r.start_date <= %s AND (r.end_date IS NULL OR r.end_date > %s)"


def coverage_trend(
    *,
    target: TrainingTarget,
    enterprises: QuerySet[Enterprise],
    role: str | None = None,
    today: datetime.date | None = None,
) -> list[TrendPoint]:
    """Required and covered at each month end from the target's start to today (the last
    point is today, or the deadline once passed): one query, two sums per month."""
    today = today or timezone.localdate()
    ends = month_ends(target.start_date, min(today, target.end_date))
    if not ends or (role and role not in target.required_roles):
        return [TrendPoint(end, Figures(0, 0)) for end in ends]
    columns, params = [], []
    for end in ends:
        columns.append(f"SUM(CASE WHEN {_ACTIVE_AT} THEN 1 ELSE 0 END)")
        columns.append(f"SUM(CASE WHEN {_ACTIVE_AT} AND c.first_on <= %s THEN 1 ELSE 0 END)")
        params += [end, end, end, end, end]
    where, where_params = _scope(target, enterprises, role)
    sql = (
        f"SELECT {', '.join(columns)} FROM coverage_rosterentry r "
        "LEFT JOIN coverage_coveredperson c ON c.person_id = r.person_id AND c.target_id = %s "
        f"WHERE {where} AND r.start_date <= %s AND (r.end_date IS NULL OR r.end_date > %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, target.pk, *where_params, ends[-1], ends[0]])
        sums = cursor.fetchone()
    return [
        TrendPoint(end, Figures(int(sums[2 * n] or 0), int(sums[2 * n + 1] or 0)))
        for n, end in enumerate(ends)
    ]


def enterprise_paces(
    *,
    target: TrainingTarget,
    enterprises: QuerySet[Enterprise],
    then: datetime.date,
) -> list[EnterprisePace]:
    """Per key enterprise with required people: active entries, covered now, covered at
    `then` (one grouped query)."""
    where, params = _scope(target, enterprises, None)
    sql = (
        "SELECT r.enterprise_id, e.credit_code, e.name, g.path, g.name, COUNT(*), "
        "COUNT(c.id), SUM(CASE WHEN c.first_on <= %s THEN 1 ELSE 0 END) "
        "FROM coverage_rosterentry r "
        "JOIN coverage_enterprise e ON e.id = r.enterprise_id "
        "JOIN coverage_region g ON g.id = e.region_id "
        "LEFT JOIN coverage_coveredperson c ON c.person_id = r.person_id AND c.target_id = %s "
        f"WHERE r.end_date IS NULL AND {where} "
        "GROUP BY r.enterprise_id, e.credit_code, e.name, g.path, g.name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [then, target.pk, *params])
        return [
            EnterprisePace(*row[:5], int(row[5]), int(row[6]), int(row[7] or 0))
            for row in cursor.fetchall()
        ]


def _project(
    target: TrainingTarget, rows: list[EnterprisePace], window, today: datetime.date
) -> Forecast:
    required = sum(row.required for row in rows)
    if window is None or not required:
        return NO_FORECAST
    return forecast_project(
        percent_now=percent(sum(row.covered for row in rows), required),
        percent_then=percent(sum(row.covered_then for row in rows), required),
        weeks=window[1],
        today=today,
        deadline=target.end_date,
    )


def _worst_first(item: tuple) -> tuple:
    forecast = item[1]
    return (forecast.percent_at_deadline, forecast.percent_now)


def region_forecast(
    *,
    target: TrainingTarget,
    region: Region | None,
    enterprises: QuerySet[Enterprise],
    today: datetime.date | None = None,
) -> RegionForecast:
    """The region's (None: the whole scope's) forecast, its sub-regions' and its key
    enterprises' at risk: two queries whatever the number of enterprises."""
    today = today or timezone.localdate()
    if region is not None:
        enterprises = enterprises.filter(region__path__startswith=region.path)
    window = pace_window(start=target.start_date, today=today, weeks=forecast_weeks())
    if window is None:
        return RegionForecast(NO_FORECAST, [], [])
    rows = enterprise_paces(target=target, enterprises=enterprises, then=window[0])
    at_risk = [(row, _project(target, [row], window, today)) for row in rows]
    at_risk = sorted([item for item in at_risk if item[1].misses_deadline], key=_worst_first)
    subregions = []
    for child in region.children.all() if region is not None else []:
        forecast = _project(
            target, [row for row in rows if row.region_path.startswith(child.path)], window, today
        )
        if forecast.misses_deadline:
            subregions.append((child, forecast))
    return RegionForecast(
        overall=_project(target, rows, window, today),
        subregions=sorted(subregions, key=_worst_first),
        enterprises=at_risk,
    )


def enterprise_forecasts(
    *,
    target: TrainingTarget,
    enterprises: QuerySet[Enterprise],
    today: datetime.date | None = None,
) -> tuple[Forecast, dict[int, Forecast]]:
    """The scope's forecast and each key enterprise's with required people, by id (one
    query)."""
    today = today or timezone.localdate()
    window = pace_window(start=target.start_date, today=today, weeks=forecast_weeks())
    if window is None:
        return NO_FORECAST, {}
    rows = enterprise_paces(target=target, enterprises=enterprises, then=window[0])
    return _project(target, rows, window, today), {
        row.enterprise_id: _project(target, [row], window, today) for row in rows
    }
