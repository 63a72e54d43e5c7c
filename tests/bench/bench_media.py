"""The video pipeline's wall time ÷ the wall time of the same ffmpeg commands run directly,
measured in the same run on the same source (target ≤ 1.10).

The floor is media.ffmpeg.transcode_commands() — the HLS ladder encode, the MP4 remux and the
poster — run one after another by subprocess. The pipeline is everything an upload costs:
probing, the tail check, the same commands with progress written to the database (throttled),
the outputs' check, moving them into media storage and publishing. With --worker it also includes
Celery: enqueue on the broker → a real worker process → status "ready" seen by the caller.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench \\
        .venv/bin/python -m tests.bench.bench_media [--seconds 30] [--size 1280x720] [--runs 5]
    # through a real worker (Redis recommended: the filesystem broker polls once a second)
    DATABASE_URL=... CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python -m tests.bench.bench_media --worker

The figure "transcode_pipeline_vs_ffmpeg" (wall seconds of the median pair: a pipeline run and
the floor run beside it; goal ≤ 1.10; with --worker "transcode_pipeline_worker_vs_ffmpeg") goes
to var/bench/summary.json through tests/bench/summary.py; its note has the other ratios and the
load average.
Not a test: nothing here fails on a slow figure. It fails when the pipeline does not reach
"ready", because then the ratio would mean nothing.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

TARGET = 1.10


def _setup(scratch: Path) -> None:
    # Settings read these at import: media, ffmpeg's scratch space and (unless Redis is named)
    # the filesystem broker's queue go to a folder of ours, never the development ones.
    os.environ.setdefault("VAR_DIR", str(scratch / "var"))
    os.environ["MEDIA_ROOT"] = str(scratch / "media-root")
    os.environ["MEDIA_WORK_DIR"] = str(scratch / "media-work")
    from tests.bench.database import bench_django_setup

    bench_django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _source(scratch: Path, *, seconds: int, size: str) -> Path:
    from media import ffmpeg

    path = scratch / f"source-{size}-{seconds}s.mp4"
    ffmpeg.run(
        [
            ffmpeg.tools("bundled").ffmpeg,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=duration={seconds}:size={size}:rate=30",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(path),
        ],
        deadline=time.monotonic() + 600,
    )
    return path


def _floor(source: Path, scratch: Path) -> float:
    """The transcode commands alone, as the pipeline would run them."""
    from django.conf import settings

    from media import ffmpeg
    from media.services import media_encoding, media_tools

    tools = media_tools()
    info = ffmpeg.probe(source, tools=tools)
    out = scratch / f"floor-{uuid.uuid4().hex[:8]}"
    out.mkdir()
    commands, _outputs = ffmpeg.transcode_commands(
        source,
        out,
        info=info,
        ladder=settings.MEDIA_VIDEO_LADDER,
        encoding=media_encoding(),
        tools=tools,
    )
    cpu = _cpu_here()
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    cpu = _cpu_here() - cpu
    shutil.rmtree(out)
    return elapsed, cpu


def _item(source: Path):
    from django.core.files import File

    from media.models import MediaItem

    with source.open("rb") as content:
        return MediaItem.objects.create(
            title="bench", type="video", file=File(content, name=source.name)
        )


def _cpu_here() -> float:
    """CPU seconds of this process and its finished children (the ffmpeg runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _cpu_tree(root: int) -> float:
    """CPU seconds of a process, its live descendants and the children they reaped."""
    parents, ticks = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        ticks[int(entry)] = sum(int(value) for value in fields[11:15])
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def _pipeline_in_process(source: Path, worker=None) -> tuple[float, float]:
    from media import ffmpeg
    from media.models import MediaItem
    from media.services import media_item_transcode, media_tools

    item = _item(source)
    # The upload's probe is part of the pipeline too.
    cpu = _cpu_here()
    started = time.perf_counter()
    info = ffmpeg.probe(item.file.path, tools=media_tools())
    MediaItem.objects.filter(pk=item.pk).update(
        status=MediaItem.Status.QUEUED, duration=info.duration
    )
    status = media_item_transcode(item_id=item.pk, run_id=uuid.uuid4().hex)
    elapsed = time.perf_counter() - started
    cpu = _cpu_here() - cpu
    _check(item, status)
    return elapsed, cpu


def _pipeline_worker(source: Path, worker) -> tuple[float, float]:
    from django.db import transaction

    from media import ffmpeg
    from media.models import MediaItem
    from media.services import media_item_accept, media_tools

    item = _item(source)
    worker_cpu = _cpu_tree(worker.process.pid)
    started = time.perf_counter()
    upload_cpu = _cpu_here()
    with transaction.atomic():
        media_item_accept(item=item, info=ffmpeg.probe(item.file.path, tools=media_tools()))
    # The upload's probe counts; this process's waiting below does not.
    upload_cpu = _cpu_here() - upload_cpu
    while True:
        item.refresh_from_db(fields=["status", "failure_code"])
        if item.status in (MediaItem.Status.READY, MediaItem.Status.FAILED):
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    cpu = upload_cpu + _cpu_tree(worker.process.pid) - worker_cpu
    _check(item, item.status)
    return elapsed, cpu


def _check(item, status) -> None:
    from media.models import MediaItem

    item.refresh_from_db()
    if status != MediaItem.Status.READY:
        item.delete()
        sys.exit(f"The pipeline ended {status} ({item.failure_code}): no ratio to report.")
    item.delete()


class _Worker:
    def __init__(self, log: Path):
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                "media",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"bench-media-{os.getpid()}@%h",
            ],
            env=os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, log: Path, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in log.read_text():
                return
            if self.process.poll() is not None:
                sys.exit(f"The Celery worker exited:\n{log.read_text()}")
            time.sleep(0.2)
        sys.exit(f"The Celery worker did not start:\n{log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def _seconds(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def _report(
    floors: list[tuple[float, float]],
    pipelines: list[tuple[float, float]],
    *,
    context: str,
    worker: bool,
) -> None:
    # Other work on the machine only ever adds time: the best run of each is the steadiest
    # figure, the median the typical one; CPU seconds depend less on the load. Each pipeline
    # run beside the floor run next to it in time (paired) cancels the load's slow drift.
    from tests.bench.summary import figure_record

    floor_wall, floor_cpu = [w for w, _c in floors], [c for _w, c in floors]
    pipe_wall, pipe_cpu = [w for w, _c in pipelines], [c for _w, c in pipelines]
    rows = [
        ("wall, median", statistics.median(floor_wall), statistics.median(pipe_wall)),
        ("wall, best run", min(floor_wall), min(pipe_wall)),
        ("CPU, median", statistics.median(floor_cpu), statistics.median(pipe_cpu)),
    ]
    print(f"   {'':<16}{'ffmpeg commands s':>18}{'pipeline s':>12}{'ratio':>8}   target ≤ {TARGET}")
    for label, floor, piped in rows:
        ratio = piped / floor
        verdict = "ok" if ratio <= TARGET else "SLOW"
        print(f"   {label:<16}{floor:>18.2f}{piped:>12.2f}{ratio:>8.3f}   {verdict}")
    paired = statistics.median(p / f for p, f in zip(pipe_wall, floor_wall, strict=True))
    print(f"   wall, paired runs' median ratio {paired:.3f}")
    print(f"   wall runs: ffmpeg {_seconds(floor_wall)}; pipeline {_seconds(pipe_wall)}")
    print(f"   CPU runs:  ffmpeg {_seconds(floor_cpu)}; pipeline {_seconds(pipe_cpu)}")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"   load average {load}")
    median, best, cpu = (piped / floor for _label, floor, piped in rows)
    # The median pair: on a shared machine each side's median or best run moves with the
    # neighbours' load, a pipeline run and the floor run beside it mostly move together.
    pairs = sorted(zip(pipe_wall, floor_wall, strict=True), key=lambda pair: pair[0] / pair[1])
    ours, floor = pairs[(len(pairs) - 1) // 2]
    figure_record(
        "transcode_pipeline_worker_vs_ffmpeg" if worker else "transcode_pipeline_vs_ffmpeg",
        ours=ours,
        floor=floor,
        goal=TARGET,
        better="lower",
        unit="s",
        note=(
            f"{context}; the median of {len(floors)} alternated pairs; ratio of the medians "
            f"{median:.3f}, of the best runs {best:.3f}, CPU {cpu:.3f}; load average {load}"
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of the source video")
    parser.add_argument("--size", default="1280x720", help="source picture size")
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each")
    parser.add_argument("--worker", action="store_true", help="through a real Celery worker")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-media-"))
    worker = None
    try:
        _setup(scratch)
        from django.conf import settings

        from media.services import media_tools

        source = _source(scratch, seconds=args.seconds, size=args.size)
        tools = media_tools()
        context = (
            f"{args.size}, {args.seconds} s; {tools.origin} ffmpeg; preset "
            f"{settings.MEDIA_X264_PRESET}; {'Celery worker' if args.worker else 'in process'}"
        )
        print(
            f"\nVideo pipeline ÷ the same ffmpeg commands run directly "
            f"({context}; ladder {settings.MEDIA_VIDEO_LADDER}; "
            f"{args.runs} runs of each after a warm-up)"
        )
        if args.worker:
            log = scratch / "worker.log"
            worker = _Worker(log)
            worker.wait_ready(log)
            pipeline = _pipeline_worker
        else:
            pipeline = _pipeline_in_process
        _floor(source, scratch)
        pipeline(source, worker)
        floors, pipelines = [], []
        for run in range(args.runs):
            # Alternate which goes first, so a change in the machine's load hits both alike.
            if run % 2:
                pipelines.append(pipeline(source, worker))
                floors.append(_floor(source, scratch))
            else:
                floors.append(_floor(source, scratch))
                pipelines.append(pipeline(source, worker))
        _report(floors, pipelines, context=context, worker=args.worker)
    finally:
        if worker:
            worker.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
