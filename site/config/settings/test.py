"""The test suite. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis (CI)."""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, VAR_DIR, env

# One id per test run, inherited by the Celery worker the run starts, so that two runs on one
# machine (a developer's and CI's) never share a database file or a queue folder.
TEST_RUN_ID = os.environ.setdefault("TEST_RUN_ID", str(os.getpid()))

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": env.cache("TEST_CACHE_URL", default="locmemcache://"),
    "pages": {**env.cache("TEST_CACHE_URL", default="locmemcache://"), "KEY_PREFIX": "pages"},
}
MEDIA_ROOT = VAR_DIR / "test-media" / TEST_RUN_ID
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
