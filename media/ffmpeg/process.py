"""Running ffmpeg: progress, a deadline, and no ffmpeg left behind by a dead worker."""

from __future__ import annotations

import contextlib
import ctypes
import selectors
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from media.ffmpeg.commands import Encoding, Outputs, transcode_commands
from media.ffmpeg.probe import STDERR_TAIL_CHARS, Tools, VideoInfo


class TranscodeError(Exception):
    """ffmpeg exited with an error; `detail` is the end of what it printed."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class TranscodeTimeout(TranscodeError):
    pass


def transcode(
    src: str | Path,
    dst_dir: str | Path,
    *,
    info: VideoInfo,
    ladder: Sequence[tuple[int, int]],
    encoding: Encoding,
    tools: Tools,
    timeout: float,
    on_progress: Callable[[float], None] | None = None,
    audio_only: bool = False,
) -> Outputs:
    """Write the HLS ladder, MP4 (or M4A) fallback and poster into `dst_dir`.

    `on_progress` gets the fraction done (0..1) and may raise to stop ffmpeg. ffmpeg is killed
    when `timeout` seconds have passed (TranscodeTimeout) and when its caller dies. The outputs'
    duration is the one the encode reported at its end: no second probe of what it wrote.
    """
    dst = Path(dst_dir)
    dst.mkdir(parents=True, exist_ok=True)
    commands, outputs = transcode_commands(
        src, dst, info=info, ladder=ladder, encoding=encoding, tools=tools, audio_only=audio_only
    )
    deadline = time.monotonic() + timeout
    main_share = 0.95

    def report(fraction: float) -> None:
        if on_progress:
            on_progress(min(fraction, 1.0) * main_share)

    for index, command in enumerate(commands):
        # Only the first command encodes; the others take a moment.
        encoded = run(
            command,
            deadline=deadline,
            duration=info.duration,
            on_progress=report if index == 0 else None,
        )
        if index == 0:
            # The remux copies the fallback rung's packets: it lasts as long as the encode.
            outputs.duration = encoded
    for name in (outputs.fallback, outputs.hls_master, outputs.poster):
        if name and not (dst / name).is_file():
            raise TranscodeError(f"ffmpeg finished without writing {name}")
    if on_progress:
        on_progress(1.0)
    return outputs


def run(
    command: list[str],
    *,
    deadline: float,
    duration: float | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> float | None:
    """Run one ffmpeg command; report `-progress` output as a fraction of `duration`.

    Returns the seconds of output ffmpeg last reported (None for a command without `-progress`).
    """
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            preexec_fn=_die_with_parent,
            text=True,
            errors="replace",
        )
        try:
            written = _follow(
                process, deadline=deadline, duration=duration, on_progress=on_progress
            )
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0:
            stderr.seek(0, 2)
            stderr.seek(max(0, stderr.tell() - STDERR_TAIL_CHARS))
            tail = stderr.read().decode("utf-8", "replace")
            raise TranscodeError(f"ffmpeg exited with {process.returncode}: {tail}")
    return written


def _follow(process, *, deadline, duration, on_progress) -> float | None:
    written = None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TranscodeTimeout("ffmpeg ran past the time limit")
            if not selector.select(timeout=min(remaining, 1.0)):
                continue
            line = process.stdout.readline()
            if not line:
                break
            key, _, value = line.strip().partition("=")
            # "N/A" while no packet is out yet; the block ending "progress=end" has the total.
            if key == "out_time_us" and value.isdigit():
                written = int(value) / 1_000_000
                if duration and on_progress:
                    on_progress(written / duration)
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired as exc:
            raise TranscodeTimeout("ffmpeg ran past the time limit") from exc
    return written


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # A worker killed mid-job must not leave ffmpeg running on: the kernel kills it too.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
