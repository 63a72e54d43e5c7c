"""The transcode command lines: an HLS ladder, an MP4 (or M4A) fallback and a poster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ffmpeg as ffmpeg_python

from media.ffmpeg.probe import Tools, VideoInfo


@dataclass(frozen=True)
class Rung:
    """One rendition: named by its short side ("360p"), portrait or landscape as the source."""

    name: str
    width: int
    height: int
    video_kbps: int


def _even(value: float) -> int:
    # Down to even (x264 needs even sizes): never a pixel more than the source has.
    return max(2, int(value // 2) * 2)


def ladder_for(info: VideoInfo, ladder: Sequence[tuple[int, int]]) -> list[Rung]:
    """The rungs of `ladder` (short side, kbit/s) at or below the source; never upscaled."""
    short_side = min(info.width, info.height)
    long_side = max(info.width, info.height)
    steps = sorted(ladder)
    chosen = [(side, kbps) for side, kbps in steps if side <= short_side]
    if not chosen:
        # Smaller than the lowest rung: one rendition at the source's own size.
        chosen = [(short_side, steps[0][1])]
    rungs = []
    for side, kbps in chosen:
        short = _even(side)
        long = _even(long_side * side / short_side)
        width, height = (long, short) if info.width >= info.height else (short, long)
        rungs.append(Rung(name=f"{short}p", width=width, height=height, video_kbps=kbps))
    return rungs


@dataclass(frozen=True)
class Encoding:
    segment_seconds: int = 4
    audio_kbps: int = 96
    preset: str = "veryfast"
    crf: int = 23
    # The MP4 fallback is the highest rung up to this short side: small enough for phones.
    fallback_max_short_side: int = 540


@dataclass
class Outputs:
    """Files written under the destination folder, as paths relative to it."""

    fallback: str
    hls_master: str = ""
    poster: str = ""
    renditions: list[Rung] = field(default_factory=list)
    duration: float | None = None


def transcode_commands(
    src: str | Path,
    dst_dir: str | Path,
    *,
    info: VideoInfo,
    ladder: Sequence[tuple[int, int]],
    encoding: Encoding,
    tools: Tools,
    audio_only: bool = False,
) -> tuple[list[list[str]], Outputs]:
    """The ffmpeg command lines that turn `src` into the outputs, in order, and those outputs.

    `audio_only` (an audio item) keeps only the sound, even of a file that has a picture.
    """
    src, dst = str(src), Path(dst_dir)
    if audio_only or not info.has_video:
        command = (
            ffmpeg_python.input(src)
            .output(
                str(dst / "audio.m4a"),
                vn=None,
                acodec="aac",
                audio_bitrate=f"{encoding.audio_kbps}k",
                movflags="+faststart",
            )
            .compile(cmd=tools.ffmpeg)
        )
        return [_with_globals(command, progress=True)], Outputs(fallback="audio.m4a")

    rungs = ladder_for(info, ladder)
    source = ffmpeg_python.input(src)
    pictures = source.video.filter_multi_output("split", len(rungs))
    streams, options, variants = [], {}, []
    for index, rung in enumerate(rungs):
        streams.append(pictures[index].filter("scale", rung.width, rung.height).filter("setsar", 1))
        options[f"maxrate:v:{index}"] = f"{rung.video_kbps}k"
        options[f"bufsize:v:{index}"] = f"{rung.video_kbps * 2}k"
        variant = f"v:{index}"
        if info.has_audio:
            streams.append(source.audio)
            variant += f",a:{index}"
        variants.append(f"{variant},name:{rung.name}")
    if info.has_audio:
        options.update({"c:a": "aac", "b:a": f"{encoding.audio_kbps}k"})
    hls = ffmpeg_python.output(
        *streams,
        str(dst / "hls" / "%v" / "index.m3u8"),
        f="hls",
        hls_time=encoding.segment_seconds,
        hls_playlist_type="vod",
        hls_flags="independent_segments",
        hls_segment_filename=str(dst / "hls" / "%v" / "seg_%03d.ts"),
        master_pl_name="master.m3u8",
        var_stream_map=" ".join(variants),
        pix_fmt="yuv420p",
        crf=encoding.crf,
        preset=encoding.preset,
        sc_threshold=0,
        # Segments split only on keyframes: one at every segment boundary, whatever the fps.
        force_key_frames=f"expr:gte(t,n_forced*{encoding.segment_seconds})",
        **{"c:v": "libx264", "profile:v": "main"},
        **options,
    ).compile(cmd=tools.ffmpeg)

    fallback = max(
        (r for r in rungs if min(r.width, r.height) <= encoding.fallback_max_short_side),
        key=lambda r: r.width * r.height,
        default=rungs[0],
    )
    # The fallback is the chosen rung's segments put into one MP4: no second encode.
    remux = (
        ffmpeg_python.input(str(dst / "hls" / fallback.name / "index.m3u8"))
        .output(str(dst / "video.mp4"), c="copy", movflags="+faststart")
        .compile(cmd=tools.ffmpeg)
    )
    top = rungs[-1]
    poster_at = min((info.duration or 0) * 0.1, 5.0)
    poster = (
        ffmpeg_python.input(src, ss=f"{poster_at:.3f}")
        .filter("scale", top.width, top.height)
        .output(str(dst / "poster.jpg"), vframes=1, **{"q:v": 3})
        .compile(cmd=tools.ffmpeg)
    )
    commands = [
        _with_globals(hls, progress=True),
        _with_globals(remux, progress=False),
        _with_globals(poster, progress=False),
    ]
    return commands, Outputs(
        fallback="video.mp4",
        hls_master="hls/master.m3u8",
        poster="poster.jpg",
        renditions=rungs,
    )


def _with_globals(command: list[str], *, progress: bool) -> list[str]:
    extra = ["-hide_banner", "-nostdin", "-y", "-v", "error"]
    if progress:
        extra += ["-progress", "pipe:1", "-nostats"]
    return [command[0], *extra, *command[1:]]


def sample_command(dst: str | Path, *, seconds: int, tools: Tools) -> list[str]:
    """A test picture with a tone, `seconds` long, as an H.264/AAC MP4 (the demo's film)."""
    return [
        tools.ffmpeg,
        "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=duration={seconds}:size=640x360:rate=25",
        "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", str(dst),
    ]  # fmt: skip
