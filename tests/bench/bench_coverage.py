"""Benchmarks on province-scale data (tests/bench/generate.py first), printed as ratios against
a floor measured in the same run on the same PostgreSQL:

1. dashboard selectors ÷ hand-written SQL computing the same numbers (asserted equal);
2. roster import rows/s (20k CSV, 20k xlsx, 100k CSV) ÷ COPY rows/s of the same rows into a
   table with the same unique index, and the peak memory of a 100k commit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench \\
        .venv/bin/python -m tests.bench.bench_coverage [--runs 5] [--import-rows 20000]

Not a test: nothing here fails on a slow figure. It fails only when a selector's numbers
differ from the SQL's, because then the ratio would mean nothing.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from tests.bench.database import bench_django_setup, database_name
from tests.bench.summary import figure_record

BAD_RATIO = 2.0  # above this, print where the time goes
EXPLAIN_FOLDER = Path("var/bench")


def server_settings() -> str:
    """The settings both sides of every ratio share; the ratio depends on them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name IN "
            "('server_version', 'shared_buffers', 'work_mem', 'jit', "
            "'max_parallel_workers_per_gather', 'random_page_cost') ORDER BY name"
        )
        return ", ".join(
            f"{name}={setting}{' × ' + unit if unit else ''}"
            for name, setting, unit in cursor.fetchall()
        )


def session_settings_apply(settings: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for setting in settings:
            name, _equals, value = setting.partition("=")
            cursor.execute("SELECT set_config(%s, %s, false)", [name.strip(), value.strip()])


def _regulator(email: str, region):
    from django.contrib.auth import get_user_model

    from coverage.models import Membership

    user, _created = get_user_model().objects.get_or_create(email=email)
    Membership.objects.get_or_create(user=user, role=Membership.Role.REGULATOR, region=region)
    return user


def bench_dashboard(*, runs: int) -> None:
    from coverage.jurisdiction import enterprises_in_scope
    from coverage.models import Enterprise, Region
    from coverage.selectors import target_current
    from tests.bench.dashboard import (
        dashboard_cases,
        dashboard_measure,
        explain_report,
        plan_hotspots,
    )

    target = target_current()
    province = Region.objects.get(code="220000")
    city = Region.objects.get(code="220100")
    # The dashboard reads through the jurisdiction helpers, so the benchmark does too.
    province_scope = enterprises_in_scope(_regulator("bench-province@bench.invalid", province))
    city_scope = enterprises_in_scope(_regulator("bench-changchun@bench.invalid", city))
    print(
        f"\n1. Dashboard selectors ÷ hand-written SQL ({Enterprise.objects.count():,} "
        f"enterprises; median of {runs} runs after a warm-up; numbers asserted equal).\n"
        f"   Base SQL: the figures from rosters and records (what the page computed before);\n"
        f"   kept SQL: the best SQL over the maintained tables the selectors now read."
    )
    print(
        f"   {'selector':<44}{'queries':>8}{'selector ms':>13}{'base ms':>10}{'÷ base':>8}"
        f"{'kept ms':>9}{'÷ kept':>8}"
    )
    bad = []
    for case in dashboard_cases(
        target=target,
        province=province,
        city=city,
        province_scope=province_scope,
        city_scope=city_scope,
    ):
        result = dashboard_measure(case, runs=runs)
        flag = "  <- slow" if result.maintained_ratio > BAD_RATIO else ""
        print(
            f"   {case.name:<44}{len(result.queries):>8}{result.selector_seconds * 1000:>13.1f}"
            f"{result.sql_seconds * 1000:>10.1f}{result.ratio:>8.3f}"
            f"{result.maintained_sql_seconds * 1000:>9.1f}{result.maintained_ratio:>8.2f}{flag}",
            flush=True,
        )
        figure_record(
            f"dashboard {case.name} ÷ base SQL",
            ours=result.selector_seconds * 1000,
            floor=result.sql_seconds * 1000,
            goal=0.2,
            better="lower",
            unit="ms",
        )
        figure_record(
            f"dashboard {case.name} ÷ kept SQL",
            ours=result.selector_seconds * 1000,
            floor=result.maintained_sql_seconds * 1000,
            goal=1.5,
            better="lower",
            unit="ms",
        )
        if flag:
            bad.append(result)
    for result in bad:
        path, plans = explain_report(result, EXPLAIN_FOLDER)
        print(f"\n   {result.case.name}: ratio {result.maintained_ratio:.2f}; plans in {path}")
        for number, plan in enumerate(plans, start=1):
            print(f"   selector query {number}, costliest plan nodes (time × loops):")
            for line in plan_hotspots(plan):
                print(f"     {line[:150]}")
    bench_dashboard_pages(
        runs=runs,
        pages=[
            ("province", "bench-province@bench.invalid", province),
            (f"city {city.code}", "bench-changchun@bench.invalid", city),
        ],
    )


def bench_dashboard_pages(*, runs: int, pages: list) -> None:
    """The regulator's whole page (every query, the template, the middleware), timed through
    Django's test client; the goal is absolute (≤ 1 s), recorded against a 1 s floor."""
    import statistics

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # Static files by name: the bench has no collectstatic manifest, the lookup costs the same.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    print("\n   Dashboard page (GET as the regulator, median):")
    for label, email, region in pages:
        client = Client()
        client.force_login(get_user_model().objects.get(email=email))
        url = f"/coverage/regions/{region.code}/"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200
        seconds = statistics.median(times)
        print(f"   {label:<44}{seconds * 1000:>10.0f} ms  ({url})")
        figure_record(
            f"dashboard page {label} (absolute, ÷ 1 s)",
            ours=seconds,
            floor=1.0,
            goal=1.0,
            better="lower",
            unit="s",
        )


def bench_roster(*, rows: int, runs: int, seed: int, large_rows: int = 100_000) -> None:
    from tests.bench.roster import roster_measure, roster_peak_mb
    from tests.bench.summary import figure_record

    print(
        f"\n2. Roster import (file read + commit) ÷ COPY of the same rows into a temporary "
        f"table with the same unique index (half existing people, half new; median of {runs} "
        f"alternate runs, each rolled back); load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    print(f"   {'file':<14}{'import rows/s':>15}{'COPY rows/s':>14}{'ratio':>9}  counts")
    for count, kind in ((rows, "csv"), (rows, "xlsx"), (large_rows, "csv")):
        figures = roster_measure(count=count, runs=runs, seed=seed, kind=kind)
        label = f"{count // 1000}k_{kind}"
        print(
            f"   {label:<14}{figures.import_rate:>15,.0f}{figures.copy_rate:>14,.0f}"
            f"{figures.ratio:>9.4f}  {figures.counts}",
            flush=True,
        )
        figure_record(
            f"roster_import_{label}",
            ours=figures.import_rate,
            floor=figures.copy_rate,
            goal=0.1,
            better="higher",
            unit="rows/s",
            note="import ÷ COPY into a table with the same unique index",
        )
    figure_record(
        f"roster_import_{large_rows // 1000}k_rows_per_s",
        ours=figures.import_rate,
        floor=25_000,
        goal=1.0,
        better="higher",
        unit="rows/s",
        note="absolute goal: 25,000 rows/s",
    )
    peak, before = roster_peak_mb(count=large_rows, seed=seed)
    print(
        f"   peak memory of a {large_rows:,}-row commit: {peak:,.0f} MB ({before:,.0f} MB before)"
    )
    figure_record(
        f"roster_import_{large_rows // 1000}k_peak_mb",
        ours=peak,
        floor=300,
        goal=1.0,
        better="lower",
        unit="MB",
        note=f"peak resident size (VmHWM) of a child; {before:.0f} MB once Django is loaded",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per selector and SQL")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--import-large-rows", type=int, default=100_000)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["dashboard", "roster"])
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for this session, both sides alike (e.g. jit=off)",
    )
    args = parser.parse_args(argv)
    bench_django_setup()
    session_settings_apply(args.set)
    from coverage.models import Person

    if not Person.objects.exists():
        sys.exit("The bench database is empty: run `python -m tests.bench.generate` first.")
    began = time.perf_counter()
    print(f"Benchmarks on “{database_name()}”, {Person.objects.count():,} people")
    print(f"Server: {server_settings()}")
    if args.only in (None, "dashboard"):
        bench_dashboard(runs=args.runs)
    if args.only in (None, "roster"):
        bench_roster(
            rows=args.import_rows,
            runs=args.import_runs,
            seed=args.seed,
            large_rows=args.import_large_rows,
        )
    print(f"\nBenchmarks took {time.perf_counter() - began:.0f} s.")


if __name__ == "__main__":
    main()
