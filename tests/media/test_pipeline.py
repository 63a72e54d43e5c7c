"""The pipeline end to end through a real Celery worker process: upload → probe → transcode →
published outputs, and the files it must refuse."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from media import ffmpeg
from media.failures import failure_message
from media.models import MediaItem
from media.services import media_item_accept, media_item_retry, media_items_requeue_stale
from tests.helpers.media import item_create, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DONE = (MediaItem.Status.READY, MediaItem.Status.FAILED)


def expected_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """Every rung of the configured ladder at or below the picture's short side, or the
    picture's own size when it is below them all; aspect ratio kept, even sizes."""
    short, long = min(width, height), max(width, height)
    sides = [side for side, _kbps in sorted(settings.MEDIA_VIDEO_LADDER) if side <= short]
    sizes = []
    for side in sides or [short]:
        other = int(long * side / short) // 2 * 2
        side = side // 2 * 2
        sizes.append((other, side) if width >= height else (side, other))
    return sizes


def upload(path, media_type):
    """What the upload form does: probe, save, queue."""
    tools = ffmpeg.tools(settings.MEDIA_FFMPEG)
    item = item_create(path, media_type=media_type)
    return media_item_accept(item=item, info=ffmpeg.probe(item.file.path, tools=tools))


def stored(name: str):
    return default_storage.path(name)


def assert_plays(path, *, size=None, seconds=2.0):
    info = ffmpeg.probe(path, tools=ffmpeg.tools(settings.MEDIA_FFMPEG), check_tail=False)
    assert info.duration == pytest.approx(seconds, abs=0.2)
    if size:
        assert (info.width, info.height) == size
    return info


@pytest.mark.parametrize(
    ("name", "shown"),
    [("landscape", (320, 240)), ("portrait", (240, 426)), ("rotated", (240, 320))],
)
def test_video_becomes_ready_with_ladder_fallback_and_poster(
    celery_worker_process, worker_media_root, videos, name, shown
):
    item = wait_for(upload(videos[name], "video"), DONE)

    assert item.status == MediaItem.Status.READY, item.failure_message
    assert item.progress == 100
    assert (item.width, item.height) == shown
    assert item.duration == pytest.approx(2.0, abs=0.1)
    sizes = expected_sizes(*shown)
    assert [(r["width"], r["height"]) for r in item.renditions] == sizes
    master = default_storage.open(item.hls.name).read().decode()
    assert master.count("#EXT-X-STREAM-INF") == len(sizes)
    for rung in item.renditions:
        playlist = f"{item.outputs_dir}/hls/{rung['name']}/index.m3u8"
        assert_plays(stored(playlist), size=(rung["width"], rung["height"]))
    fallback = assert_plays(stored(item.fallback.name))
    assert fallback.has_audio
    assert (fallback.width, fallback.height) in sizes
    with Image.open(stored(item.thumbnail.name)) as poster:
        assert poster.format == "JPEG"
        assert poster.size == sizes[-1]
    assert item.fallback.url.startswith(settings.MEDIA_URL)


def test_audio_only_file_becomes_a_playable_recording(
    celery_worker_process, worker_media_root, videos
):
    item = wait_for(upload(videos["audio"], "audio"), DONE)

    assert item.status == MediaItem.Status.READY, item.failure_message
    recording = assert_plays(stored(item.fallback.name))
    assert not recording.has_video and recording.audio_codec == "aac"
    assert not item.hls and not item.thumbnail and item.renditions == []


@pytest.mark.parametrize(
    ("name", "media_type", "code"),
    [
        ("truncated", "video", "truncated"),
        ("truncated_faststart", "video", "truncated"),
        ("text", "video", "not_media"),
        ("audio", "video", "no_picture"),
        ("silent", "audio", "no_sound"),
    ],
)
def test_bad_file_fails_with_its_reason_and_publishes_nothing(
    celery_worker_process, worker_media_root, videos, name, media_type, code
):
    # Saved without the upload form, so only the worker's own probe can catch it.
    item = item_create(videos[name], media_type=media_type)
    item = wait_for(media_item_retry(item=item), DONE)

    assert item.status == MediaItem.Status.FAILED
    assert item.failure_code == code
    assert item.failure_message == failure_message(code)
    assert not item.is_playable
    assert _files_under(f"media/renditions/{item.pk}") == []


def test_rerun_replaces_the_outputs_and_leaves_no_duplicates(
    celery_worker_process, worker_media_root, videos
):
    item = wait_for(upload(videos["landscape"], "video"), DONE)
    first_outputs, first_files = item.outputs_dir, _files_under(f"media/renditions/{item.pk}")

    item = wait_for(media_item_retry(item=item), DONE)

    assert item.status == MediaItem.Status.READY
    assert item.outputs_dir != first_outputs
    # The worker deletes the old outputs right after publishing the new ones.
    deadline = time.monotonic() + 10
    while default_storage.exists(first_outputs) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not default_storage.exists(first_outputs)
    second_files = _files_under(f"media/renditions/{item.pk}")
    assert len(second_files) == len(first_files)
    assert all(name.startswith(item.outputs_dir) for name in second_files)
    assert MediaItem.objects.count() == 1


def test_deleting_an_item_removes_every_stored_file(
    celery_worker_process, worker_media_root, videos
):
    item = wait_for(upload(videos["landscape"], "video"), DONE)
    names = [item.file.name, *_files_under(f"media/renditions/{item.pk}")]
    assert all(default_storage.exists(name) for name in names)

    pk = item.pk
    item.delete()

    assert not any(default_storage.exists(name) for name in names)
    assert not default_storage.exists(f"media/renditions/{pk}")
    assert not default_storage.exists(names[0].rsplit("/", 1)[0])


def test_worker_killed_mid_job_leaves_the_item_to_be_finished(
    celery_worker_process, worker_media_root, long_video
):
    item = upload(long_video, "video")
    child, transcoder = _wait_for_ffmpeg_under(celery_worker_process.process.pid)
    item.refresh_from_db()
    assert item.status == MediaItem.Status.PROCESSING

    os.kill(child, signal.SIGKILL)

    # ffmpeg dies with its worker process instead of running on unowned.
    _wait_gone(transcoder)
    # The worker hands the task back to the queue; the next run takes over the same item.
    item = wait_for(item, DONE, timeout=180)
    assert item.status == MediaItem.Status.READY, item.failure_message
    assert item.attempts == 2
    assert _files_under(f"media/renditions/{item.pk}") == _files_under(item.outputs_dir)
    # The second delivery cleared the scratch folder the killed one left.
    assert not (Path(settings.MEDIA_WORK_DIR) / f"item{item.pk}-{item.run_id}").exists()


def test_stale_run_is_queued_again_and_finishes(
    celery_worker_process, worker_media_root, videos, settings
):
    item = item_create(videos["landscape"], media_type="video")
    # A run whose worker vanished: it claimed the item and then never reported again.
    MediaItem.objects.filter(pk=item.pk).update(
        status=MediaItem.Status.PROCESSING,
        run_id="lost-run",
        attempts=1,
        heartbeat_at=timezone.now() - timezone.timedelta(hours=1),
    )

    assert media_items_requeue_stale() == 1

    item = wait_for(item, DONE)
    assert item.status == MediaItem.Status.READY
    assert item.attempts == 2


def test_item_interrupted_too_often_fails_instead_of_looping(worker_media_root, videos, settings):
    item = item_create(videos["landscape"], media_type="video")
    MediaItem.objects.filter(pk=item.pk).update(
        status=MediaItem.Status.PROCESSING,
        run_id="lost-run",
        attempts=settings.MEDIA_MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - timezone.timedelta(hours=1),
    )

    assert media_items_requeue_stale() == 0

    item.refresh_from_db()
    assert item.status == MediaItem.Status.FAILED
    assert item.failure_code == "interrupted"
    assert str(settings.MEDIA_MAX_ATTEMPTS) in item.failure_message


def _files_under(prefix: str) -> list[str]:
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    names = [f"{prefix}/{name}" for name in files]
    for folder in folders:
        names += _files_under(f"{prefix}/{folder}")
    return sorted(names)


def _processes() -> dict[int, tuple[int, bytes]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    found[int(entry)] = (parent, cmdline.read())
            except (OSError, IndexError, ValueError):
                continue
    return found


def _wait_for_ffmpeg_under(worker_pid: int, timeout: float = 60) -> tuple[int, int]:
    """(pool child, ffmpeg) once the worker's pool child runs the transcoding ffmpeg."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes = _processes()
        for pid, (parent, command) in processes.items():
            transcoding = b"ffmpeg" in command and b"master.m3u8" in command
            if transcoding and processes.get(parent, (None,))[0] == worker_pid:
                return parent, pid
        time.sleep(0.05)
    raise AssertionError("no transcoding ffmpeg under the worker")


def _wait_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError(f"ffmpeg {pid} still runs after its worker process was killed")
