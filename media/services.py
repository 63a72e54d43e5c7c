"""The video pipeline's actions: check an upload, accept it, transcode it, retry, recover."""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from wagtailmedia.models import MediaType

from media import ffmpeg
from media.failures import (
    FFMPEG_FAILED,
    INTERRUPTED,
    MISSING_ORIGINAL,
    NO_PICTURE,
    NO_SOUND,
    TIMEOUT,
    TOO_LARGE,
    TOO_LONG,
    TRUNCATED,
    MediaRejected,
)
from media.models import MediaItem
from media.storage import CHUNK, local_path, tree_delete, tree_store

log = logging.getLogger(__name__)

# The transcode task, sent by name: media.tasks imports this module, never the other way round.
TRANSCODE_TASK = "media.transcode"
# Progress is written at most this often (the admin polls every 2 s): live enough for the
# admin, light on the database. Publishing or failing always writes the final state.
PROGRESS_WRITE_SECONDS = 2.0
# A run whose percentage stands still (a slow encode of a long file) still proves it is alive
# this often, far inside MEDIA_STALE_AFTER_SECONDS.
HEARTBEAT_SECONDS = 60.0


class Superseded(Exception):
    """Another run owns the item now (a new upload, a retry, or the stale-run sweeper)."""


def media_tools() -> ffmpeg.Tools:
    """The ffmpeg binaries MEDIA_FFMPEG selects."""
    return ffmpeg.tools(settings.MEDIA_FFMPEG)


def media_encoding() -> ffmpeg.Encoding:
    """Encoder settings from MEDIA_* settings."""
    return ffmpeg.Encoding(
        segment_seconds=settings.MEDIA_HLS_SEGMENT_SECONDS,
        audio_kbps=settings.MEDIA_AUDIO_KBPS,
        preset=settings.MEDIA_X264_PRESET,
    )


def media_info_check(*, info: ffmpeg.VideoInfo, media_type: str) -> None:
    """Raise MediaRejected when a probed file does not fit its item type or the limits."""
    if media_type == MediaType.VIDEO and not info.has_video:
        raise MediaRejected(NO_PICTURE)
    if media_type == MediaType.AUDIO and not info.has_audio:
        raise MediaRejected(NO_SOUND)
    if info.duration and info.duration > settings.MEDIA_MAX_DURATION_SECONDS:
        raise MediaRejected(
            TOO_LONG, duration=info.duration, limit=settings.MEDIA_MAX_DURATION_SECONDS
        )


def media_upload_check(*, upload: UploadedFile, media_type: str) -> ffmpeg.VideoInfo:
    """Probe an upload before anything is stored; raise MediaRejected saying what is wrong."""
    if upload.size > settings.MEDIA_MAX_UPLOAD_BYTES:
        raise MediaRejected(TOO_LARGE, size=upload.size, limit=settings.MEDIA_MAX_UPLOAD_BYTES)
    with _upload_on_disk(upload) as path:
        try:
            info = ffmpeg.probe(path, tools=media_tools())
        except ffmpeg.ProbeError as exc:
            log.info("Upload %s refused (%s): %s", upload.name, exc.code, exc.detail)
            raise MediaRejected(exc.code) from exc
    media_info_check(info=info, media_type=media_type)
    return info


@contextlib.contextmanager
def _upload_on_disk(upload: UploadedFile) -> Iterator[Path]:
    # Large uploads are already on disk (TemporaryFileUploadHandler); small ones are copied
    # in chunks so that ffmpeg can read them. Neither is read whole into memory.
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    work_root = _work_root()
    suffix = Path(upload.name or "").suffix[:10]
    with tempfile.NamedTemporaryFile(dir=work_root, prefix="upload-", suffix=suffix) as copy:
        upload.seek(0)
        for chunk in upload.chunks(CHUNK):
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        yield Path(copy.name)


def media_item_accept(*, item: MediaItem, info: ffmpeg.VideoInfo) -> MediaItem:
    """Record what probing found in a just-saved upload and queue its transcode on commit.

    The previous outputs, if any, stay published until the new ones are ready.
    """
    if item.type not in (MediaType.VIDEO, MediaType.AUDIO):
        item.type = MediaType.VIDEO if info.has_video else MediaType.AUDIO
    item.duration = round(info.duration or 0, 3)
    item.width = info.width or None
    item.height = info.height or None
    item.source_info = info.as_dict()
    item.status = MediaItem.Status.QUEUED
    item.progress = 0
    item.failure_code = ""
    item.failure_params = {}
    item.run_id = ""
    item.heartbeat_at = None
    item.attempts = 0
    item.save()
    media_item_transcode_enqueue(item=item)
    return item


def media_item_transcode_enqueue(*, item: MediaItem) -> None:
    """Send the item to the media queue once the current transaction has committed."""
    item_id = item.pk
    transaction.on_commit(lambda: current_app.send_task(TRANSCODE_TASK, args=[item_id]))


def media_item_retry(*, item: MediaItem) -> MediaItem:
    """Transcode again from the original; the new outputs replace the old ones."""
    MediaItem.objects.filter(pk=item.pk).update(
        status=MediaItem.Status.QUEUED,
        progress=0,
        failure_code="",
        failure_params={},
        run_id="",
        heartbeat_at=None,
        attempts=0,
    )
    item.refresh_from_db()
    media_item_transcode_enqueue(item=item)
    return item


def media_item_fail(*, item_id: int, run_id: str, code: str, **params) -> str:
    """Mark this run's item failed with a reason the editor can act on."""
    MediaItem.objects.filter(pk=item_id, run_id=run_id).update(
        status=MediaItem.Status.FAILED,
        failure_code=code,
        failure_params=params,
        progress=0,
        heartbeat_at=None,
    )
    return MediaItem.Status.FAILED


def media_item_transcode(*, item_id: int, run_id: str) -> str:
    """Claim the item for `run_id`, probe and transcode its file, publish the outputs.

    Safe to run twice and to rerun: only the run that owns the item publishes, publishing
    replaces the previous outputs, and every temporary file goes with the run. Returns the
    item's status afterwards, "skipped" (another run owns it) or "superseded".
    """
    item = _claim(item_id=item_id, run_id=run_id)
    if item is None:
        return "skipped"
    if item.attempts > settings.MEDIA_MAX_ATTEMPTS:
        return media_item_fail(
            item_id=item_id, run_id=run_id, code=INTERRUPTED, attempts=item.attempts - 1
        )
    prefix = f"media/renditions/{item_id}/{uuid.uuid4().hex[:12]}"
    progress = _ProgressWriter(item_id=item_id, run_id=run_id)
    work = _work_dir(item_id=item_id, run_id=run_id)
    try:
        with _scratch(work):
            if not item.file or not item.file.storage.exists(item.file.name):
                raise MediaRejected(MISSING_ORIGINAL)
            tools = media_tools()
            with local_path(item.file, work) as source:
                try:
                    info = ffmpeg.probe(source, tools=tools)
                except ffmpeg.ProbeError as exc:
                    raise MediaRejected(exc.code) from exc
                media_info_check(info=info, media_type=item.type)
                outputs = ffmpeg.transcode(
                    source,
                    work / "out",
                    info=info,
                    ladder=settings.MEDIA_VIDEO_LADDER,
                    encoding=media_encoding(),
                    tools=tools,
                    timeout=settings.MEDIA_TRANSCODE_TIME_LIMIT,
                    on_progress=progress.report,
                    audio_only=item.type == MediaType.AUDIO,
                )
            if _cut_short(info, outputs):
                raise MediaRejected(TRUNCATED)
            tree_store(work / "out", prefix, on_file=progress.beat)
        return _publish(item_id=item_id, run_id=run_id, prefix=prefix, info=info, outputs=outputs)
    except MediaRejected as exc:
        tree_delete(prefix)
        return media_item_fail(item_id=item_id, run_id=run_id, code=exc.code, **exc.params)
    except ffmpeg.TranscodeTimeout:
        tree_delete(prefix)
        return media_item_fail(
            item_id=item_id, run_id=run_id, code=TIMEOUT, limit=settings.MEDIA_TRANSCODE_TIME_LIMIT
        )
    except ffmpeg.TranscodeError as exc:
        log.warning("Transcoding media item %s failed: %s", item_id, exc.detail)
        tree_delete(prefix)
        return media_item_fail(item_id=item_id, run_id=run_id, code=FFMPEG_FAILED)
    except Superseded:
        tree_delete(prefix)
        return "superseded"
    except BaseException:
        # A time limit or shutdown: the outputs of a run that will not publish go now.
        tree_delete(prefix)
        raise


def media_items_requeue_stale() -> int:
    """Queue again the runs whose worker died (no progress for MEDIA_STALE_AFTER_SECONDS),
    fail those interrupted MEDIA_MAX_ATTEMPTS times, and clear their scratch folders."""
    stale = timezone.now() - timedelta(seconds=settings.MEDIA_STALE_AFTER_SECONDS)
    requeued = 0
    for item in MediaItem.objects.filter(
        status=MediaItem.Status.PROCESSING, heartbeat_at__lt=stale
    ).only("pk", "attempts", "run_id"):
        still_stale = MediaItem.objects.filter(
            pk=item.pk,
            status=MediaItem.Status.PROCESSING,
            run_id=item.run_id,
            heartbeat_at__lt=stale,
        )
        if item.attempts >= settings.MEDIA_MAX_ATTEMPTS:
            media_item_fail(
                item_id=item.pk, run_id=item.run_id, code=INTERRUPTED, attempts=item.attempts
            )
        elif still_stale.update(
            status=MediaItem.Status.QUEUED, run_id="", heartbeat_at=None, progress=0
        ):
            media_item_transcode_enqueue(item=item)
            requeued += 1
    _prune_work_dirs()
    return requeued


def _work_dir(*, item_id: int, run_id: str) -> Path:
    # Named after the run: a task handed back after its worker was killed finds and clears
    # the scratch folder its first delivery left behind.
    safe_run = "".join(c for c in run_id if c.isalnum() or c == "-")[:64]
    return _work_root() / f"item{item_id}-{safe_run}"


@contextlib.contextmanager
def _scratch(folder: Path) -> Iterator[Path]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _work_root() -> Path:
    root = Path(settings.MEDIA_WORK_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _prune_work_dirs() -> None:
    # Folders of runs killed outright (no `finally` ran); no live run is older than its limit.
    cutoff = time.time() - settings.MEDIA_TRANSCODE_TIME_LIMIT - settings.MEDIA_STALE_AFTER_SECONDS
    for path in _work_root().iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def _claim(*, item_id: int, run_id: str) -> MediaItem | None:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.MEDIA_STALE_AFTER_SECONDS)
    claimed = (
        MediaItem.objects.filter(pk=item_id)
        .filter(
            Q(status=MediaItem.Status.QUEUED)
            # The same task delivered again after its worker died.
            | Q(status=MediaItem.Status.PROCESSING, run_id=run_id)
            | Q(status=MediaItem.Status.PROCESSING, heartbeat_at__lt=stale)
        )
        .update(
            status=MediaItem.Status.PROCESSING,
            run_id=run_id,
            heartbeat_at=now,
            progress=0,
            failure_code="",
            failure_params={},
            attempts=F("attempts") + 1,
        )
    )
    return MediaItem.objects.get(pk=item_id) if claimed else None


class _ProgressWriter:
    def __init__(self, *, item_id: int, run_id: str):
        self.item_id = item_id
        self.run_id = run_id
        self.percent = 0
        self.written_at = time.monotonic()

    def report(self, fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        since = time.monotonic() - self.written_at
        if (percent != self.percent and since >= PROGRESS_WRITE_SECONDS) or (
            since >= HEARTBEAT_SECONDS
        ):
            self._write(percent)

    def beat(self) -> None:
        if time.monotonic() - self.written_at >= PROGRESS_WRITE_SECONDS:
            self._write(self.percent)

    def _write(self, percent: int) -> None:
        updated = MediaItem.objects.filter(
            pk=self.item_id, run_id=self.run_id, status=MediaItem.Status.PROCESSING
        ).update(progress=percent, heartbeat_at=timezone.now())
        if not updated:
            raise Superseded
        self.percent = percent
        self.written_at = time.monotonic()


def _cut_short(info: ffmpeg.VideoInfo, outputs: ffmpeg.Outputs) -> bool:
    # A file cut off after a complete header decodes to less than it claims.
    if not info.duration or outputs.duration is None:
        return False
    return outputs.duration < info.duration - max(1.0, 0.1 * info.duration)


def _publish(
    *, item_id: int, run_id: str, prefix: str, info: ffmpeg.VideoInfo, outputs: ffmpeg.Outputs
) -> str:
    previous = (
        MediaItem.objects.filter(pk=item_id).values_list("outputs_dir", flat=True).first() or ""
    )
    # One conditional UPDATE: only the run that still owns the item publishes, atomically.
    published = MediaItem.objects.filter(
        pk=item_id, run_id=run_id, status=MediaItem.Status.PROCESSING
    ).update(
        outputs_dir=prefix,
        hls=f"{prefix}/{outputs.hls_master}" if outputs.hls_master else "",
        fallback=f"{prefix}/{outputs.fallback}",
        thumbnail=f"{prefix}/{outputs.poster}" if outputs.poster else "",
        renditions=[asdict(rung) for rung in outputs.renditions],
        duration=round(info.duration or 0, 3),
        width=info.width or None,
        height=info.height or None,
        source_info=info.as_dict(),
        status=MediaItem.Status.READY,
        progress=100,
        heartbeat_at=None,
        transcoded_at=timezone.now(),
    )
    if not published:
        raise Superseded
    if previous and previous != prefix:
        tree_delete(previous)
    return MediaItem.Status.READY
