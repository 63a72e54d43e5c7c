"""Trend and forecast figures, aggregated in SQL over roster entries joined to CoveredPerson.

A point of the trend counts the entries active at a month end (started on or before it, not
yet ended) in the target's roles in key enterprises, and those whose person was covered by
then (`first_on`). The forecast's pace counts training, not roster churn: the entries active
today, covered now against covered at the start of the window. Each enterprise's pace comes
from one query over the maintained counts (coverage/counts/); regions add up their
enterprises' rows, so the region's headline, its sub-regions and its enterprises at risk cost
that query and the sub-region list. A region's monthly trend scans its roster history (a
second at the province's scale), so it is kept in the cache for the day
(`region_trend`) and computed ahead each night (`coverage.region_trends_warm`).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from coverage.counts.maintain import ALL_ROLES
from coverage.forecast.arithmetic import (
    NO_FORECAST,
    Forecast,
    forecast_project,
    month_ends,
    pace_window,
    percent,
)
from coverage.forecast.trend_scope import department_region_views
from coverage.models import Enterprise, Region, TrainingTarget
from coverage.selectors import Figures, coverage_by_role, coverage_totals, key_enterprises

# A day at most: a backdated record shows in the trend the next day, today's point is live.
TREND_CACHE_SECONDS = 24 * 60 * 60


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
        key_enterprises(enterprises, target=target).order_by().values("pk").query.sql_with_params()
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
    """Per key enterprise with required people: active entries and covered now (the
    maintained counts), and covered at `then`: now, less the entries of people first covered
    after `then` (a few weeks' worth, found from CoveredPerson by date). One query, whose cost
    follows the enterprises and the window's new coverage, not the province's people."""
    roles = [str(role) for role in target.required_roles]
    role_list = ", ".join(["%s"] * len(roles))
    scope_sql, scope_params = (
        key_enterprises(enterprises, target=target).order_by().values("pk").query.sql_with_params()
    )
    # MATERIALIZED: the window's few new coverages counted once, whatever the planner
    # believes of the count rows (a stale estimate once re-ran this per enterprise).
    sql = (
        "WITH recent AS MATERIALIZED (SELECT r.enterprise_id, COUNT(*) AS n "
        "FROM coverage_coveredperson c "
        "JOIN coverage_rosterentry r ON r.person_id = c.person_id AND r.end_date IS NULL "
        f"WHERE c.target_id = %s AND c.first_on > %s AND r.role IN ({role_list}) "
        "GROUP BY r.enterprise_id) "
        "SELECT ec.enterprise_id, e.credit_code, e.name, g.path, g.name, ec.required, "
        "ec.covered, ec.covered - COALESCE(recent.n, 0) "
        "FROM coverage_enterprisecoverage ec "
        "JOIN coverage_enterprise e ON e.id = ec.enterprise_id "
        "JOIN coverage_region g ON g.id = e.region_id "
        "LEFT JOIN recent ON recent.enterprise_id = ec.enterprise_id "
        "WHERE ec.target_id = %s AND ec.role = %s AND ec.required > 0 "
        f"AND ec.enterprise_id IN ({scope_sql})"
    )
    params = [target.pk, then, *roles, target.pk, ALL_ROLES, *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
    # An enterprise already at 100 % cannot miss the deadline: only the others are projected
    # (a province has some 15,000 key enterprises; this loop is over them, not people).
    at_risk = [
        (row, _project(target, [row], window, today)) for row in rows if row.covered < row.required
    ]
    at_risk = sorted([item for item in at_risk if item[1].misses_deadline], key=_worst_first)
    subregions = []
    children = list(region.children.all()) if region is not None else []
    by_child: dict[str, list[EnterprisePace]] = {child.path: [] for child in children}
    depth = region.path.count("/") if region is not None else 0
    for row in rows:
        # "/220000/220100/220102/" → its child of the region "/220000/": "/220000/220100/"
        child_path = "/".join(row.region_path.split("/")[: depth + 1]) + "/"
        if child_path in by_child:
            by_child[child_path].append(row)
    for child in children:
        forecast = _project(target, by_child[child.path], window, today)
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


def _trend_key(
    target: TrainingTarget, region: Region, role: str | None, day, scope_key: str = ""
) -> str:
    # A narrowed view (a department's industries) is a value of its own: a housing
    # regulator must never be served the whole region's trend, nor the reverse.
    scope = hashlib.sha256(scope_key.encode()).hexdigest()[:16] if scope_key else ""
    return f"coverage:trend:{target.pk}:{region.code}:{role or ''}:{scope}:{day.isoformat()}"


def region_trend(
    *,
    target: TrainingTarget,
    region: Region,
    role: str | None = None,
    enterprises: QuerySet[Enterprise] | None = None,
    scope_key: str = "",
) -> list[TrendPoint]:
    """`coverage_trend` of the region's key enterprises, kept in the shared cache for the
    day. Without `scope_key` every enterprise of the region (one value for all who see the
    whole region); with one, `enterprises` (the viewer's, in the region; see
    `trend_scope.region_view`), cached under that key."""
    today = timezone.localdate()
    key = _trend_key(target, region, role, today, scope_key)
    in_region = (
        enterprises
        if scope_key and enterprises is not None
        else Enterprise.objects.filter(region__path__startswith=region.path)
    )
    trend = cache.get(key)
    if trend is None:
        trend = coverage_trend(target=target, enterprises=in_region, role=role, today=today)
        cache.set(key, trend, TREND_CACHE_SECONDS)
    if trend and trend[-1].month_end == today:
        # Today's point is live, from the maintained counts: a training recorded an hour ago
        # shows at once; only the past months wait for tomorrow's recount.
        now = (
            coverage_by_role(target=target, enterprises=in_region)[role]
            if role
            else coverage_totals(target=target, enterprises=in_region)
        )
        trend = [*trend[:-1], TrendPoint(today, now)]
    return trend


def region_trends_warm() -> int:
    """Nightly: every region's trend of every current target computed ahead of its first
    view (province, cities, counties), whole and as each department that narrows a
    regulator's view sees it; returns how many were computed."""
    today = timezone.localdate()
    targets = TrainingTarget.objects.filter(start_date__lte=today)
    # Regions with an enterprise key for some current target (designations are per year).
    region_ids: set[int] = set()
    for target in targets:
        key = key_enterprises(Enterprise.objects.all(), target=target)
        region_ids.update(key.order_by().values_list("region_id", flat=True).distinct())
    regions = Region.objects.filter(pk__in=region_ids).values_list("path", flat=True)
    wanted = {code for path in regions for code in path.strip("/").split("/")}
    regions = list(Region.objects.filter(code__in=wanted))
    # And each region as the departments narrowing some regulator's view of it see it.
    narrowed = department_region_views(regions)
    computed = 0
    for target in targets:
        for region in regions:
            cache.delete(_trend_key(target, region, None, today))
            region_trend(target=target, region=region)
            computed += 1
        for region, view in narrowed:
            cache.delete(_trend_key(target, region, None, today, view.key))
            region_trend(
                target=target, region=region, enterprises=view.enterprises, scope_key=view.key
            )
            computed += 1
    return computed
