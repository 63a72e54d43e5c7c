import os

import pytest

from accounts import sms
from coverage.services import regions_load_jilin


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits live in the cache: one test's attempts must not limit the next.
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def jilin(db):
    """Jilin's region tree as `make run` loads it, keyed by code."""
    from coverage.models import Region

    regions_load_jilin()
    return {region.code: region for region in Region.objects.all()}


def pytest_sessionfinish(session, exitstatus):
    # In CI a skipped test is a failing test: it proves nothing.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; that fails the run.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker process for the session; tests using it need `transactional_db`."""
    from tests.celery_worker import WorkerProcess

    worker = WorkerProcess(
        tmp_path_factory.mktemp("celery") / "worker.log", include=["tests.jobs.tasks_for_tests"]
    )
    with django_db_blocker.unblock():
        worker.start()
    yield worker
    worker.stop()
