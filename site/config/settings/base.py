"""Settings shared by every flavour. Everything that varies is read from the environment here."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parents[3]
SITE_DIR = BASE_DIR / "site"

env = environ.Env()
# A .env file is a convenience for a developer's machine; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
# The one-machine default keeps its database, broker queue and uploads here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-change-me")

# Personal information at rest (coverage/pii.py). Comma-separated Fernet keys, newest first
# (docs/configuration.md shows how to generate one).
# The development defaults are public and must never hold real data: production refuses them.
DEV_PII_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LWZvci1yZWE="
PII_ENCRYPTION_KEYS = env.list("PII_ENCRYPTION_KEYS", default=[DEV_PII_ENCRYPTION_KEY])
PII_HASH_KEY = env("PII_HASH_KEY", default="development-only-hash-key")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts",
    "coverage",
    "coverage.identity",
    "jobs",
    "publicity",
    "reminders",
    "reports",
    "ledger",
    "projects",
    "courses",
    "media",
    # Demo data and `load_demo`; not part of the product (nothing else imports it).
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtailmedia",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_celery_results",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: bounds every wait for the database, and a lost one answers 503 (docs/operations.md).
    "config.unavailable.DatabaseUnavailableMiddleware",
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous views of publicity pages from the cache (publicity/caching.py): after the
    # language, CSRF and authentication middleware, before anything that renders.
    "publicity.caching.AnonymousPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "reminders.context_processors.bell",
            ],
        },
    },
]

# Bounded waits (docs/operations.md). Connecting gives up after DB_CONNECT_TIMEOUT seconds and
# the server cancels a web request's statement after DB_STATEMENT_TIMEOUT_MS (0: never;
# production: 30 s; tasks, commands and migrations are not limited).
# Neither helps when the server hangs, so a web request that gets no answer for
# DB_ANSWER_TIMEOUT seconds (0: never; production: 1) probes the server and, when the probe
# gets none either, answers 503 (config/database/deadline.py, config/unavailable.py).
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=2)
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=0)
DB_ANSWER_TIMEOUT = env.float("DB_ANSWER_TIMEOUT", default=0)


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: wait for the lock
    # instead of failing with "database is locked", and let readers run beside a writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Django's backend with a client-side deadline for web requests (config/database/).
    DATABASES["default"]["ENGINE"] = "config.database"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # PostgreSQL's JIT compiles the coverage aggregates for 0.6-13 s each and gains nothing
        # on them (`make bench`, tests/bench/README.md): off for the platform's connections.
        options="-c jit=off",
        # libpq and psycopg count whole seconds and never less than 2.
        connect_timeout=DB_CONNECT_TIMEOUT,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # The default is the database, so that rate limits and cached pages are shared by every
    # web process; production points CACHE_URL at Redis.
    "default": env.cache("CACHE_URL", default="dbcache://yufang_cache"),
    # Anonymous publicity pages (publicity/caching.py), apart from rate limits so that filling
    # it never evicts them; production points it at a Redis with an eviction policy.
    "pages": env.cache("PAGE_CACHE_URL", default="dbcache://yufang_page_cache"),
}
if CACHES["pages"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's backend builds a redis client per call; this one keeps one per process.
    CACHES["pages"]["BACKEND"] = "publicity.redis_cache.SharedClientRedisCache"
PUBLICITY_PAGE_CACHE_ALIAS = "pages"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "/"

# Sign-in: workers by mobile number and a one-time SMS code (allauth's phone support);
# staff by email and password (accounts.views.StaffLoginView and the Wagtail admin).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# A new code from the code page (twice), within the request rate limits below (one a minute):
# the page counts the minute down.
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 2
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = 2
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 10 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
# allauth counts wrong codes in the session, which overlapping requests overwrite: these forms
# count them atomically in the default cache first (accounts/code_attempts.py).
ACCOUNT_FORMS = {
    "confirm_login_code": "accounts.forms.ConfirmLoginCodeForm",
    "verify_phone": "accounts.forms.VerifyPhoneForm",
}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
# Six digits, as every Chinese SMS code is; the phone keyboard opens on digits.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "dashed": False, "length": 6}
# Each SMS costs money and can be abused to harass a number: per number at most one a
# minute and five an hour, per IP address twenty an hour.
ACCOUNT_RATE_LIMITS = {
    "request_login_code": "20/h/ip,1/m/key,5/h/key",
    "signup": "20/h/ip",
    "verify_phone": "20/h/ip,1/m/key,5/h/key",
    "login_failed": "10/m/ip,5/5m/key",
    # Binding an account to a name + ID number (coverage.identity.services.identity_bind).
    "bind_identity": "5/h/user,20/h/ip",
}
# Proxies in front of the site that append to X-Forwarded-For (1 behind the one nginx of the
# production deployment): coverage/audit/client_ip.py finds the client's address through them, for
# the audit log, the check-in flags and every rate limit; allauth is told the same count.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Online courses (courses/learning/progress.py): how often the player reports, and after how long
# without a sign of the learner it pauses and asks "还在学习吗？".
COURSES_HEARTBEAT_SECONDS = env.int("COURSES_HEARTBEAT_SECONDS", default=10)
COURSES_IDLE_SECONDS = env.int("COURSES_IDLE_SECONDS", default=600)
# Most credit that unused real time can hold for heartbeats arriving late (a dead spot).
COURSES_CREDIT_BANK_SECONDS = env.int("COURSES_CREDIT_BANK_SECONDS", default=300)
# Length of the warning film `load_demo` generates and transcodes for the demo lessons.
DEMO_VIDEO_SECONDS = env.int("DEMO_VIDEO_SECONDS", default=30)
SMS_BACKEND = env("SMS_BACKEND", default="accounts.sms.ConsoleSmsBackend")
SMS_SIGNATURE = env("SMS_SIGNATURE", default="吉林工伤预防")
# SMS_BACKEND=accounts.aliyun_sms.AliyunSmsBackend (docs/accounts.md, "SMS"). Templates per purpose:
# "verification_code=SMS_1,unknown_account=SMS_2,account_exists=SMS_3".
SMS_ALIYUN_ACCESS_KEY_ID = env("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_SIGN_NAME = env("SMS_ALIYUN_SIGN_NAME", default=SMS_SIGNATURE)
SMS_ALIYUN_TEMPLATES = env.dict("SMS_ALIYUN_TEMPLATES", default={})
SMS_ALIYUN_REGION = env("SMS_ALIYUN_REGION", default="cn-hangzhou")
SMS_ALIYUN_ENDPOINT = env("SMS_ALIYUN_ENDPOINT", default="https://dysmsapi.aliyuncs.com/")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# makemessages writes to the first entry; the second holds Chinese for Wagtail and wagtailmedia
# strings they ship untranslated, which makemessages never rewrites (any LOCALE_PATHS entry
# outranks the apps' own catalogues).
LOCALE_PATHS = [SITE_DIR / "locale", SITE_DIR / "locale_overrides"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Files holding personal data (roster uploads, training evidence): never under MEDIA_ROOT,
# served by no URL, encrypted with the PII keys; only authorising views stream them.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": {
        "BACKEND": "coverage.private_files.storage.EncryptedStorage",
        "OPTIONS": {
            "inner_backend": "django.core.files.storage.FileSystemStorage",
            "inner_options": {"location": str(PRIVATE_ROOT)},
        },
    },
}
# Uploaded roster files are deleted this many days after their import was committed, or
# after upload when it never was; the import's record stays.
ROSTER_UPLOAD_RETENTION_DAYS = env.int("ROSTER_UPLOAD_RETENTION_DAYS", default=30)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# Celery. The default needs no server: kombu's filesystem transport in var/.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # Longer than the longest task time limit, so Redis does not hand a running task to a
    # second worker (tasks are idempotent anyway).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 60 * 60}
# Publishing a task inside a request gives up within about 2 s when Redis is down (refused at
# once, retried twice) or hung (no answer: kombu's default waits forever): the user sees "try
# again later". Above the 1 s the worker's BRPOP waits for a message.
BROKER_REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS.update(BROKER_REDIS_TIMEOUTS)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=30 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=35 * 60)
CELERY_TASK_DEFAULT_QUEUE = "default"
# One queue per kind of work, so a long video transcode never delays a roster import.
CELERY_TASK_ROUTES = {
    "media.*": {"queue": "media"},
    "coverage.*": {"queue": "imports"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "prune-finished-jobs": {"task": "jobs.prune_finished", "schedule": 24 * 60 * 60},
    "verify-ended-sessions": {"task": "coverage.sessions_verify_ended", "schedule": 5 * 60},
    "requeue-stale-jobs": {"task": "jobs.requeue_stale", "schedule": 60},
    "expire-roster-uploads": {"task": "coverage.roster_uploads_expire", "schedule": 60 * 60},
    "prune-code-guess-counts": {"task": "accounts.code_guess_counts_prune", "schedule": 60 * 60},
    "clear-expired-sessions": {"task": "accounts.sessions_clear_expired", "schedule": 24 * 60 * 60},
    # The maintained coverage against a full recount: any drift logged and repaired.
    "coverage-counts-drift": {"task": "coverage.counts_drift_repair", "schedule": 24 * 60 * 60},
    # Each region's monthly trend (a scan of its roster history) ready before the day's views.
    "coverage-trends-warm": {"task": "coverage.region_trends_warm", "schedule": 24 * 60 * 60},
    # Frequency targets count the calendar year (CELERY_TIMEZONE): the new one starts at 0.
    # Signs of cheating in the last two days' check-ins, learning and exams (courses/integrity/).
    "integrity-signals-detect": {
        "task": "courses.integrity_signals_detect",
        "schedule": crontab(minute=30, hour=2),
    },
    "coverage-frequency-new-year": {
        "task": "coverage.frequency_year_rebuild",
        "schedule": crontab(minute=5, hour=0, day_of_month=1, month_of_year=1),
    },
}
# Reminder rules (reminders/): sent from 08:00 to 21:00 Asia/Shanghai only; at most one reminder
# SMS per number per REMINDERS_SMS_WINDOW_DAYS, and REMINDERS_SMS_PER_RUN a run (the rest wait).
CELERY_BEAT_SCHEDULE["reminders-run"] = {"task": "reminders.run", "schedule": 15 * 60}
REMINDERS_SMS_WINDOW_DAYS = env.int("REMINDERS_SMS_WINDOW_DAYS", default=7)
REMINDERS_SMS_PER_RUN = env.int("REMINDERS_SMS_PER_RUN", default=2000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A background job (jobs/) whose heartbeat stopped this long ago lost its worker: it is queued
# again, and failed with a message once it has been interrupted JOBS_MAX_ATTEMPTS times.
JOBS_STALE_AFTER_SECONDS = env.int("JOBS_STALE_AFTER_SECONDS", default=5 * 60)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
# A queued run that no worker claimed this long after it was sent is sent again (same run id,
# so whichever copy comes first runs and the other is ignored).
JOBS_RESEND_AFTER_SECONDS = env.int("JOBS_RESEND_AFTER_SECONDS", default=15 * 60)
# Late acknowledgement hands a message back when the worker loses the broker; without this a
# second worker could start it while the first copy still runs (jobs claim queued runs only,
# media items their own run id, but a task should not run twice at once in the first place).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

WAGTAIL_SITE_NAME = "吉林省工伤预防培训平台"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The address the public reaches the site at: the sitemap and robots.txt name it, whatever host
# the Wagtail Site record holds.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default=WAGTAILADMIN_BASE_URL)
# Share cards inside WeChat (publicity/wechat.py): an official account's app id and secret,
# with the site's domain registered as its JS interface domain. Unset: off.
WECHAT_APP_ID = env("WECHAT_APP_ID", default="")
WECHAT_APP_SECRET = env("WECHAT_APP_SECRET", default="")
WECHAT_API_BASE = env("WECHAT_API_BASE", default="https://api.weixin.qq.com")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# gravatar.com is blocked in mainland China: every admin page would wait on it.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# How long an anonymous page view is served from the cache at most; publishing purges sooner.
PUBLICITY_PAGE_CACHE_SECONDS = env.int("PUBLICITY_PAGE_CACHE_SECONDS", default=15 * 60)

REST_FRAMEWORK = {
    # Other government systems send "Authorization: Token <key>" (manage.py api_token); a
    # signed-in regulator can open the same endpoints in a browser.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yufang API",
    "VERSION": "1",
    "PREPROCESSING_HOOKS": ["config.api.only_platform_api"],
}

SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
# Sessions read from the default cache (Redis in production, shared by every web node) and
# written through to the database, which keeps them when the cache is flushed or evicts them;
# signing out deletes both. A request that only reads its session costs no query for it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Roster import (coverage/rosters/): file limits, and the
# largest file previewed and imported inside the request instead of as a background job.
ROSTER_IMPORT_MAX_BYTES = env.int("ROSTER_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
ROSTER_IMPORT_MAX_ROWS = env.int("ROSTER_IMPORT_MAX_ROWS", default=50_000)
ROSTER_IMPORT_SYNC_ROWS = env.int("ROSTER_IMPORT_SYNC_ROWS", default=2_000)

# Coverage forecast (coverage/forecast/): the pace is measured over this many weeks back.
COVERAGE_FORECAST_WEEKS = env.int("COVERAGE_FORECAST_WEEKS", default=12)

# Video pipeline (media/, docs/media.md): wagtailmedia items of our own model, probed on upload
# and transcoded by ffmpeg in Celery into an HLS ladder, an MP4 fallback and a poster.
WAGTAILMEDIA = {
    "MEDIA_MODEL": "media.MediaItem",
    "MEDIA_FORM_BASE": "media.forms.MediaItemForm",
}
# "auto": Debian's ffmpeg and ffprobe when installed, else the ffmpeg in the imageio-ffmpeg
# wheel; or "system", "bundled", or the path of an ffmpeg binary.
MEDIA_FFMPEG = env("MEDIA_FFMPEG", default="auto")
MEDIA_MAX_UPLOAD_BYTES = env.int("MEDIA_MAX_UPLOAD_BYTES", default=2 * 1024**3)
MEDIA_MAX_DURATION_SECONDS = env.int("MEDIA_MAX_DURATION_SECONDS", default=2 * 60 * 60)
# "short side:video kbit/s" per rung; the short side, so a portrait 720x1280 video is 720p.
# A source is never upscaled: rungs above it are left out.
MEDIA_VIDEO_LADDER = [
    tuple(int(part) for part in rung.split(":"))
    for rung in env.list("MEDIA_VIDEO_LADDER", default=["360:600", "540:1200", "720:2000"])
]
MEDIA_AUDIO_KBPS = env.int("MEDIA_AUDIO_KBPS", default=96)
MEDIA_HLS_SEGMENT_SECONDS = env.int("MEDIA_HLS_SEGMENT_SECONDS", default=4)
MEDIA_X264_PRESET = env("MEDIA_X264_PRESET", default="veryfast")
# One transcode may take this long; then ffmpeg is stopped and the item fails with the reason.
MEDIA_TRANSCODE_TIME_LIMIT = env.int("MEDIA_TRANSCODE_TIME_LIMIT", default=2 * 60 * 60)
# A job whose progress has not moved for this long lost its worker: it is started again, at
# most MEDIA_MAX_ATTEMPTS times in all.
MEDIA_STALE_AFTER_SECONDS = env.int("MEDIA_STALE_AFTER_SECONDS", default=10 * 60)
MEDIA_MAX_ATTEMPTS = env.int("MEDIA_MAX_ATTEMPTS", default=3)
# ffmpeg's scratch space: local disk even when media live in object storage.
MEDIA_WORK_DIR = Path(env("MEDIA_WORK_DIR", default=str(VAR_DIR / "media-work")))
CELERY_BEAT_SCHEDULE["media-requeue-stale"] = {
    "task": "media.requeue_stale",
    "schedule": 5 * 60,
}

# Media in S3-compatible object storage, for more than one machine (docs/operations.md):
# public media (HLS, posters, images) in MEDIA_BUCKET, readable by anyone; private files in
# PRIVATE_BUCKET, still encrypted by STORAGES["private"], with no URL. The local folders stay
# the default.
MEDIA_STORAGE = env("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _S3_OPTIONS = {
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "access_key": env("AWS_ACCESS_KEY_ID"),
        "secret_key": env("AWS_SECRET_ACCESS_KEY"),
    }
    STORAGES["default"] = {
        "BACKEND": "config.object_storage.PublicMediaStorage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": env("MEDIA_BUCKET"),
            # The bucket's public address or a CDN in front of it, e.g. media.gsyf.example.cn.
            "custom_domain": env("MEDIA_CUSTOM_DOMAIN", default=None),
        },
    }
    # Documents can be restricted per collection: always through Wagtail's view, never a
    # redirect to the bucket (Wagtail's default for storages without a local path).
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
    STORAGES["private"]["OPTIONS"]["inner_backend"] = "config.object_storage.PrivateObjectStorage"
    STORAGES["private"]["OPTIONS"]["inner_options"] = {
        **_S3_OPTIONS,
        "bucket_name": env("PRIVATE_BUCKET"),
    }
elif MEDIA_STORAGE != "filesystem":
    raise ValueError(f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}")
