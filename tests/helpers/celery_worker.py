"""A real Celery worker, in its own process, on the configured broker and the test database."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app

QUEUES = "default,imports,media"


@contextlib.contextmanager
def broker_at(url: str, transport_options: dict | None = None) -> Iterator[None]:
    """This process publishes to another broker for a while: a stopped or refusing one."""
    # The write URL: Celery prefers the CELERY_BROKER_URL environment variable (CI sets it)
    # to any broker_url set here, but lets broker_write_url decide where tasks are published.
    saved = app.conf.get("broker_write_url"), app.conf.broker_transport_options
    app.conf["broker_write_url"], app.conf.broker_transport_options = url, transport_options or {}
    _publishing_pools_drop()
    try:
        yield
    finally:
        app.conf["broker_write_url"], app.conf.broker_transport_options = saved
        _publishing_pools_drop()


# For pytest.mark.parametrize; a hung Redis costs its socket timeout (2 s) per publish.
REFUSING_BROKERS = [
    "redis-down",
    pytest.param("redis-hung", marks=pytest.mark.slow, id="redis-hung"),
    "queue-folder-unusable",
]


def publish_bound() -> float:
    """The longest a refused publish may take by the settings (each attempt waits at most the
    socket timeout, then the retry intervals), and a second for a loaded machine: proves the
    wait is bounded (kombu's default waits forever on a hung Redis), not how fast it is."""
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    attempts = policy["max_retries"] + 1
    wait = max(
        settings.BROKER_REDIS_TIMEOUTS["socket_timeout"], settings.CELERY_BROKER_CONNECTION_TIMEOUT
    )
    return attempts * wait + policy["max_retries"] * policy["interval_max"] + 1


@contextlib.contextmanager
def broker_refusing(kind: str, scratch: Path) -> Iterator[None]:
    """Publishing meets a Redis that is down (nothing listens), hung (the connection opens, no
    answer ever comes), or a filesystem queue whose folder cannot be written."""
    redis_options = settings.BROKER_REDIS_TIMEOUTS
    if kind == "queue-folder-unusable":
        # A file where the folder should be: root writes through any permissions.
        (scratch / "queue").write_text("")
        folder = str(scratch / "queue" / "in")
        with broker_at("filesystem://", {"data_folder_in": folder, "data_folder_out": folder}):
            yield
    elif kind == "redis-down":
        with broker_at("redis://127.0.0.1:1/0", redis_options):
            yield
    else:
        with socket.socket() as hung:
            hung.bind(("127.0.0.1", 0))
            hung.listen(16)  # the kernel completes the handshake; nobody ever reads
            with broker_at(f"redis://127.0.0.1:{hung.getsockname()[1]}/0", redis_options):
                yield


def _publishing_pools_drop() -> None:
    # What Celery itself does after a fork: the next publish connects to the configured broker.
    app._pool = None
    app.amqp._producer_pool = None


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, log_path: Path, include: list[str]):
        self.log_path = log_path
        self.include = include
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> None:
        app.control.purge()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
        }
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                QUEUES,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"test-{os.getpid()}@%h",
                *(f"--include={module}" for module in self.include),
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
            # Its own process group, so that `kill` takes the pool processes down with it.
            start_new_session=True,
        )
        try:
            self.wait_ready(timeout)
        except BaseException:
            # A worker that never answered (or a run cut short) must not live on, consuming
            # the next run's tasks from the same queue.
            self.kill()
            raise

    def wait_ready(self, timeout: float) -> None:
        from jobs.tasks import worker_ping

        deadline = time.monotonic() + timeout
        result = worker_ping.delay()
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited:\n{self.log_path.read_text()}")
            if result.ready():
                result.get()
                return
            time.sleep(0.2)
        raise RuntimeError(
            f"Celery worker did not answer in {timeout}s:\n{self.log_path.read_text()}"
        )

    def kill(self) -> None:
        """SIGKILL the whole worker, main and pool processes alike, as a lost machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
