"""The parts of tests/bench/bench_checkin.py that stand in for the world: gunicorn with the
production settings, phones (HTTP clients with their cookies and CSRF token), and a venue of
signed-in people who have scanned the code, made directly and removed afterwards."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/10"
PAGE_CACHE_URL = "redis://127.0.0.1:6379/11"
# ID numbers far beyond any generated person's index (tests/bench/identities.py).
ID_START = 15_000_000
CREDIT_CODE_INDEX = 9_000_000
VENUE = (43.8868, 125.3245)
AT_VENUE = {"latitude": "43.887000", "longitude": "125.324000"}


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


def environment_shared(scratch: Path) -> dict[str, str]:
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
        from coverage.counts import maintain
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
        # bulk_create sends no signals: the maintained coverage counts are the caller's to
        # keep (coverage/counts/__init__.py), as a roster import does.
        maintain.enterprises_recount([self.organiser.pk])
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
        from django.db import connection

        from accounts.models import User
        from coverage.models import Attendance, Enterprise, Person, RosterEntry, TrainingSession

        users = User.objects.filter(phone__startswith=self.PHONE_PREFIX)
        Attendance.objects.filter(session__organiser__credit_code=self.code).delete()
        TrainingSession.objects.filter(organiser__credit_code=self.code).delete()
        # In one statement: deleting through the ORM recounts the enterprise's coverage once
        # per entry (coverage/counts/receivers.py), minutes at province scale, and the
        # enterprise's counts go with it below.
        organiser = Enterprise.objects.filter(credit_code=self.code)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(RosterEntry._meta.db_table)} "
                "WHERE enterprise_id = %s",
                [organiser.values_list("pk", flat=True).first()],
            )
        Person.objects.filter(user__in=users).delete()
        users.delete()
        Enterprise.objects.filter(credit_code=self.code).delete()
        keys = getattr(self, "session_keys", [])
        Session.objects.filter(session_key__in=keys).delete()
        prefix = import_module(settings.SESSION_ENGINE).KEY_PREFIX
        caches[settings.SESSION_CACHE_ALIAS].delete_many([prefix + key for key in keys])
