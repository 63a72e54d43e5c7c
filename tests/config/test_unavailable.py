"""A lost PostgreSQL answers 503 within 2 s, on a private server that the test stops and
hangs (SIGSTOP of the postmaster and of an open connection's backend): the rest of the suite's
database is never touched."""

import contextlib
import datetime
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import environ
import psycopg
import pytest
from django.core.management import call_command
from django.db import OperationalError, ProgrammingError, close_old_connections, connections
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from config.database.base import DatabaseWrapper
from config.database.deadline import answer_deadline
from config.unavailable import database_lost
from coverage.models import Attendance, Region, Role, TrainingSession
from coverage.services import regions_load_jilin
from coverage.sessions import tokens as checkin_tokens
from tests.config.private_postgres import PrivatePostgres, free_port
from tests.factories import (
    EnterpriseFactory,
    PersonFactory,
    RosterEntryFactory,
    TrainingSessionFactory,
    UserFactory,
)
from tests.helpers.identities import id_number

pytestmark = pytest.mark.slow

# Production's default: a hung server costs a request the deadline and the probe's half of it.
ANSWER_TIMEOUT = 1.0
CHINESE_503 = "服务暂时不可用"


class _NoMigrations:
    # Tables straight from the models (as pytest-django's --nomigrations): a minute faster.
    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None


@contextlib.contextmanager
def default_database(url: str):
    """`default` points at `url` (with production's persistent connections) inside the block."""
    config = environ.Env.db_url_config(url)
    config.update(
        ENGINE="config.database",
        CONN_MAX_AGE=60,
        OPTIONS={"connect_timeout": 2, "options": "-c jit=off"},
    )
    settings_dict = connections.configure_settings({"default": config})["default"]
    original = connections["default"]
    wrapper = DatabaseWrapper(settings_dict, alias="default")
    connections["default"] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        connections["default"] = original


@pytest.fixture(scope="module")
def server(django_db_blocker):
    pg = PrivatePostgres()
    try:
        pg.start()
        pg.create_database()
        with django_db_blocker.unblock(), default_database(pg.url):
            with override_settings(MIGRATION_MODULES=_NoMigrations()):
                call_command("migrate", run_syncdb=True, verbosity=0)
            session = _training_session()
        yield pg, session
    finally:
        pg.destroy()


def _training_session() -> TrainingSession:
    regions_load_jilin()
    regions = {region.code: region for region in Region.objects.all()}
    organiser = EnterpriseFactory(region=regions["220102"], name="组织企业")
    now = timezone.now()
    session = TrainingSessionFactory(
        organiser=organiser,
        title="安全生产集中培训",
        venue="南关区会议中心",
        region=regions["220102"],
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=80),
        min_minutes=60,
    )
    worker = PersonFactory(
        id_number=id_number(1),
        name="张三",
        phone="13800000001",
        user=UserFactory(phone="+8613800000001"),
    )
    RosterEntryFactory(
        person=worker,
        enterprise=organiser,
        role=Role.TEAM_LEADER,
        start_date=datetime.date(2021, 1, 1),
    )
    return session


@pytest.fixture
def lost(server, django_db_blocker, settings):
    """The private server as `default`, a worker signed in who has scanned the session's code."""
    pg, session = server
    settings.DB_ANSWER_TIMEOUT = ANSWER_TIMEOUT
    with django_db_blocker.unblock(), default_database(pg.url) as wrapper:
        Attendance.objects.all().delete()
        client = Client(raise_request_exception=False)
        client.force_login(session.organiser.roster_entries.get().person.user)
        token = checkin_tokens.rotating_token(session, "in")
        scan = client.get(reverse("coverage:checkin_scan", args=[session.pk, "in", token]))
        assert scan.status_code == 302
        yield pg, wrapper, client, scan.url


def timed(call):
    """The response and how long it took, with the connection housekeeping that a WSGI server
    does around each request (Django's test client leaves it out)."""
    started = time.monotonic()
    close_old_connections()
    response = call()
    close_old_connections()
    return response, time.monotonic() - started


def assert_unavailable_page(response, elapsed, limit=2.0):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert elapsed < limit, f"{elapsed:.2f} s"


def assert_everything_unavailable(client, confirm_url, timings):
    page, timings["page"] = timed(lambda: client.get(reverse("coverage:session_list")))
    assert_unavailable_page(page, timings["page"])
    assert CHINESE_503 in page.text and page["Content-Type"].startswith("text/html")

    api, timings["api"] = timed(lambda: client.get("/api/targets/"))
    assert_unavailable_page(api, timings["api"])
    assert api.json()["detail"] == "服务暂时不可用，请稍后重试。"

    checkin, timings["checkin"] = timed(lambda: client.post(confirm_url, {}))
    assert_unavailable_page(checkin, timings["checkin"])
    assert CHINESE_503 in checkin.text

    asked_json, timings["checkin_json"] = timed(
        lambda: client.post(confirm_url, {}, headers={"accept": "application/json"})
    )
    assert_unavailable_page(asked_json, timings["checkin_json"])
    assert asked_json.json()["detail"]

    health, timings["healthz"] = timed(lambda: client.get("/healthz"))
    assert health.status_code == 503 and health.json()["database"] == "down"
    assert timings["healthz"] < 2.5, f"{timings['healthz']:.2f} s"


def assert_check_in_works_again(client, confirm_url):
    close_old_connections()
    assert Attendance.objects.count() == 0, "nothing may be stored by a failed check-in"
    response, _elapsed = timed(lambda: client.post(confirm_url, {}))
    assert response.status_code == 302, response.status_code
    assert Attendance.objects.count() == 1


def test_stopped_database_answers_503_at_once_everywhere(lost, capsys):
    pg, _wrapper, client, confirm_url = lost
    assert client.get("/healthz").status_code == 200  # a connection stays open, as in production
    pg.stop()
    timings = {}
    try:
        assert_everything_unavailable(client, confirm_url, timings)
    finally:
        pg.start()
    with capsys.disabled():
        print("\nstopped:", {key: f"{value:.3f}s" for key, value in timings.items()})
    assert_check_in_works_again(client, confirm_url)


def test_hung_database_answers_503_within_two_seconds(lost, capsys):
    pg, wrapper, client, confirm_url = lost
    assert client.get("/healthz").status_code == 200
    open_backend = wrapper.connection.info.backend_pid
    timings = {}
    stopped = pg.hang(open_backend)
    try:
        # The first request waits on the open connection, the next ones on a new one.
        assert_everything_unavailable(client, confirm_url, timings)
    finally:
        pg.resume(stopped)
    with capsys.disabled():
        print("\nhung:", {key: f"{value:.3f}s" for key, value in timings.items()})
    assert timed(lambda: client.get("/healthz"))[0].status_code == 200
    assert_check_in_works_again(client, confirm_url)


def test_slow_statement_on_a_live_server_is_waited_for_not_cut_off(lost):
    """A report's long query outlasts the deadline: the probe finds the server answering."""
    _pg, wrapper, _client, _confirm_url = lost
    close_old_connections()
    started = time.monotonic()
    with answer_deadline(0.3), wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(1.2), 7")
        assert cursor.fetchone()[1] == 7
    assert time.monotonic() - started >= 1.2


def test_a_probe_refused_by_a_busy_server_is_an_answer_not_a_lost_server(lost):
    """A server that answers the probe with an error (too many clients, not accepting
    connections) is alive: the slow statement is waited for."""
    pg, wrapper, _client, _confirm_url = lost
    close_old_connections()
    wrapper.ensure_connection()
    admin = f"host=127.0.0.1 port={pg.port} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("ALTER DATABASE h_failure ALLOW_CONNECTIONS false")
    try:
        with answer_deadline(0.3), wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1), 7")
            assert cursor.fetchone()[1] == 7
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("ALTER DATABASE h_failure ALLOW_CONNECTIONS true")
    close_old_connections()


def test_statement_timeout_binds_the_web_requests_connections_only(lost, settings):
    _pg, wrapper, _client, _confirm_url = lost
    settings.DB_STATEMENT_TIMEOUT_MS = 250

    def statement_timeout() -> str:
        wrapper.close()
        with wrapper.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    with answer_deadline(0):
        assert statement_timeout() == "250ms"
    # Celery tasks, commands and migrations: never cancelled by the web's limit.
    assert statement_timeout() == "0"
    wrapper.close()


def test_only_an_unavailable_database_answers_503_a_bug_stays_a_500(lost):
    _pg, wrapper, _client, _confirm_url = lost
    close_old_connections()
    with pytest.raises(OperationalError) as cancelled, wrapper.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(1)")
    assert database_lost(cancelled.value)
    with pytest.raises(ProgrammingError) as missing, wrapper.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert not database_lost(missing.value)
    wrapper.close()
    # A deadlock or a broken query is a bug, for the 500 page and the error log.
    assert not database_lost(OperationalError("deadlock detected"))


def test_slow_statement_on_a_server_that_hangs_meanwhile_is_given_up(lost):
    pg, wrapper, _client, _confirm_url = lost
    close_old_connections()
    wrapper.ensure_connection()
    stopped = []

    def hang_while_sleeping():
        time.sleep(0.6)
        stopped.extend(pg.hang(wrapper.connection.info.backend_pid))

    hanger = threading.Thread(target=hang_while_sleeping)
    started = time.monotonic()
    hanger.start()
    try:
        with pytest.raises(OperationalError), answer_deadline(0.3), wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(3)")
        elapsed = time.monotonic() - started
    finally:
        hanger.join()
        pg.resume(stopped)
    # Alive at the first probes, then lost: given up one deadline and one probe after the hang.
    assert 0.6 < elapsed < 0.6 + 0.3 * 1.5 + 0.5, f"{elapsed:.2f} s"
    close_old_connections()


def test_check_in_cut_off_before_its_insert_is_not_stored(lost):
    pg, wrapper, client, confirm_url = lost
    stopped = []

    def hang_before_the_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "coverage_attendance"'):
            stopped.extend(pg.hang(wrapper.connection.info.backend_pid))
        return execute(sql, params, many, context)

    try:
        with wrapper.execute_wrapper(hang_before_the_insert):
            response, elapsed = timed(lambda: client.post(confirm_url, {}))
    finally:
        pg.resume(stopped)
    assert stopped, "the check-in never reached its insert"
    assert_unavailable_page(response, elapsed)
    # Resumed, the server runs the insert, then finds the connection closed before any
    # COMMIT: the transaction is rolled back.
    assert_check_in_works_again(client, confirm_url)


def test_check_in_cut_off_at_its_commit_is_stored_whole_and_once(lost):
    pg, wrapper, client, confirm_url = lost
    stopped = []

    def hang_at_the_commit(execute, sql, params, many, context):
        # The check-in's COMMIT goes with the flags' query once the INSERT has answered
        # (coverage/sessions/checkin_write.py): hung as it is sent, with the INSERT done.
        result = execute(sql, params, many, context)
        if sql == "COMMIT":
            stopped.extend(pg.hang(wrapper.connection.info.backend_pid))
        return result

    try:
        with wrapper.execute_wrapper(hang_at_the_commit):
            response, elapsed = timed(lambda: client.post(confirm_url, {}))
    finally:
        pg.resume(stopped)
    assert stopped, "the check-in never reached its commit"
    assert_unavailable_page(response, elapsed)
    # The COMMIT reached the server before the client gave up: resumed, the server stores the
    # check-in whole. The worker, told to try again, is shown it and no second one is made.
    deadline = time.monotonic() + 5
    while not Attendance.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    attendance = Attendance.objects.get()
    assert attendance.checkin_method == "rotating" and attendance.checked_in_at
    again, _elapsed = timed(lambda: client.post(confirm_url, {}))
    assert again.status_code == 200 and again.context["attendance"] == attendance
    assert Attendance.objects.count() == 1


@pytest.fixture(scope="module")
def production_server(server, tmp_path_factory):
    """gunicorn with the production settings (their defaults: DB_ANSWER_TIMEOUT 1 s,
    CONN_MAX_AGE 60) on the private server, as deployed: a real WSGI server's connection
    housekeeping instead of the test client's."""
    pg, _session = server
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "test-only-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2,
        "PII_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi10ZXN0LWtleS0wMTIzNDU2Nzg5YWI=",
        "PII_HASH_KEY": "test-only-hash-key-0123456789abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": pg.url,
        # Nothing but the database may fail here: caches in memory, the broker in files.
        "CACHE_URL": "locmemcache://",
        "PAGE_CACHE_URL": "locmemcache://",
        "CELERY_BROKER_URL": "filesystem://",
        "VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "LOG_LEVEL": "CRITICAL",
    }
    for name in ("DB_ANSWER_TIMEOUT", "DB_STATEMENT_TIMEOUT_MS", "CONN_MAX_AGE", "STATIC_ROOT"):
        env.pop(name, None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/robots.txt", timeout=5)
                break
            time.sleep(0.1)
        yield base
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


def fetch(url, **headers):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            status, body, retry = r.status, r.read().decode(), r.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        status, body, retry = error.code, error.read().decode(), error.headers.get("Retry-After")
    return status, body, retry, time.monotonic() - started


def test_production_server_answers_503_within_two_seconds_when_the_database_hangs(
    server, production_server, capsys
):
    pg, _session = server
    assert fetch(production_server + "/healthz")[0] == 200  # the worker keeps this connection
    timings = {}
    stopped = pg.hang(*pg.client_backends())
    try:
        status, body, retry, timings["page"] = fetch(production_server + "/", Accept="text/html")
        assert (status, retry) == (503, "30") and CHINESE_503 in body
        status, body, retry, timings["api"] = fetch(
            production_server + "/api/targets/", Authorization="Token 0123456789abcdef"
        )
        assert (status, retry) == (503, "30")
        assert json.loads(body)["detail"] == "服务暂时不可用，请稍后重试。"
        status, body, _retry, timings["healthz"] = fetch(production_server + "/healthz")
        assert status == 503 and '"database": "down"' in body
    finally:
        pg.resume(stopped)
    with capsys.disabled():
        print("\ngunicorn, hung:", {key: f"{value:.3f}s" for key, value in timings.items()})
    assert timings["page"] < 2 and timings["api"] < 2 and timings["healthz"] < 2.5
    assert fetch(production_server + "/healthz")[0] == 200
    status, body, _retry, _elapsed = fetch(production_server + "/no-such-page/")
    assert status == 404 and "页面不存在" in body
