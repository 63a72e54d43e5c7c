"""The transcode service in this process (no worker): how often it writes progress, and that
the final state always lands."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from media.models import MediaItem
from media.services import PROGRESS_WRITE_SECONDS, media_item_transcode
from tests.helpers.media import item_create

pytestmark = pytest.mark.django_db


def progress_writes(queries) -> list[str]:
    # The progress writer's UPDATE sets progress and heartbeat only; claiming, publishing and
    # failing set the status first.
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith('UPDATE "media_mediaitem" SET "progress"')
    ]


def queued(path, media_type="video") -> MediaItem:
    item = item_create(path, media_type=media_type)
    MediaItem.objects.filter(pk=item.pk).update(status=MediaItem.Status.QUEUED)
    return item


def test_a_long_transcode_writes_progress_at_most_every_few_seconds_and_ends_ready(
    settings, tmp_path, long_video
):
    settings.MEDIA_WORK_DIR = tmp_path / "work"
    # A slow preset, so that the encode spans several write intervals even on a fast machine.
    settings.MEDIA_X264_PRESET = "slower"
    item = queued(long_video)

    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        status = media_item_transcode(item_id=item.pk, run_id="run-1")
        elapsed = time.monotonic() - started

    assert status == MediaItem.Status.READY
    writes = progress_writes(queries)
    # ffmpeg reports twice a second: unthrottled, a transcode this long would write about
    # 2 × elapsed times.
    assert len(writes) <= elapsed / PROGRESS_WRITE_SECONDS, (len(writes), elapsed)
    # Throttled, not silenced: a run two intervals long has shown progress on the way.
    assert writes or elapsed < 2 * PROGRESS_WRITE_SECONDS, elapsed
    item.refresh_from_db()
    assert (item.status, item.progress, item.heartbeat_at) == (MediaItem.Status.READY, 100, None)
    assert item.duration == pytest.approx(20.0, abs=0.2)
