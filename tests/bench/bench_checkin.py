"""QR check-in under gunicorn: a check-in POST's requests per second ÷ a bare signed-in POST's,
and a hall of 500 people arriving within 60 s (p95 of the check-in POST, nothing lost or doubled).

gunicorn runs the production settings (tests/bench/checkin_settings.py) on the benchmark's
database, sessions in Redis (database 10; `BENCH_CACHE_URL` to change). The floor is a view
that needs a signed-in user and a valid CSRF token and returns two bytes: what any signed-in
POST costs here (session from the cache, the user from the database, CSRF). A check-in POST
adds the check-in itself: the session and person read, the insert with its transaction, the
count behind the flags. Measured alternately, `--rounds` times each, with `--clients` threads
posting at once; each check-in is a new person with a scan in their session, as after a real
scan, so every one is a real first check-in (made directly: the scan is not what is timed).

The hall: `--hall` people arriving evenly over `--hall-seconds` (60), each scanning the code
(GET), opening the confirm page (GET) and posting; the POST's time is recorded. The floor run is
the same hall posting to the bare view instead. Then the check-ins are counted against the people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench \\
        .venv/bin/python -m tests.bench.bench_checkin [--rounds 5] [--requests 300] [--hall 500]

Its people, sessions and enterprise are its own (codes no generated record has) and are
removed at the end, whatever happens; tests/bench/checkin_crowd.py makes them, starts gunicorn
and plays the phones. Not a test: nothing fails on a slow figure; it stops when a request
fails, because then no figure would mean anything.
"""

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from tests.bench.checkin_crowd import AT_VENUE, Client, Server, Venue, environment_shared

BARE = "/bench/signed-in-post/"


@require_POST
@login_required
def signed_in_post(request):
    return HttpResponse(b"ok", content_type="text/plain")


# This module is the server's URLconf: the bare view beside the whole platform.
def _urlpatterns():
    from config.urls import urlpatterns

    return [path(BARE.strip("/") + "/", signed_in_post), *urlpatterns]


def __getattr__(name):
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def _post(port: int, key: str, url: str, data: dict | None = None, *, device: str = ""):
    return Client(port, key, device=device).post(url, data)


def _run(calls: list, clients: int, expected: int) -> tuple[float, list[float]]:
    """Requests per second with `clients` in flight, and each request's seconds."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda call: call(), calls))
    elapsed = time.perf_counter() - started
    wrong = [status for status, _seconds in results if status != expected]
    if wrong:
        raise SystemExit(f"{len(wrong)} of {len(calls)} answered {wrong[:5]}, not {expected}")
    return len(calls) / elapsed, [seconds for _status, seconds in results]


def _hall(port: int, session, keys: list[str], seconds: float, target: str, expected: int):
    """Each person arrives on schedule, scans, opens the confirm page and posts to `target`:
    the POSTs' seconds."""
    from coverage.sessions import tokens

    confirm = f"/coverage/sessions/{session.pk}/checkin/"
    started = time.monotonic()
    posts, failures, lock = [], [], threading.Lock()

    def arrive(index: int, key: str) -> None:
        time.sleep(max(0.0, started + index * seconds / len(keys) - time.monotonic()))
        phone = Client(port, key, device=f"hall-{index}-{secrets.token_hex(4)}")
        token = tokens.rotating_token(session, "in")
        scan = phone.request("GET", f"/coverage/s/{session.pk}/in/{token}/")
        page = phone.request("GET", confirm)
        status, spent = phone.post(target, AT_VENUE)
        with lock:
            posts.append(spent)
            if (scan[0], page[0], status) != (302, 200, expected):
                failures.append((scan[0], page[0], status))

    with ThreadPoolExecutor(max_workers=64) as pool:
        for done in [pool.submit(arrive, n, key) for n, key in enumerate(keys)]:
            done.result()
    if failures:
        raise SystemExit(f"{len(failures)} people failed (scan, page, POST): {failures[:5]}")
    return posts


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each")
    parser.add_argument("--requests", type=int, default=300, help="POSTs per round")
    parser.add_argument("--clients", type=int, default=8, help="requests in flight")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--hall", type=int, default=500, help="people arriving in the hall")
    parser.add_argument("--hall-seconds", type=float, default=60.0)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-checkin-"))
    environment = environment_shared(scratch)
    os.environ.update(environment)
    from tests.bench.database import bench_django_setup

    bench_django_setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from coverage.models import Attendance, Region
    from coverage.services import regions_load_jilin
    from tests.bench.summary import figure_record

    # The database is shared and migrated by `make bench`: a run alone never migrates it.
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise SystemExit("The benchmark database has unapplied migrations: run `make bench`.")
    if not Region.objects.filter(code="220102").exists():
        regions_load_jilin()
    venue = Venue()
    server = None
    try:
        server = Server(environment, args.workers, scratch)
        port = server.port
        floor_keys = venue.people(args.clients)
        rates = {"bare signed-in POST": [], "check-in POST": []}
        print(
            f"\nCheck-in POST ÷ bare signed-in POST under gunicorn ({args.workers} workers, "
            f"production settings, sessions: {environment['CACHE_URL'].split(':')[0]}), "
            f"{args.clients} in flight, {args.rounds} rounds of {args.requests} each, "
            f"alternating; load average before: {os.getloadavg()[0]:.2f}"
        )
        for run in range(args.rounds + 1):  # the first of each is a warm-up
            session = venue.session(f"压测场次{run}")
            keys = venue.people(args.requests, scanned=session)
            confirm = f"/coverage/sessions/{session.pk}/checkin/"
            sides = {
                "bare signed-in POST": (
                    [
                        partial(_post, port, floor_keys[n % args.clients], BARE)
                        for n in range(args.requests)
                    ],
                    200,
                ),
                "check-in POST": (
                    [
                        partial(_post, port, key, confirm, AT_VENUE, device=f"d{run}-{n}")
                        for n, key in enumerate(keys)
                    ],
                    302,
                ),
            }
            order = list(sides.items()) if run % 2 else list(reversed(sides.items()))
            for name, (calls, expected) in order:
                rate, _seconds = _run(calls, args.clients, expected)
                if run:
                    rates[name].append(rate)
            made = Attendance.objects.filter(session=session).count()
            if made != args.requests:
                raise SystemExit(f"{made} check-ins stored for {args.requests} POSTs")
        medians = {name: statistics.median(values) for name, values in rates.items()}
        for name, values in rates.items():
            runs = ", ".join(f"{value:.0f}" for value in values)
            print(f"   {name:<22}{medians[name]:>7.0f} req/s   (runs: {runs})")
        # Each round's two sides were measured back to back: their ratios move less with the
        # machine's load than either side does.
        both = (rates["check-in POST"], rates["bare signed-in POST"])
        paired = [ours / floor for ours, floor in zip(*both, strict=True)]
        print(f"   ratio in each round: {', '.join(f'{ratio:.2f}' for ratio in paired)}")
        ratio_load = os.getloadavg()[0]
        figure = figure_record(
            "checkin_post_vs_signed_in_post",
            ours=medians["check-in POST"],
            floor=medians["bare signed-in POST"],
            goal=0.5,
            better="higher",
            unit="req/s",
            note=f"gunicorn {args.workers} workers, {args.clients} in flight; median ratio "
            f"of the rounds {statistics.median(paired):.3f}; load average {ratio_load:.1f}",
        )
        print(f"   check-in POST ÷ bare signed-in POST: {figure['ratio']:.3f} (goal ≥ 0.5)")

        hall = venue.session("压测大会")
        keys = venue.people(args.hall)
        print(
            f"\n{args.hall} people arriving within {args.hall_seconds:g} s (scan, confirm page, "
            "POST), the bare POST's hall first, then the check-in's:"
        )
        bare = _hall(port, hall, keys, args.hall_seconds, BARE, 200)
        checkin = _hall(
            port, hall, keys, args.hall_seconds, f"/coverage/sessions/{hall.pk}/checkin/", 302
        )
        stored = Attendance.objects.filter(session=hall)
        rows, people = stored.count(), stored.values("person").distinct().count()
        lost, duplicated = args.hall - people, rows - people
        for name, values in (("bare signed-in POST", bare), ("check-in POST", checkin)):
            print(
                f"   {name:<22} p50 {statistics.median(values) * 1000:6.1f} ms   "
                f"p95 {_p95(values) * 1000:6.1f} ms   max {max(values) * 1000:6.1f} ms"
            )
        print(
            f"   check-ins stored: {rows} of {args.hall} people; lost {lost}, doubled {duplicated}"
        )
        figure_record(
            "checkin_500_people_p95_ms",
            ours=_p95(checkin) * 1000,
            floor=_p95(bare) * 1000,
            goal=None,
            better="lower",
            unit="ms",
            note=f"{args.hall} people in {args.hall_seconds:g} s; lost {lost}, duplicated "
            f"{duplicated}; load average {os.getloadavg()[0]:.1f}",
        )
    finally:
        if server is not None:
            server.stop()
        venue.remove()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
