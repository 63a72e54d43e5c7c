"""manage.py in a process of its own, with the environment a production machine would give it."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k" * 20 + "9f2Qx7LmZpR4tYvW8sN1cJ6hB3dG5aE0uK" + "x" * 10,
    "ALLOWED_HOSTS": "gsyf.example.cn",
    "PII_ENCRYPTION_KEYS": "q0lV4n3Qm9eEJ6M5cQ1bPpY8tqQwzv7hX2kR5sN0aLc=",
    "PII_HASH_KEY": "a-real-random-hash-key-for-the-test-0123456789",
}


def clean_environment() -> dict:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a "production" process.
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean_environment(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
