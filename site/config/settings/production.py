"""Production: refuses insecure defaults and passes `manage.py check --deploy` cleanly."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    DEV_PII_ENCRYPTION_KEY,
    PII_ENCRYPTION_KEYS,
    PII_HASH_KEY,
    env,
)

DEBUG = False

SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

if DEV_PII_ENCRYPTION_KEY in PII_ENCRYPTION_KEYS or PII_HASH_KEY.startswith("development-only"):
    raise ImproperlyConfigured(
        "PII_ENCRYPTION_KEYS and PII_HASH_KEY must be set in production (see "
        "docs/configuration.md): ID numbers and phones are encrypted with them."
    )
# The lookup hash of ID numbers is only as strong as its key: a short one can be guessed, and
# every ID number with it (18 digits with a known structure are few).
PII_HASH_KEY_MIN_LENGTH = 32
if len(PII_HASH_KEY) < PII_HASH_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"PII_HASH_KEY must be at least {PII_HASH_KEY_MIN_LENGTH} random characters in "
        f"production (it has {len(PII_HASH_KEY)}): "
        '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
    )

# TLS ends at the reverse proxy, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A lost database answers 503 within 2 s (docs/operations.md), a web request's runaway query
# is cancelled (config/database/base.py).
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000)
DB_ANSWER_TIMEOUT = env.float("DB_ANSWER_TIMEOUT", default=1.0)
