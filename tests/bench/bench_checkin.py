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

The hall: `--hall` people, one every 60/`--hall` s, each scanning the code (GET), opening the
confirm page (GET) and posting; the POST's time is recorded. The floor run is the same hall
posting to the bare view instead. Then the check-ins are counted against the people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench \\
        .venv/bin/python -m tests.bench.bench_checkin [--rounds 5] [--requests 300] [--hall 500]

Its people, sessions and enterprise are its own (codes no generated record has) and are
removed at the end, whatever happens. Not a test: nothing fails on a slow figure; it stops when
a request fails, because then no figure would mean anything.
"""

import argparse
import http.client
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

ROOT = Path(__file__).resolve().parents[2]
BARE = "/bench/signed-in-post/"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/10"
PAGE_CACHE_URL = "redis://127.0.0.1:6379/11"
# ID numbers far beyond any generated person's index (tests/bench/identities.py).
ID_START = 15_000_000
CREDIT_CODE_INDEX = 9_000_000
VENUE = (43.8868, 125.3245)
AT_VENUE = {"latitude": "43.887000", "longitude": "125.324000"}


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _environment(scratch: Path) -> dict[str, str]:
    """Shared by this process and gunicorn: sessions signed here must be valid there."""
    from cryptography.fernet import Fernet

    cache_url = os.environ.get("BENCH_CACHE_URL") or (
        DEFAULT_CACHE_URL if _redis_answers() else "locmemcache://"
    )
    return {
        "DJANGO_SETTINGS_MODULE": "tests.bench.checkin_settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "PII_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PII_HASH_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": cache_url,
        "PAGE_CACHE_URL": PAGE_CACHE_URL if cache_url.startswith("redis") else cache_url,
        "VAR_DIR": str(scratch / "var"),
        "MEDIA_ROOT": str(scratch / "media"),
        "STATIC_ROOT": str(scratch / "static"),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }


class Server:
    """gunicorn with the production settings, in its own process group, stopped on exit."""

    def __init__(self, environment: dict[str, str], workers: int, scratch: Path):
        self.port = _free_port()
        self.log = (scratch / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                *("--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)),
                *("--timeout", "60", "--chdir", str(ROOT)),
            ],
            cwd=ROOT,
            env={**os.environ, **environment},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if Client(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start: see {self.log.name}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Client:
    """One phone: its cookies, a CSRF token of its own, HTTPS as the proxy reports it."""

    def __init__(self, port: int, session_key: str = "", device: str = ""):
        from django.conf import settings

        self.port = port
        self.csrf = secrets.token_hex(16)  # a valid unmasked CSRF secret (32 characters)
        cookies = {settings.CSRF_COOKIE_NAME: self.csrf}
        if session_key:
            cookies[settings.SESSION_COOKIE_NAME] = session_key
        if device:
            cookies["yf_device"] = device
        self.cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())

    def request(self, method: str, url: str, data: dict | None = None) -> tuple[int, str]:
        origin = f"127.0.0.1:{self.port}"
        headers = {
            "Host": origin,
            "X-Forwarded-Proto": "https",
            "Cookie": self.cookie,
            "Connection": "close",
        }
        body = None
        if method == "POST":
            body = urlencode({"csrfmiddlewaretoken": self.csrf, **(data or {})})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{origin}{url}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, url, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Location") or ""
        finally:
            connection.close()

    def post(self, url: str, data: dict | None = None) -> tuple[int, float]:
        started = time.perf_counter()
        status, _location = self.request("POST", url, data)
        return status, time.perf_counter() - started


class Venue:
    """The benchmark's organiser, its located sessions and its signed-in people; `remove()`
    deletes all of it (and what an interrupted run left)."""

    PHONE_PREFIX = "+86100"  # no Chinese mobile number starts with 100

    def __init__(self):
        from coverage.models import Enterprise, Region
        from tests.bench.identities import credit_code

        self.code = credit_code(CREDIT_CODE_INDEX, "220102")
        self.remove()
        self.organiser = Enterprise.objects.create(
            credit_code=self.code, name="签到压测企业", region=Region.objects.get(code="220102")
        )
        self.people_made = 0
        self.session_keys: list[str] = []

    def session(self, title: str):
        import datetime

        from django.utils import timezone

        from coverage.models import TrainingSession

        now = timezone.now()
        return TrainingSession.objects.create(
            organiser=self.organiser,
            title=title,
            venue="体育馆",
            region=self.organiser.region,
            latitude=VENUE[0],
            longitude=VENUE[1],
            starts_at=now - datetime.timedelta(minutes=5),
            ends_at=now + datetime.timedelta(hours=2),
        )

    def people(self, count: int, *, scanned=None) -> list[str]:
        """Signed-in workers on the roster, their session keys; with `scanned` (a training
        session), each has just scanned its check-in code."""
        import datetime
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        from accounts.models import User
        from coverage.models import Person, Role, RosterEntry
        from coverage.pii import pii_encrypt, pii_lookup_hash
        from coverage.sessions.views.checkin import PENDING_KEY
        from tests.bench.identities import id_numbers

        first = self.people_made
        self.people_made += count
        users = User.objects.bulk_create(
            User(phone=f"{self.PHONE_PREFIX}{first + n:08d}", phone_verified=True)
            for n in range(count)
        )
        people = Person.objects.bulk_create(
            Person(
                id_number_hash=pii_lookup_hash(number),
                id_number_encrypted=pii_encrypt(number),
                id_number_masked=number[:6] + "*" * 8 + number[14:],
                name=f"压测{first + n}",
                user=user,
            )
            for n, (number, user) in enumerate(
                zip(id_numbers(ID_START + first, count), users, strict=True)
            )
        )
        RosterEntry.objects.bulk_create(
            RosterEntry(
                person=person,
                enterprise=self.organiser,
                role=Role.OTHER,
                start_date=datetime.date(2021, 1, 1),
            )
            for person in people
        )
        store_class = import_module(settings.SESSION_ENGINE).SessionStore
        keys = []
        for user in users:
            store = store_class()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            if scanned is not None:
                store[PENDING_KEY] = {
                    "session": scanned.pk,
                    "direction": "in",
                    "method": "rotating",
                    "scanned_at": time.time(),
                }
            store.create()
            keys.append(store.session_key)
        self.session_keys += keys
        return keys

    def remove(self) -> None:
        from importlib import import_module

        from django.conf import settings
        from django.contrib.sessions.models import Session
        from django.core.cache import caches

        from accounts.models import User
        from coverage.models import Attendance, Enterprise, Person, RosterEntry, TrainingSession

        users = User.objects.filter(phone__startswith=self.PHONE_PREFIX)
        Attendance.objects.filter(session__organiser__credit_code=self.code).delete()
        TrainingSession.objects.filter(organiser__credit_code=self.code).delete()
        RosterEntry.objects.filter(enterprise__credit_code=self.code).delete()
        Person.objects.filter(user__in=users).delete()
        users.delete()
        Enterprise.objects.filter(credit_code=self.code).delete()
        keys = getattr(self, "session_keys", [])
        Session.objects.filter(session_key__in=keys).delete()
        prefix = import_module(settings.SESSION_ENGINE).KEY_PREFIX
        caches[settings.SESSION_CACHE_ALIAS].delete_many([prefix + key for key in keys])


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
    environment = _environment(scratch)
    os.environ.update(environment)
    from tests.bench.database import bench_django_setup

    bench_django_setup()
    from django.core.management import call_command

    from coverage.models import Attendance
    from coverage.services import regions_load_jilin
    from tests.bench.summary import figure_record

    call_command("migrate", verbosity=0)
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
        ratio_load = os.getloadavg()[0]
        figure = figure_record(
            "checkin_post_vs_signed_in_post",
            ours=medians["check-in POST"],
            floor=medians["bare signed-in POST"],
            goal=0.5,
            better="higher",
            unit="req/s",
            note=f"gunicorn {args.workers} workers, {args.clients} in flight; "
            f"load average {ratio_load:.1f}",
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
