import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from accounts import sms

_TEMPLATE_COPIED = pytest.StashKey[bool]()

# Property tests (hypothesis): remembered failing examples under var/, and no per-example
# deadline, which a busy 2-core machine would miss for reasons that are not the code's.
hypothesis_settings.register_profile(
    "yufang",
    database=DirectoryBasedExampleDatabase(django_settings.VAR_DIR / "hypothesis"),
    deadline=None,
)
hypothesis_settings.load_profile("yufang")


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
    from tests.helpers.regions import jilin_insert

    return jilin_insert()


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings, django_db_blocker) -> bool:
    """Start from a copy of the migrated template database when there is one (see
    tests/helpers/database.py); --create-db migrates from zero."""
    if request.config.getvalue("create_db"):
        return False
    from tests.helpers.database import migrations_digest, template_copy

    with django_db_blocker.unblock():
        request.config.stash[_TEMPLATE_COPIED] = template_copy(migrations_digest())
    return request.config.stash[_TEMPLATE_COPIED] or request.config.getvalue("reuse_db")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    from tests.helpers.database import migrations_digest, run_database_drop, template_save

    copied = request.config.stash.get(_TEMPLATE_COPIED, False)
    if not copied:
        with django_db_blocker.unblock():
            template_save(migrations_digest())
    yield
    if copied and not request.config.getvalue("reuse_db"):
        with django_db_blocker.unblock():
            run_database_drop()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # A test is marked by what it needs, so a new one needs no marker to be skipped by
    # `make test-fast`: a real Celery worker (`worker`) or a browser (`browser`).
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "celery_worker_process" in fixtures:
            item.add_marker(pytest.mark.worker)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.xdist_group(_xdist_group(item, fixtures)))


def _xdist_group(item, fixtures) -> str:
    """Which tests one xdist worker runs together (`make test`: --dist loadgroup): those that
    share a costly fixture, so it is made once. One Celery worker process and one Chromium for
    the run; a module's (or tests/publicity's, package-scoped demo) tests stay together."""
    if "celery_worker_process" in fixtures:
        return "celery-worker"
    if "browser" in fixtures:
        return "browser"
    path = Path(item.path).relative_to(item.config.rootpath)
    if path.parts[:2] == ("tests", "publicity"):
        return "tests/publicity"
    return str(path)


def pytest_sessionfinish(session, exitstatus):
    # This run's folders (its media, private files and queue, shared with its Celery worker,
    # which has stopped by now): nobody reads them after the run.
    run_folders = [
        django_settings.MEDIA_ROOT,
        django_settings.PRIVATE_ROOT,
        django_settings.MEDIA_WORK_DIR,
    ]
    if options := getattr(django_settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get(
        "processed_folder"
    ):
        run_folders.append(Path(options).parent)
    for folder in run_folders:
        if Path(folder).name == django_settings.TEST_RUN_ID:
            shutil.rmtree(folder, ignore_errors=True)
    # In CI a skipped test is a failing test: it proves nothing.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; that fails the run.", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def videos(tmp_path_factory):
    """The session's test videos by name (see tests/helpers/media.py)."""
    from tests.helpers.media import videos_make

    return videos_make(tmp_path_factory.mktemp("videos"))


@pytest.fixture(scope="session")
def long_video(tmp_path_factory):
    from tests.helpers.media import long_video_make

    return long_video_make(tmp_path_factory.mktemp("long-video"))


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker process for the session; tests using it need `transactional_db`."""
    from tests.helpers.celery_worker import WorkerProcess

    worker = WorkerProcess(
        tmp_path_factory.mktemp("celery") / "worker.log", include=["tests.jobs.tasks_for_tests"]
    )
    with django_db_blocker.unblock():
        worker.start()
    yield worker
    worker.stop()
