"""The publicity demo is loaded once for this folder's tests (about ten seconds: some fifty pages
with revisions and search entries) inside a transaction that is rolled back after the last of them;
each test runs in a savepoint within it, as Django's TestCase.setUpTestData does."""

import uuid

import pytest
import redis
from django.db import transaction
from django.test.utils import override_settings

from coverage.services import industries_load_key, regions_load_jilin
from demo.installers.publicity import publicity_demo_install


@pytest.fixture(scope="session")
def publicity_media(tmp_path_factory):
    return tmp_path_factory.mktemp("publicity-media")


@pytest.fixture(autouse=True)
def _media_root(settings, publicity_media):
    # The demo's pictures are made once: renditions must find them in every test.
    settings.MEDIA_ROOT = publicity_media


@pytest.fixture(scope="package")
def publicity_demo_data(django_db_setup, django_db_blocker, publicity_media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=publicity_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            regions_load_jilin()
            industries_load_key()
            home = publicity_demo_install()
            yield home.pk
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def publicity_demo(publicity_demo_data, db):
    """The demo's home page; every region of Jilin, the key industries and the demo pages."""
    from publicity.models import HomePage

    return HomePage.objects.get(pk=publicity_demo_data)


@pytest.fixture
def redis_pages_cache(settings):
    """The page cache in a real Redis, as production has it; yields the server's URL: a
    database of this run's own (config/settings/test.py), a key prefix per test."""
    pages_redis_url = settings.TEST_PAGES_REDIS_URL
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "publicity.redis_cache.SharedClientRedisCache",
            "LOCATION": pages_redis_url,
            "KEY_PREFIX": prefix,
        },
    }
    yield pages_redis_url
    client = redis.Redis.from_url(pages_redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()
