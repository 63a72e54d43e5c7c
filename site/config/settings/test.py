"""The test suite. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis (CI)."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, VAR_DIR, env

# pytest-xdist runs the suite in several processes (`make test`: two, one per core). Each is a
# run of its own: its database, folders, cache and queue, inherited by the Celery worker it
# starts (which sees the same PYTEST_XDIST_WORKER).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … or "" alone
_WORKER_INDEX = int(XDIST_WORKER.removeprefix("gw") or 0)

# One id per test run, inherited by the Celery worker the run starts, so that two runs on one
# machine (a developer's and CI's) never share a database file or a queue folder.
TEST_RUN_ID = os.environ.setdefault("TEST_RUN_ID", str(os.getpid()))
if XDIST_WORKER:
    TEST_RUN_ID = f"{TEST_RUN_ID}-{XDIST_WORKER}"


def _redis_database_apart(url: str, variable: str) -> str:
    """The Redis URL of this xdist worker: the given database for the first, and counting down
    by three for the next (CI's broker 15, cache 14 and the page-cache tests' 13 give 12, 11 and
    10), because a cache clear is a FLUSHDB, a queue is read by every worker listening to it and
    MONITOR sees a whole database. The given URL is kept in the environment, so the Celery
    worker this process starts counts from the same one."""
    given = os.environ.setdefault(f"TEST_{variable}_GIVEN", url)
    if not _WORKER_INDEX or not given.startswith(("redis://", "rediss://")):
        return given
    parts = urlsplit(given)
    database = int(parts.path.strip("/") or 0) - 3 * _WORKER_INDEX
    if database < 0:
        raise ValueError(f"{variable}: no Redis database left for xdist worker {XDIST_WORKER}")
    return urlunsplit(parts._replace(path=f"/{database}"))


if XDIST_WORKER and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Celery reads the environment variable before the setting: both must say the same.
    CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = _redis_database_apart(
        CELERY_BROKER_URL, "CELERY_BROKER_URL"
    )
# tests/publicity's page-cache tests: a real Redis, whatever TEST_CACHE_URL says.
TEST_PAGES_REDIS_URL = _redis_database_apart("redis://127.0.0.1:6379/13", "PAGES_REDIS_URL")
if "TEST_CACHE_URL" in os.environ:
    os.environ["TEST_CACHE_URL"] = _redis_database_apart(
        os.environ["TEST_CACHE_URL"], "TEST_CACHE_URL"
    )

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": env.cache("TEST_CACHE_URL", default="locmemcache://"),
    "pages": {**env.cache("TEST_CACHE_URL", default="locmemcache://"), "KEY_PREFIX": "pages"},
}
MEDIA_ROOT = VAR_DIR / "test-media" / TEST_RUN_ID
# The transcoder's scratch folders are named by media item id, which every run's database
# starts at 1: one folder per run, as for media.
MEDIA_WORK_DIR = VAR_DIR / "test-media-work" / TEST_RUN_ID
# One folder per run, shared with the run's Celery worker (a FileField keeps the storage it
# was given when the models loaded, so this is not changed per test).
PRIVATE_ROOT = VAR_DIR / "test-private" / TEST_RUN_ID
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "coverage.private_files.storage.EncryptedStorage",
        "OPTIONS": {
            "inner_backend": "django.core.files.storage.FileSystemStorage",
            "inner_options": {"location": str(PRIVATE_ROOT)},
        },
    },
}
SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
DEMO_VIDEO_SECONDS = 3

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the Celery worker that integration tests start is another process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{TEST_RUN_ID}.sqlite3")}

if CELERY_BROKER_URL.startswith("filesystem://"):
    # Apart from the development queue, so a test never runs (or eats) a developer's tasks.
    _test_broker_dir = VAR_DIR / "test-celery" / TEST_RUN_ID
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_test_broker_dir / "queue"),
        "data_folder_out": str(_test_broker_dir / "queue"),
        "processed_folder": str(_test_broker_dir / "processed"),
        "control_folder": str(_test_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_test_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
