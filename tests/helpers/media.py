"""Test videos made by ffmpeg's lavfi test sources (with the ffmpeg of the imageio-ffmpeg wheel,
so a fresh machine can), and helpers to put them through the pipeline and watch it."""

import subprocess
import time
from pathlib import Path

from django.core.files import File

from media import ffmpeg

SECONDS = 2


def video_make(path: Path, *args: str) -> Path:
    bundled = ffmpeg.tools("bundled").ffmpeg
    subprocess.run(
        [bundled, "-hide_banner", "-nostdin", "-v", "error", "-y", *args, str(path)],
        check=True,
        timeout=120,
    )
    return path


def picture(size: str, seconds: int = SECONDS) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=25"]


def sound(seconds: int = SECONDS) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]


H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


def videos_make(folder: Path) -> dict[str, Path]:
    """name → file: landscape, portrait, rotated (a phone's portrait video stored landscape
    with a rotation), audio-only, two kinds of truncated file, and a text file named .mp4."""
    files = {
        "landscape": video_make(
            folder / "landscape.mp4", *picture("320x240"), *sound(), *H264, "-c:a", "aac"
        ),
        "portrait": video_make(
            folder / "portrait.mp4", *picture("240x426"), *sound(), *H264, "-c:a", "aac"
        ),
        "silent": video_make(folder / "silent.mp4", *picture("320x240"), *H264),
        "audio": video_make(folder / "audio.m4a", *sound(), "-c:a", "aac"),
        "faststart": video_make(
            folder / "faststart.mp4",
            *picture("320x240", 4),
            *sound(4),
            *H264,
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
        ),
    }
    files["rotated"] = video_make(
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


def long_video_make(folder: Path) -> Path:
    """Long enough that a transcode is still running when a test acts on it."""
    return video_make(
        folder / "long.mp4",
        *picture("640x360", 20),
        *sound(20),
        *H264,
        "-c:a",
        "aac",
    )


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
