"""The media tests' worker media root and editor; the test videos are in tests/conftest.py."""

from pathlib import Path

import pytest


@pytest.fixture
def worker_media_root(settings):
    """The worker process stores under the test settings' MEDIA_ROOT: read from there too,
    and delete what the test made (the signal handlers remove every stored file)."""
    from wagtail.models import Collection

    from config.settings import test as test_settings
    from media.models import MediaItem

    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT
    if not Collection.objects.exists():
        # Transactional tests start from an emptied database, migrations' rows included.
        Collection.add_root(name="Root")
    yield Path(test_settings.MEDIA_ROOT)
    for item in MediaItem.objects.all():
        item.delete()


@pytest.fixture
def editor(db):
    from tests.factories import UserFactory

    return UserFactory(email="editor@example.cn", is_staff=True, is_superuser=True)
