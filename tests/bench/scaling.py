"""How the regulator's dashboard grows: with enterprises, not with people.

Generates three provinces into a scratch database (copied from a migrated template, so each
costs a generation, not 250 migrations) and measures the province dashboard in each, then
in the full-scale bench database when it is filled:

    A  2,000 enterprises,   100,000 people   (scale 0.1)
    B  2,000 enterprises,   300,000 people   (people × 3, enterprises the same)
    C  6,000 enterprises,   300,000 people   (scale 0.3: enterprises × 3)
    D  20,000 enterprises, 1,000,000 people  (scale 1, `make bench`'s database)

    .venv/bin/python -m tests.bench.scaling [--runs 5]

Each measurement runs in a process of its own (Django binds one database per process).
Timings are medians; B ÷ A and C ÷ B are recorded in the summary (no goal: reported).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from tests.bench.database import BENCH_DATABASE_URL
from tests.bench.summary import figure_record

SERVER = "postgres://postgres@127.0.0.1:5432/"
TEMPLATE = "yufang_bench_scaling_template"
SCRATCH = "yufang_bench_scaling"
CONFIGS = [
    ("A", 2_000, 100_000, 300_000),
    ("B", 2_000, 300_000, 900_000),
    ("C", 6_000, 300_000, 900_000),
]


def _python(*args: str, database: str, capture: bool = False) -> str:
    environment = {**os.environ, "DATABASE_URL": SERVER + database}
    done = subprocess.run(
        [sys.executable, *args],
        env=environment,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(SERVER + "postgres", autocommit=True) as connection:
        connection.execute(sql)


def _exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(SERVER + "postgres", autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return row.fetchone() is not None


def template_ensure() -> None:
    if _exists(TEMPLATE):
        return
    print(f"Migrating the template database “{TEMPLATE}” (once)...", flush=True)
    _admin(f'CREATE DATABASE "{TEMPLATE}"')
    _python("manage.py", "migrate", "--noinput", "-v", "0", database=TEMPLATE)
    _python("manage.py", "createcachetable", database=TEMPLATE)


def measure(runs: int) -> dict:
    """In this process's database: the province page and its selectors, medians in ms."""
    from tests.bench.database import bench_django_setup

    bench_django_setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    from coverage.jurisdiction import enterprises_in_scope
    from coverage.models import Enterprise, Membership, Person, Region
    from coverage.selectors import (
        coverage_by_role,
        coverage_by_subregion,
        enterprises_with_coverage,
        region_figures,
        target_current,
    )

    setup_test_environment()
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    province = Region.objects.get(code="220000")
    user, _created = get_user_model().objects.get_or_create(email="bench-scaling@bench.invalid")
    Membership.objects.get_or_create(user=user, role=Membership.Role.REGULATOR, region=province)
    target = target_current()
    scope = enterprises_in_scope(user)

    def selectors() -> None:
        region_figures(target=target, region=province, enterprises=scope)
        coverage_by_subregion(target=target, region=province, enterprises=scope)
        list(enterprises_with_coverage(target=target, enterprises=scope)[:50])
        coverage_by_role(target=target, enterprises=scope)

    client = Client()
    client.force_login(user)
    url = f"/coverage/regions/{province.code}/"

    def page() -> None:
        assert client.get(url).status_code == 200

    timings = {}
    for name, function in (("selectors", selectors), ("page", page)):
        function()  # warm-up
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            function()
            times.append(time.perf_counter() - began)
        timings[name] = statistics.median(times) * 1000
    return {
        "enterprises": Enterprise.objects.count(),
        "people": Person.objects.count(),
        **timings,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.runs)))
        return
    template_ensure()
    results = {}
    for name, enterprises, people, records in CONFIGS:
        _admin(f'DROP DATABASE IF EXISTS "{SCRATCH}"')
        _admin(f'CREATE DATABASE "{SCRATCH}" TEMPLATE "{TEMPLATE}"')
        print(f"\n{name}: generating {enterprises:,} enterprises, {people:,} people", flush=True)
        _python(
            "-m",
            "tests.bench.generate",
            f"--enterprises={enterprises}",
            f"--people={people}",
            f"--records={records}",
            database=SCRATCH,
        )
        found = _python(
            "-m",
            "tests.bench.scaling",
            "--measure",
            f"--runs={args.runs}",
            database=SCRATCH,
            capture=True,
        )
        results[name] = json.loads(found.strip().splitlines()[-1])
    _admin(f'DROP DATABASE IF EXISTS "{SCRATCH}"')
    full = BENCH_DATABASE_URL.rsplit("/", 1)[1]
    if _exists(full):
        found = _python(
            "-m",
            "tests.bench.scaling",
            "--measure",
            f"--runs={args.runs}",
            database=full,
            capture=True,
        )
        results["D"] = json.loads(found.strip().splitlines()[-1])
    print("\nProvince dashboard by size (medians):")
    print(f"   {'':<3}{'enterprises':>12}{'people':>12}{'selectors ms':>14}{'page ms':>10}")
    for name, result in results.items():
        print(
            f"   {name:<3}{result['enterprises']:>12,}{result['people']:>12,}"
            f"{result['selectors']:>14.1f}{result['page']:>10.1f}"
        )
    a, b, c = results["A"], results["B"], results["C"]
    print(
        f"   people × 3 (B ÷ A): selectors × {b['selectors'] / a['selectors']:.2f}, "
        f"page × {b['page'] / a['page']:.2f}\n"
        f"   enterprises × 3 (C ÷ B): selectors × {c['selectors'] / b['selectors']:.2f}, "
        f"page × {c['page'] / b['page']:.2f}"
    )
    for label, ours, floor in (
        ("dashboard selectors, people ×3 (B ÷ A)", b["selectors"], a["selectors"]),
        ("dashboard selectors, enterprises ×3 (C ÷ B)", c["selectors"], b["selectors"]),
    ):
        figure_record(label, ours=ours, floor=floor, goal=None, better="lower", unit="ms")
    if "D" in results:
        figure_record(
            "dashboard selectors, full scale ÷ scale 0.1 (D ÷ A)",
            ours=results["D"]["selectors"],
            floor=a["selectors"],
            goal=None,
            better="lower",
            unit="ms",
        )


if __name__ == "__main__":
    main()
