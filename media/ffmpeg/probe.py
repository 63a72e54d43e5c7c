"""What a file holds, and which ffmpeg runs: probing with ffprobe, or without it.

Two binaries are supported: Debian's (ffmpeg + ffprobe) and the one in the imageio-ffmpeg wheel,
which has no ffprobe, so probing falls back to reading what `ffmpeg -i` prints.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

# Formats ffmpeg recognises that are not video or audio a person could watch.
NOT_MEDIA_FORMATS = {"tty", "image2", "image2pipe", "lavfi", "srt", "webvtt", "ass", "txt"}
TRUNCATION_SIGNS = ("moov atom not found", "partial file", "truncat", "end of file")
STDERR_TAIL_CHARS = 2000


class ProbeError(Exception):
    """The file is not something we can transcode; `code` says why (see media.failures)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Tools:
    ffmpeg: str
    ffprobe: str | None
    origin: str


def tools(choice: str = "auto") -> Tools:
    """The binaries to run: "auto" prefers Debian's ffmpeg, else the imageio-ffmpeg wheel's."""
    system_ffmpeg = shutil.which("ffmpeg")
    if choice == "auto":
        choice = "system" if system_ffmpeg else "bundled"
    if choice == "system":
        if not system_ffmpeg:
            raise FileNotFoundError("MEDIA_FFMPEG is 'system' but no ffmpeg is on PATH")
        return Tools(ffmpeg=system_ffmpeg, ffprobe=shutil.which("ffprobe"), origin="system")
    if choice == "bundled":
        import imageio_ffmpeg

        return Tools(ffmpeg=imageio_ffmpeg.get_ffmpeg_exe(), ffprobe=None, origin="bundled")
    path = Path(choice)
    if not path.is_file():
        raise FileNotFoundError(f"MEDIA_FFMPEG points at {choice}, which is not a file")
    sibling = path.with_name("ffprobe")
    return Tools(
        ffmpeg=str(path), ffprobe=str(sibling) if sibling.is_file() else None, origin="path"
    )


@dataclass(frozen=True)
class VideoInfo:
    """What a file holds. width × height is the picture as shown: rotation and SAR applied."""

    duration: float | None
    format_name: str
    video_codec: str = ""
    audio_codec: str = ""
    width: int = 0
    height: int = 0
    rotation: int = 0
    fps: float = 0.0

    @property
    def has_video(self) -> bool:
        return bool(self.video_codec)

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_codec)

    def as_dict(self) -> dict:
        return asdict(self)


def probe(path: str | Path, *, tools: Tools, check_tail: bool = True) -> VideoInfo:
    """Read the file's streams and its last second; raise ProbeError when unusable."""
    path = str(path)
    if tools.ffprobe:
        info, tail_error = _probe_ffprobe(path, tools.ffprobe), None
    else:
        # One ffmpeg run both describes the file and reads its last second.
        info, tail_error = _probe_stderr(path, tools, check_tail=check_tail)
    if info.format_name in NOT_MEDIA_FORMATS or info.format_name.endswith("_pipe"):
        raise ProbeError("not_media", f"format {info.format_name}")
    if not info.has_video and not info.has_audio:
        raise ProbeError("not_media", "no video or audio stream")
    if not info.duration or info.duration <= 0:
        raise ProbeError("no_duration", f"format {info.format_name}")
    if tail_error:
        raise tail_error
    if check_tail and tools.ffprobe:
        _check_tail(path, tools)
    return info


# The first bytes of the containers people upload. ffmpeg guesses a format from the file name
# too, so a text file called .mp4 fails like a cut-off MP4 ("moov atom not found"): only a file
# that starts like a media container was cut off or damaged.
_SIGNATURES = (
    (4, b"ftyp"),  # MP4, MOV, M4A, 3GP
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska, WebM
    (0, b"RIFF"),  # AVI, WAV
    (0, b"OggS"),
    (0, b"FLV"),
    (0, b"ID3"),  # MP3
    (0, b"fLaC"),
    (0, b"\x00\x00\x01\xba"),  # MPEG program stream
    (0, b"\x30\x26\xb2\x75"),  # ASF, WMV
)


def _starts_like_media(path: str) -> bool:
    with open(path, "rb") as file:
        head = file.read(16)
    if any(head[offset : offset + len(magic)] == magic for offset, magic in _SIGNATURES):
        return True
    return head[:1] == b"\x47" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf1")


def _classify_failure(path: str, stderr: str) -> ProbeError:
    tail = stderr[-STDERR_TAIL_CHARS:]
    if _starts_like_media(path) and any(sign in stderr.lower() for sign in TRUNCATION_SIGNS):
        return ProbeError("truncated", tail)
    return ProbeError("not_media", tail)


def _display_size(width: int, height: int, sar: tuple[int, int], rotation: int) -> tuple[int, int]:
    num, den = sar
    if num > 0 and den > 0 and num != den:
        width = round(width * num / den)
    if rotation in (90, 270):
        width, height = height, width
    return width, height


def _normal_rotation(value: float) -> int:
    return round(value / 90.0) * 90 % 360


def _probe_ffprobe(path: str, ffprobe: str) -> VideoInfo:
    completed = subprocess.run(
        [ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        raise _classify_failure(path, completed.stderr)
    data = json.loads(completed.stdout or "{}")
    fmt = data.get("format", {})
    video = next(
        (
            s
            for s in data.get("streams", [])
            if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
        ),
        None,
    )
    audio = next((s for s in data.get("streams", []) if s.get("codec_type") == "audio"), None)
    duration = _float(fmt.get("duration"))
    info = {"duration": duration, "format_name": fmt.get("format_name", "")}
    if audio:
        info["audio_codec"] = audio.get("codec_name", "audio")
    if video:
        rotation = 0
        for side in video.get("side_data_list", []):
            if "rotation" in side:
                rotation = _normal_rotation(float(side["rotation"]))
        if "rotate" in video.get("tags", {}):
            rotation = _normal_rotation(-float(video["tags"]["rotate"]))
        sar = _ratio(video.get("sample_aspect_ratio", "1:1"), ":")
        width, height = _display_size(
            int(video.get("width", 0)), int(video.get("height", 0)), sar, rotation
        )
        num, den = _ratio(video.get("avg_frame_rate", "0/1"), "/")
        info.update(
            video_codec=video.get("codec_name", "video"),
            width=width,
            height=height,
            rotation=rotation,
            fps=round(num / den, 3) if den else 0.0,
        )
    return VideoInfo(**info)


_INPUT = re.compile(r"^Input #0, (?P<format>[^ ]+), from ", re.MULTILINE)
_DURATION = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d+):(?P<s>[\d.]+)")
_STREAM = re.compile(r"^\s*Stream #0:\d+.*?: (?P<kind>Video|Audio): (?P<codec>\w+)(?P<rest>.*)$")
_SIZE = re.compile(r", (?P<w>\d{1,5})x(?P<h>\d{1,5})")
_SAR = re.compile(r"SAR (?P<num>\d+):(?P<den>\d+)")
_FPS = re.compile(r", (?P<fps>[\d.]+k?) (?:fps|tbr)")
_ROTATION = re.compile(r"display ?matrix: rotation of (?P<deg>-?[\d.]+) degrees", re.IGNORECASE)


def _probe_stderr(
    path: str, tools: Tools, *, check_tail: bool
) -> tuple[VideoInfo, ProbeError | None]:
    """What `ffmpeg -i` prints about the file, and, with `check_tail`, the error reading its
    last second raises (ffmpeg prints the input's description before it seeks)."""
    command = [tools.ffmpeg, "-hide_banner", "-nostdin", "-i", path]
    if check_tail:
        command = [*command[:3], *_TAIL_INPUT, "-i", path, *_TAIL_OUTPUT]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )
    found = _INPUT.search(completed.stderr)
    if not found:
        raise _classify_failure(path, completed.stderr)
    # The input's description ends where the output's begins (its streams look the same).
    description = completed.stderr.partition("\nStream mapping:")[0]
    return _described(description, found), _tail_error(completed) if check_tail else None


def _described(stderr: str, found: re.Match) -> VideoInfo:
    info: dict = {"format_name": found.group("format").rstrip(","), "duration": None}
    if duration := _DURATION.search(stderr):
        info["duration"] = (
            int(duration.group("h")) * 3600
            + int(duration.group("m")) * 60
            + float(duration.group("s"))
        )
    lines = stderr[found.start() :].splitlines()
    for index, line in enumerate(lines):
        stream = _STREAM.match(line)
        if not stream:
            continue
        rest = stream.group("rest")
        if stream.group("kind") == "Audio":
            info.setdefault("audio_codec", stream.group("codec"))
            continue
        if "attached pic" in rest or "video_codec" in info:
            continue
        size = _SIZE.search(rest)
        sar = _SAR.search(rest)
        fps = _FPS.search(rest)
        rotation = 0
        # Side data follows its stream on the next lines, until the next stream.
        for follower in lines[index + 1 :]:
            if _STREAM.match(follower):
                break
            if turned := _ROTATION.search(follower):
                rotation = _normal_rotation(float(turned.group("deg")))
        width, height = _display_size(
            int(size.group("w")) if size else 0,
            int(size.group("h")) if size else 0,
            (int(sar.group("num")), int(sar.group("den"))) if sar else (1, 1),
            rotation,
        )
        info.update(
            video_codec=stream.group("codec"),
            width=width,
            height=height,
            rotation=rotation,
            fps=_fps(fps.group("fps")) if fps else 0.0,
        )
    return VideoInfo(**info)


# A file cut short keeps its header's duration, but its last second cannot be read. The
# packets are copied, not decoded: cheap however long the file and its keyframe gaps.
_TAIL_INPUT = ["-sseof", "-1"]
_TAIL_OUTPUT = [
    "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy", "-f", "null", "-",
    "-progress", "pipe:1", "-nostats",
]  # fmt: skip


def _check_tail(path: str, tools: Tools) -> None:
    quiet = [tools.ffmpeg, "-hide_banner", "-nostdin", "-v", "error"]
    completed = subprocess.run(
        [*quiet, *_TAIL_INPUT, "-i", path, *_TAIL_OUTPUT],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )
    if error := _tail_error(completed):
        raise error


def _tail_error(completed: subprocess.CompletedProcess) -> ProbeError | None:
    decoded_us = max(
        (int(v) for v in re.findall(r"^out_time_us=(-?\d+)$", completed.stdout, re.MULTILINE)),
        default=0,
    )
    # Log lines only: the indented description of the file quotes its metadata, which could
    # say "partial file" too.
    logged = (line for line in completed.stderr.splitlines() if not line[:1].isspace())
    if completed.returncode != 0 or decoded_us <= 0 or any("partial file" in x for x in logged):
        return ProbeError("truncated", completed.stderr[-STDERR_TAIL_CHARS:])
    return None


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _fps(text: str) -> float:
    return float(text[:-1]) * 1000 if text.endswith("k") else float(text)


def _ratio(text: str, sep: str) -> tuple[int, int]:
    try:
        num, den = (int(part) for part in text.split(sep))
    except ValueError:
        return 0, 0
    return num, den
