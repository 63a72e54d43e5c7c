"""The server tests/bench/bench_checkin.py starts (and the settings of the benchmark process, so
that both sign sessions and hash passwords alike): production settings, with the benchmark's
URLconf (a bare signed-in POST beside the platform's URLs) and static files by name, as there is
no collectstatic manifest in the benchmark's scratch folder."""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

ROOT_URLCONF = "tests.bench.bench_checkin"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
