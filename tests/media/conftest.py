"""Videos made by ffmpeg's lavfi test sources, once per session, and helpers to watch the
pipeline. Generated with the ffmpeg of the imageio-ffmpeg wheel, so a fresh machine can."""

import subprocess
import time
from pathlib import Path

import pytest
from django.core.files import File

from media import ffmpeg

SECONDS = 2


def _make(path: Path, *args: str) -> Path:
    bundled = ffmpeg.tools("bundled").ffmpeg
    subprocess.run(
        [bundled, "-hide_banner", "-nostdin", "-v", "error", "-y", *args, str(path)],
        check=True,
        timeout=120,
    )
    return path


def _picture(size: str, seconds: int = SECONDS) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=25"]


def _sound(seconds: int = SECONDS) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]


H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


@pytest.fixture(scope="session")
def videos(tmp_path_factory) -> dict[str, Path]:
    """name → file: landscape, portrait, rotated (a phone's portrait video stored landscape
    with a rotation), audio-only, two kinds of truncated file, and a text file named .mp4."""
    folder = tmp_path_factory.mktemp("videos")
    files = {
        "landscape": _make(
            folder / "landscape.mp4", *_picture("320x240"), *_sound(), *H264, "-c:a", "aac"
        ),
        "portrait": _make(
            folder / "portrait.mp4", *_picture("240x426"), *_sound(), *H264, "-c:a", "aac"
        ),
        "silent": _make(folder / "silent.mp4", *_picture("320x240"), *H264),
        "audio": _make(folder / "audio.m4a", *_sound(), "-c:a", "aac"),
        "faststart": _make(
            folder / "faststart.mp4",
            *_picture("320x240", 4),
            *_sound(4),
            *H264,
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
        ),
    }
    files["rotated"] = _make(
        folder / "rotated.mp4",
        "-display_rotation",
        "90",
        "-i",
        str(files["landscape"]),
        "-c",
        "copy",
    )
    whole = files["landscape"].read_bytes()
    # The index (moov) is written last by default: the cut-off file has none.
    (folder / "truncated.mp4").write_bytes(whole[: len(whole) * 6 // 10])
    files["truncated"] = folder / "truncated.mp4"
    # With the index first, the cut-off file claims 4 s but holds less than 2 s.
    fast = files["faststart"].read_bytes()
    (folder / "truncated-faststart.mp4").write_bytes(fast[: len(fast) // 2])
    files["truncated_faststart"] = folder / "truncated-faststart.mp4"
    (folder / "notes.mp4").write_text(
        "培训通知：本周五下午两点在三楼会议室。\n" * 50, encoding="utf-8"
    )
    files["text"] = folder / "notes.mp4"
    return files


@pytest.fixture(scope="session")
def long_video(tmp_path_factory) -> Path:
    """Long enough that a transcode is still running when a test acts on it."""
    folder = tmp_path_factory.mktemp("long-video")
    return _make(
        folder / "long.mp4",
        *_picture("640x360", 20),
        *_sound(20),
        *H264,
        "-c:a",
        "aac",
    )


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


def item_create(path: Path, *, media_type: str, title: str = ""):
    """A media item saved straight from a file, as a script or a later API might: it skips
    the upload form, so only the pipeline's own probe stands between it and publishing."""
    from media.models import MediaItem

    with path.open("rb") as content:
        return MediaItem.objects.create(
            title=title or path.stem, type=media_type, file=File(content, name=path.name)
        )


def wait_for(item, statuses, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item.refresh_from_db()
        if item.status in statuses:
            return item
        time.sleep(0.1)
    raise AssertionError(f"media item {item.pk} still {item.status} after {timeout}s")
