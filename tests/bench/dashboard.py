"""Dashboard selectors against hand-written SQL that computes the same numbers.

The SQL is the floor: one statement per figure, the covered people found once by a hash
join. Each case asserts that selector and SQL agree before anything is timed.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

# The people with a training record counting toward the target inside its period, found
# once as a set (a hash join) rather than probed once per roster entry.
_COVERED = """
covered_people AS (
    SELECT DISTINCT t.person_id
    FROM coverage_trainingrecord t
    JOIN coverage_trainingrecord_targets tt ON tt.trainingrecord_id = t.id
    WHERE tt.trainingtarget_id = %(target)s AND t.occurred_on BETWEEN %(start)s AND %(end)s
)"""

# Key as coverage/designations/selectors.py decides it: an enterprise designation of a year
# in the target's period, or an industry designation by a region containing the enterprise
# (the bench makes no project designations).
_KEY = """e.kind = 'enterprise' AND (
        e.id IN (SELECT d.enterprise_id FROM coverage_keydesignation d
                 WHERE d.kind = 'enterprise' AND d.year BETWEEN %(first)s AND %(last)s)
        OR EXISTS (SELECT 1 FROM coverage_keydesignation d
                   JOIN coverage_region dg ON dg.id = d.region_id
                   WHERE d.kind = 'industry' AND d.industry_id = e.industry_id
                     AND d.year BETWEEN %(first)s AND %(last)s AND g.path LIKE dg.path || '%%'))"""

# Required entries: active, in a required role, in a key enterprise in the region.
_REQUIRED_JOINS = f"""
    JOIN coverage_region g ON g.id = e.region_id
    LEFT JOIN coverage_rosterentry r
        ON r.enterprise_id = e.id AND r.end_date IS NULL AND r.role = ANY(%(roles)s)
    LEFT JOIN covered_people c ON c.person_id = r.person_id
    WHERE {_KEY} AND g.path LIKE %(path)s
"""

# covered_people holds a person once, so count(c.person_id) counts covered entries.
_BASE = f"""
WITH {_COVERED},
per_enterprise AS (
    SELECT e.id, e.name, e.region_id, e.industry_id, g.path,
           count(r.id) AS required, count(c.person_id) AS covered
    FROM coverage_enterprise e
    {_REQUIRED_JOINS}
    GROUP BY e.id, g.path
)
"""

_REGION_FIGURES = (
    _BASE
    + """
SELECT coalesce(sum(required), 0), coalesce(sum(covered), 0), count(*),
       count(*) FILTER (WHERE required > 0 AND covered = required),
       count(*) FILTER (WHERE required = 0)
FROM per_enterprise
"""
)

_BY_SUBREGION = (
    _BASE
    + """
SELECT split_part(path, '/', %(child_part)s) AS child, sum(required), sum(covered), count(*),
       count(*) FILTER (WHERE required > 0 AND covered = required),
       count(*) FILTER (WHERE required = 0)
FROM per_enterprise
GROUP BY child
"""
)

_WORST_PAGE = (
    _BASE
    + """
SELECT p.id, p.name, g.name, i.name, p.required, p.covered,
       CASE WHEN p.required = 0 THEN NULL
            ELSE round(p.covered * 100.0 / p.required, 1) END AS percent
FROM per_enterprise p
JOIN coverage_region g ON g.id = p.region_id
LEFT JOIN coverage_industry i ON i.id = p.industry_id
ORDER BY percent ASC NULLS FIRST, p.required DESC, p.name, p.id
LIMIT 50
"""
)

_BY_ROLE = f"""
WITH {_COVERED}
SELECT r.role, count(r.id), count(c.person_id)
FROM coverage_enterprise e
{_REQUIRED_JOINS} AND r.id IS NOT NULL
GROUP BY r.role
"""


# The same figures over the maintained tables (coverage/counts/), written as well as we can:
# the floor the selectors are held to now that they read those tables.
_M_BASE = f"""
WITH per_enterprise AS (
    SELECT e.id, e.name, e.region_id, e.industry_id, g.path,
           coalesce(c.required, 0) AS required, coalesce(c.covered, 0) AS covered
    FROM coverage_enterprise e
    JOIN coverage_region g ON g.id = e.region_id
    LEFT JOIN coverage_enterprisecoverage c
        ON c.enterprise_id = e.id AND c.target_id = %(target)s AND c.role = ''
    WHERE {_KEY} AND g.path LIKE %(path)s
)
"""
_M_REGION_FIGURES = _M_BASE + _REGION_FIGURES[len(_BASE) :]
_M_BY_SUBREGION = _M_BASE + _BY_SUBREGION[len(_BASE) :]
_M_WORST_PAGE = _M_BASE + _WORST_PAGE[len(_BASE) :]
_M_BY_ROLE = f"""
SELECT c.role, sum(c.required), sum(c.covered)
FROM coverage_enterprisecoverage c
JOIN coverage_enterprise e ON e.id = c.enterprise_id
JOIN coverage_region g ON g.id = e.region_id
WHERE c.target_id = %(target)s AND c.role = ANY(%(roles)s)
  AND {_KEY} AND g.path LIKE %(path)s
GROUP BY c.role
"""


@dataclass
class Case:
    name: str
    selector: Callable[[], object]
    sql: str  # over the base tables: what the page computed before the maintained tables
    params: dict
    from_rows: Callable[[list[tuple]], object]
    maintained_sql: str = ""  # the same numbers over the maintained tables


@dataclass
class Result:
    case: Case
    queries: list[tuple[str, tuple]]
    selector_seconds: float
    sql_seconds: float
    maintained_sql_seconds: float

    @property
    def ratio(self) -> float:
        return self.selector_seconds / self.sql_seconds

    @property
    def maintained_ratio(self) -> float:
        return self.selector_seconds / self.maintained_sql_seconds


def _float(value) -> float | None:
    return None if value is None else float(value)


def _figures(rows) -> tuple:
    required, covered, key, complete, missing = rows[0]
    return (int(required), int(covered), key, complete, missing)


def _region_numbers(figures) -> tuple:
    return (
        figures.people.required,
        figures.people.covered,
        figures.key_enterprises,
        figures.complete_enterprises,
        figures.roster_missing,
    )


def dashboard_cases(*, target, province, city, province_scope, city_scope) -> list[Case]:
    from coverage.selectors import (
        coverage_by_role,
        coverage_by_subregion,
        enterprises_with_coverage,
        region_figures,
    )

    def params(region) -> dict:
        return {
            "path": region.path + "%",
            "target": target.pk,
            "start": target.start_date,
            "end": target.end_date,
            "roles": list(target.required_roles),
            "first": target.start_date.year,
            "last": target.end_date.year,
            # "/220000/220100/": the child's code is the part after the region's own codes.
            "child_part": region.path.count("/") + 1,
        }

    children = {child.code: child for child in province.children.all()}

    def subregion_rows(rows) -> dict:
        found = {code: (int(r), int(c), k, f, m) for code, r, c, k, f, m in rows}
        return {code: found.get(code, (0, 0, 0, 0, 0)) for code in children}

    def page_rows(rows) -> list:
        return [
            (pk, name, region, industry or "", required, covered, _float(percent))
            for pk, name, region, industry, required, covered, percent in rows
        ]

    def page_selector() -> list:
        page = enterprises_with_coverage(target=target, enterprises=province_scope)[:50]
        return [
            (
                e.pk,
                e.name,
                e.region.name,
                e.industry.name if e.industry else "",
                e.required,
                e.covered,
                e.percent,
            )
            for e in page
        ]

    return [
        Case(
            "region_figures(province)",
            lambda: _region_numbers(
                region_figures(target=target, region=province, enterprises=province_scope)
            ),
            _REGION_FIGURES,
            params(province),
            _figures,
            _M_REGION_FIGURES,
        ),
        Case(
            f"region_figures(city {city.code})",
            lambda: _region_numbers(
                region_figures(target=target, region=city, enterprises=city_scope)
            ),
            _REGION_FIGURES,
            params(city),
            _figures,
            _M_REGION_FIGURES,
        ),
        Case(
            "coverage_by_subregion(province)",
            lambda: {
                f.region.code: _region_numbers(f)
                for f in coverage_by_subregion(
                    target=target, region=province, enterprises=province_scope
                )
            },
            _BY_SUBREGION,
            params(province),
            subregion_rows,
            _M_BY_SUBREGION,
        ),
        Case(
            "enterprises_with_coverage[:50] worst first",
            page_selector,
            _WORST_PAGE,
            params(province),
            page_rows,
            _M_WORST_PAGE,
        ),
        Case(
            "coverage_by_role(province)",
            lambda: {
                role: (f.required, f.covered)
                for role, f in coverage_by_role(target=target, enterprises=province_scope).items()
            },
            _BY_ROLE,
            params(province),
            lambda rows: {
                role: next(((r, c) for name, r, c in rows if name == role), (0, 0))
                for role in target.required_roles
            },
            _M_BY_ROLE,
        ),
    ]


def _run_sql(case: Case, sql: str | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql or case.sql, case.params)
        return cursor.fetchall()


def _timed(function: Callable[[], object]) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def dashboard_measure(case: Case, *, runs: int) -> Result:
    """Warm both up, assert they agree, then time them alternately: median of `runs` each."""
    queries: list[tuple[str, tuple]] = []

    def capture(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        from_selector = case.selector()
    for sql in (case.sql, case.maintained_sql):
        from_sql = case.from_rows(_run_sql(case, sql))
        assert from_selector == from_sql, (
            f"{case.name}: the selector and the SQL disagree\n"
            f"  selector: {from_selector}\n  SQL:      {from_sql}\n{sql}"
        )
    selector_times, sql_times, maintained_times = [], [], []
    for _ in range(runs):
        selector_times.append(_timed(case.selector))
        sql_times.append(_timed(lambda: _run_sql(case)))
        maintained_times.append(_timed(lambda: _run_sql(case, case.maintained_sql)))
    return Result(
        case,
        queries,
        statistics.median(selector_times),
        statistics.median(sql_times),
        statistics.median(maintained_times),
    )


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def explain_report(result: Result, folder: Path) -> tuple[Path, list[str]]:
    """EXPLAIN ANALYZE of the selector's queries, then of the SQL, in full in one file;
    returns the file and the selector's plans."""
    folder.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in result.case.name).strip("-")
    path = folder / f"explain-{slug}.txt"
    plans = [explain(sql, params) for sql, params in result.queries]
    parts = [
        f"-- selector query {number}\n{sql}\n\n{plan}\n"
        for number, ((sql, _params), plan) in enumerate(zip(result.queries, plans, strict=True), 1)
    ]
    floor_plan = explain(result.case.sql, result.case.params)
    parts.append(f"-- hand-written SQL\n{result.case.sql}\n\n{floor_plan}\n")
    path.write_text("\n".join(parts))
    return path, plans


def plan_hotspots(plan: str, *, limit: int = 6) -> list[str]:
    """The plan nodes with the largest total time (per-loop time × loops), where to look first."""
    timed = []
    for line in plan.splitlines():
        if "actual time=" in line:
            upper = float(line.split("actual time=")[1].split("..")[1].split(" ")[0])
            loops = int(line.split("loops=")[1].split(")")[0])
            timed.append((upper * loops, line.strip()))
    hotspots = [line for _t, line in sorted(timed, reverse=True)[:limit]]
    # JIT compilation is charged to the first node that runs compiled code; say it apart.
    jit = [line.strip() for line in plan.splitlines() if line.strip().startswith("Timing:")]
    return hotspots + [f"JIT {line}" for line in jit]
