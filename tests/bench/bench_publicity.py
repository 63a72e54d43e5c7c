"""A cached publicity article's requests per second ÷ a bare Django view's, measured in the
same run through the same WSGI stack (every middleware, django.test.Client in one process).

The floor is a view that returns a tiny HttpResponse: what any request costs in this project
(sessions, language, CSRF, authentication, the page cache's prefix check, redirects). A cached
article adds the cache read (one round trip to Redis) and building the response from it; the
aim is a ratio near 1, so that caching makes a page as cheap as the platform's cheapest
request. The page cache in process memory is timed in the same run, alternately, as a second
figure; an uncached view of the same article is printed beside them to show what the cache
saves.

On a loaded machine a round trip to Redis costs more than the network: the process sleeps
until the answer comes and then waits its turn for a core, longer the more CPU it used since
it last slept (load ~6 on 2 cores: an MGET took ~0.2 ms back to back, ~3 ms after 2 ms of
work). Runs of each kind of request one after another, alternating, as here, measure sustained
requests per second; taking the kinds in turn request by request put the Redis side at ~0.25
in the same conditions. Read the figure with the load average recorded beside it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench \\
        .venv/bin/python -m tests.bench.bench_publicity [--seconds 3] [--runs 5]
    # the shared page cache in Redis (default when one answers on 127.0.0.1:6379), or another:
    BENCH_CACHE_URL=dbcache://bench_pages .venv/bin/python -m tests.bench.bench_publicity

Figures (tests/bench/summary.py): "cached_article_vs_bare_view" (the shared cache, Redis by
default; goal 0.7) and "cached_article_vs_bare_view_locmem" (process memory; no goal).

Not a test: nothing here fails on a slow figure. It fails when the article is not served from
the cache, because then the ratio would mean nothing.
"""

import argparse
import os
import shutil
import socket
import statistics
import tempfile
import time
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

ARTICLE = "/articles/dust-lungs/"
BARE = "/bench/bare/"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/12"
LOCMEM_ALIAS = "bench_pages_locmem"
# The shared cache again, read with redis-py's parser in Python: what hiredis saves a hit.
PYTHON_PARSER_ALIAS = "bench_pages_python_parser"
PYTHON_PARSER = "redis._parsers.resp2._RESP2Parser"
GOAL = 0.7
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


# This module is the benchmark's URLconf: the bare view beside the whole platform.
def _urlpatterns():
    from config.urls import urlpatterns

    return [path(BARE.strip("/") + "/", bare), *urlpatterns]


def __getattr__(name):
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def _redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _setup(scratch: Path) -> str | None:
    """Django set up against the bench database with the demo loaded; the shared cache's URL,
    None when no cache but process memory is at hand."""
    cache_url = os.environ.get("BENCH_CACHE_URL") or (
        DEFAULT_CACHE_URL if _redis_answers() else None
    )
    if cache_url is None:
        print("No Redis on 127.0.0.1:6379 and no BENCH_CACHE_URL: process memory only.")
        cache_url = "locmemcache://"
    os.environ["CACHE_URL"] = cache_url
    os.environ["PAGE_CACHE_URL"] = cache_url  # the page cache is its own alias ("pages")
    os.environ.setdefault("VAR_DIR", str(scratch / "var"))
    os.environ["MEDIA_ROOT"] = str(scratch / "media-root")
    from tests.bench.database import bench_django_setup

    bench_django_setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    if cache_url.startswith("dbcache"):
        call_command("createcachetable", verbosity=0)
    # This module's URLconf (the bare view beside the platform). Static URLs by name, not from
    # a collectstatic manifest: the scratch folder has none, and the lookup costs the same.
    caches = {**settings.CACHES, LOCMEM_ALIAS: {"BACKEND": LOCMEM_BACKEND}}
    shared = caches[settings.PUBLICITY_PAGE_CACHE_ALIAS]
    if shared["BACKEND"].endswith("RedisCache"):
        options = {**shared.get("OPTIONS", {}), "parser_class": PYTHON_PARSER}
        caches[PYTHON_PARSER_ALIAS] = {**shared, "OPTIONS": options}
    override_settings(
        ROOT_URLCONF="tests.bench.bench_publicity",
        CACHES=caches,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()

    from coverage.services import industries_load_key, regions_load_jilin
    from demo.installers.publicity import publicity_demo_install

    regions_load_jilin()
    industries_load_key()
    publicity_demo_install()
    return None if cache_url.startswith("locmem") else cache_url


def _rate(client, url_for, seconds: float) -> float:
    """Requests per second over `seconds`, each checked for a 200."""
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        response = client.get(url_for(count))
        if response.status_code != 200:
            raise SystemExit(f"{url_for(count)} answered {response.status_code}")
        count += 1
    return count / (time.perf_counter() - started)


def _hiredis() -> bool:
    """Whether redis-py reads answers with hiredis (it does whenever hiredis is installed)."""
    from redis.utils import HIREDIS_AVAILABLE

    return HIREDIS_AVAILABLE


def _warm(client, alias: str) -> None:
    from django.conf import settings

    from publicity.caching import CACHE_HEADER, pages_cache_purge

    settings.PUBLICITY_PAGE_CACHE_ALIAS = alias
    pages_cache_purge()
    warm = client.get(ARTICLE)
    if client.get(ARTICLE).get(CACHE_HEADER) != "hit" or warm.status_code != 200:
        raise SystemExit(f"The article is not served from the {alias!r} cache: no ratio.")


def _rate_from(client, alias: str, url_for, seconds: float) -> float:
    """Requests per second with the page cache `alias` (a plain attribute: override_settings
    would also empty Django's settings cache)."""
    from django.conf import settings

    settings.PUBLICITY_PAGE_CACHE_ALIAS = alias
    return _rate(client, url_for, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measurement")
    parser.add_argument("--runs", type=int, default=5, help="alternating runs of each (median)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-publicity-"))
    try:
        shared_url = _setup(scratch)
        from django.conf import settings
        from django.test import Client

        from tests.bench.summary import figure_record

        shared = settings.PUBLICITY_PAGE_CACHE_ALIAS
        client = Client(HTTP_HOST="localhost")
        sides = {"bare view": (shared, lambda n: BARE)}
        if shared_url is not None:
            _warm(client, shared)
            kind = shared_url.split(":", 1)[0]
            sides[f"cached ({kind})"] = (shared, lambda n: ARTICLE)
            if PYTHON_PARSER_ALIAS in settings.CACHES and _hiredis():
                _warm(client, PYTHON_PARSER_ALIAS)
                sides[f"cached ({kind}, no hiredis)"] = (PYTHON_PARSER_ALIAS, lambda n: ARTICLE)
        _warm(client, LOCMEM_ALIAS)
        sides["cached (locmem)"] = (LOCMEM_ALIAS, lambda n: ARTICLE)
        # Another query string each time: rendered from the database, and never stored.
        sides["uncached article"] = (shared, lambda n: f"{ARTICLE}?n={n}-{time.monotonic_ns()}")
        print(
            "\nCached article ÷ bare Django view, requests/s in one process through the whole "
            f"middleware stack ({args.runs} runs of {args.seconds:g} s each, alternating, "
            "after a warm-up)"
        )
        for alias, url_for in sides.values():
            _rate_from(client, alias, url_for, 0.5)
        rates = {name: [] for name in sides}
        for run in range(args.runs):
            order = list(sides.items()) if run % 2 == 0 else list(reversed(sides.items()))
            for name, (alias, url_for) in order:
                rates[name].append(_rate_from(client, alias, url_for, args.seconds))
        medians = {name: statistics.median(values) for name, values in rates.items()}
        for name, values in rates.items():
            runs = ", ".join(f"{value:.0f}" for value in values)
            print(f"   {name:<18}{medians[name]:>9.0f} req/s   (runs: {runs})")
        bare_rate = medians.pop("bare view")
        for name, median in medians.items():
            print(f"   {name} ÷ bare view: {median / bare_rate:.3f}")
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"   load average: {load}")
        note = f"{args.runs}×{args.seconds:g} s alternating; load average {load}"
        if shared_url is not None:
            figure_record(
                "cached_article_vs_bare_view",
                ours=medians[f"cached ({kind})"],
                floor=bare_rate,
                goal=GOAL,
                better="higher",
                unit="req/s",
                note=f"page cache: {kind}; {note}",
            )
        if shared_url is not None and f"cached ({kind}, no hiredis)" in medians:
            figure_record(
                "cached_article_vs_bare_view_no_hiredis",
                ours=medians[f"cached ({kind}, no hiredis)"],
                floor=bare_rate,
                goal=None,
                better="higher",
                unit="req/s",
                note=f"page cache: {kind}, redis-py's Python parser; {note}",
            )
        figure_record(
            "cached_article_vs_bare_view_locmem",
            ours=medians["cached (locmem)"],
            floor=bare_rate,
            goal=None,
            better="higher",
            unit="req/s",
            note=f"page cache in process memory; {note}",
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
