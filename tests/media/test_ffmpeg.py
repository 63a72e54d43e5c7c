"""media/ffmpeg/ on real files, with each ffmpeg this machine has: the wheel's (always, and
the only one on a fresh machine) and Debian's with ffprobe when installed."""

import os
import shutil
import time

import pytest

from media import ffmpeg
from media.ffmpeg import Encoding, VideoInfo, ladder_for

TOOLSETS = ["bundled"] + (["system"] if shutil.which("ffmpeg") else [])


@pytest.fixture(params=TOOLSETS)
def tools(request):
    return ffmpeg.tools(request.param)


def test_the_wheel_ffmpeg_has_no_ffprobe_and_still_probes(videos):
    bundled = ffmpeg.tools("bundled")
    assert bundled.ffprobe is None
    assert ffmpeg.probe(videos["landscape"], tools=bundled).width == 320


def test_auto_prefers_the_system_ffmpeg_when_there_is_one():
    chosen = ffmpeg.tools("auto")
    assert chosen.origin == ("system" if shutil.which("ffmpeg") else "bundled")


def test_a_path_that_is_not_a_binary_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        ffmpeg.tools(str(tmp_path / "no-ffmpeg"))


def test_probe_reads_landscape_video_with_sound(videos, tools):
    info = ffmpeg.probe(videos["landscape"], tools=tools)
    assert (info.width, info.height, info.rotation) == (320, 240, 0)
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert info.fps == pytest.approx(25)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")


def test_probe_reads_portrait_video(videos, tools):
    info = ffmpeg.probe(videos["portrait"], tools=tools)
    assert (info.width, info.height) == (240, 426)


def test_probe_reports_a_rotated_phone_video_as_shown(videos, tools):
    info = ffmpeg.probe(videos["rotated"], tools=tools)
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (240, 320)


def test_probe_reads_audio_only(videos, tools):
    info = ffmpeg.probe(videos["audio"], tools=tools)
    assert not info.has_video
    assert info.audio_codec == "aac"
    assert info.duration == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("truncated", "truncated"),
        ("truncated_faststart", "truncated"),
        ("text", "not_media"),
    ],
)
def test_probe_refuses_bad_files_with_the_reason(videos, tools, name, code):
    with pytest.raises(ffmpeg.ProbeError) as refused:
        ffmpeg.probe(videos[name], tools=tools)
    assert refused.value.code == code


def test_probe_refuses_a_still_picture(tmp_path, tools):
    picture = tmp_path / "photo.mp4"
    ffmpeg.run(
        [
            ffmpeg.tools("bundled").ffmpeg,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240",
            "-frames:v",
            "1",
            "-f",
            "image2",
            "-c:v",
            "mjpeg",
            str(picture),
        ],
        deadline=time.monotonic() + 60,
    )
    with pytest.raises(ffmpeg.ProbeError) as refused:
        ffmpeg.probe(picture, tools=tools)
    assert refused.value.code in ("not_media", "no_duration")


def _info(width, height):
    return VideoInfo(duration=10, format_name="mp4", video_codec="h264", width=width, height=height)


LADDER = [(360, 600), (540, 1200), (720, 2000)]


@pytest.mark.parametrize(
    ("width", "height", "sizes"),
    [
        (1920, 1080, [(640, 360), (960, 540), (1280, 720)]),
        (1080, 1920, [(360, 640), (540, 960), (720, 1280)]),
        (1280, 720, [(640, 360), (960, 540), (1280, 720)]),
        (960, 540, [(640, 360), (960, 540)]),
        (854, 480, [(640, 360)]),
        (320, 240, [(320, 240)]),
        (240, 426, [(240, 426)]),
        (1440, 1080, [(480, 360), (720, 540), (960, 720)]),
        (1000, 1000, [(360, 360), (540, 540), (720, 720)]),
        (321, 241, [(320, 240)]),
    ],
)
def test_ladder_keeps_the_aspect_ratio_and_never_upscales(width, height, sizes):
    rungs = ladder_for(_info(width, height), LADDER)
    assert [(r.width, r.height) for r in rungs] == sizes
    assert all(r.width % 2 == 0 and r.height % 2 == 0 for r in rungs)


def test_ladder_names_rungs_by_their_short_side():
    assert [r.name for r in ladder_for(_info(720, 1280), LADDER)] == ["360p", "540p", "720p"]


def test_transcode_writes_ladder_fallback_and_poster(videos, tools, tmp_path):
    info = ffmpeg.probe(videos["landscape"], tools=tools)
    outputs = ffmpeg.transcode(
        videos["landscape"],
        tmp_path / "out",
        info=info,
        ladder=[(120, 200), (240, 400)],
        encoding=Encoding(segment_seconds=1),
        tools=tools,
        timeout=120,
    )
    assert [(r.width, r.height) for r in outputs.renditions] == [(160, 120), (320, 240)]
    master = (tmp_path / "out" / outputs.hls_master).read_text()
    assert "RESOLUTION=160x120" in master and "RESOLUTION=320x240" in master
    for rung in outputs.renditions:
        played = ffmpeg.probe(tmp_path / "out/hls" / rung.name / "index.m3u8", tools=tools)
        assert (played.width, played.height) == (rung.width, rung.height)
        assert played.duration == pytest.approx(2.0, abs=0.15)
        assert len(list((tmp_path / "out/hls" / rung.name).glob("seg_*.ts"))) == 2
    assert outputs.duration == pytest.approx(2.0, abs=0.15)
    assert (tmp_path / "out/poster.jpg").stat().st_size > 1000


def test_outputs_last_as_long_as_ffmpeg_encoded_not_as_the_source_claims(videos, tools, tmp_path):
    # Past the probe's tail check (as a file cut off in a way it misses would be): its header
    # says 4 s, half the file is there, and the outputs' duration must say so.
    info = ffmpeg.probe(videos["truncated_faststart"], tools=tools, check_tail=False)
    assert info.duration == pytest.approx(4.0, abs=0.1)
    outputs = ffmpeg.transcode(
        videos["truncated_faststart"],
        tmp_path / "out",
        info=info,
        ladder=[(240, 400)],
        encoding=Encoding(segment_seconds=1),
        tools=tools,
        timeout=120,
    )
    encoded = ffmpeg.probe(tmp_path / "out" / outputs.fallback, tools=tools, check_tail=False)
    assert outputs.duration == pytest.approx(encoded.duration, abs=0.15)
    assert outputs.duration < 2.5


def test_audio_item_keeps_only_the_sound_of_a_file_with_a_picture(videos, tools, tmp_path):
    info = ffmpeg.probe(videos["landscape"], tools=tools)
    outputs = ffmpeg.transcode(
        videos["landscape"],
        tmp_path / "out",
        info=info,
        ladder=LADDER,
        encoding=Encoding(),
        tools=tools,
        timeout=120,
        audio_only=True,
    )
    assert (outputs.fallback, outputs.hls_master, outputs.poster) == ("audio.m4a", "", "")
    recording = ffmpeg.probe(tmp_path / "out/audio.m4a", tools=tools)
    assert not recording.has_video and recording.has_audio
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["audio.m4a"]


def test_transcode_stops_ffmpeg_at_the_time_limit(long_video, tmp_path):
    tools = ffmpeg.tools("bundled")
    info = ffmpeg.probe(long_video, tools=tools)
    started = time.monotonic()
    with pytest.raises(ffmpeg.TranscodeTimeout):
        ffmpeg.transcode(
            long_video,
            tmp_path / "out",
            info=info,
            ladder=LADDER,
            encoding=Encoding(preset="medium"),
            tools=tools,
            timeout=0.5,
        )
    assert time.monotonic() - started < 5
    assert not _ffmpeg_children()


def test_progress_callback_can_stop_ffmpeg(long_video, tmp_path):
    tools = ffmpeg.tools("bundled")
    info = ffmpeg.probe(long_video, tools=tools)
    seen = []

    class Enough(Exception):
        pass

    def on_progress(fraction):
        seen.append(fraction)
        if fraction > 0.05:
            raise Enough

    with pytest.raises(Enough):
        ffmpeg.transcode(
            long_video,
            tmp_path / "out",
            info=info,
            ladder=LADDER,
            encoding=Encoding(),
            tools=tools,
            timeout=120,
            on_progress=on_progress,
        )
    assert seen == sorted(seen)
    assert 0 < seen[-1] < 0.95
    assert not _ffmpeg_children()


def _ffmpeg_children() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"ffmpeg" in command and fields[0] != "Z":
            found.append(int(entry))
    return found
