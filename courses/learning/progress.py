"""Honest video progress: what the server credits from a player's heartbeats.

The player reports the intervals it really played since its last heartbeat, the wall-clock
seconds it spent playing them and a sequence number. The server, not the player, decides:

- a video counts as watched when merged watched intervals cover ≥ 90 % of its duration
  (the duration is the server's, from the media pipeline's probe);
- what was skipped by seeking ahead is simply never reported as played, and cannot be
  claimed later without playing it, because of the next rule;
- no heartbeat earns more than the wall-clock time it claims to have taken, and an account
  never earns faster than real time passes: credit comes out of a bucket that real time
  refills, holding at most COURSES_CREDIT_BANK_SECONDS (enough for heartbeats queued through a
  dead spot), and a new lease or device does not refill it: playing at 2× earns 1×;
- one account plays on one device: starting playback takes the lease over and the old
  device's heartbeats are refused (it pauses);
- without a sign of a person (play pressed, the page touched, "还在学习吗？" answered) for
  COURSES_IDLE_SECONDS before a heartbeat, it earns nothing until the learner confirms;
- heartbeats are idempotent by sequence number (a retried one is acknowledged, not counted
  twice), and merging intervals is idempotent too.

Interval union is hand-written: it is a dozen lines over a handful of pairs, smaller than
any dependency that would do it.
"""

import datetime
import math
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courses.learning.services import lesson_complete, lesson_progress_open
from courses.models import Enrolment, LessonPage, PlaybackEvent, PlaybackLease, VideoProgress

WATCHED_SHARE = 0.9
# Network jitter and timer granularity between the player's clock and the server's.
CLOCK_SLACK_SECONDS = 3.0
BEAT_SLACK_SECONDS = 1.0
# A lease whose device beat this recently was still playing when another device took it.
TAKEOVER_ACTIVE = datetime.timedelta(seconds=60)
# Refused seconds below this are jitter, not a sped-up or duplicated player: not logged.
REFUSED_LOGGED_SECONDS = 5.0


def intervals_merge(intervals: list[list[float]]) -> list[list[float]]:
    """The union of [start, end] intervals, sorted and non-overlapping."""
    merged: list[list[float]] = []
    for start, end in sorted((float(a), float(b)) for a, b in intervals if b > a):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def intervals_length(intervals: list[list[float]]) -> float:
    return sum(end - start for start, end in intervals)


def intervals_trim(intervals: list[list[float]], allowance: float) -> list[list[float]]:
    """The earliest `allowance` seconds of sorted intervals: what real time could have played."""
    kept = []
    for start, end in intervals:
        if allowance <= 0:
            break
        end = min(end, start + allowance)
        kept.append([start, round(end, 1)])
        allowance -= end - start
    return kept


def intervals_clean(raw, duration: float) -> list[list[float]]:
    """Claimed intervals from untrusted JSON: numbers, inside the video, merged."""
    cleaned = []
    if not isinstance(raw, list):
        return cleaned
    for pair in raw[:200]:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            continue
        try:
            start, end = (float(value) for value in pair)
        except (TypeError, ValueError, OverflowError):
            continue
        if not (math.isfinite(start) and math.isfinite(end)):
            continue
        start, end = max(0.0, min(start, duration)), max(0.0, min(end, duration))
        if end > start:
            cleaned.append([round(start, 1), round(end, 1)])
    return intervals_merge(cleaned)


def video_share_missing(*, videos: list[VideoProgress | None]) -> int:
    """Percentage points still to watch of the least-watched video not yet counted as watched
    (None: never started); 0 when every video counts. At least 1 while one does not: a percent
    rounds down, the 90 % rule does not."""
    needed = round(WATCHED_SHARE * 100)
    missing = [
        max(1, needed - (video.percent if video else 0))
        for video in videos
        if video is None or video.completed_at is None
    ]
    return max(missing, default=0)


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.COURSES_IDLE_SECONDS)


@dataclass
class BeatResult:
    state: str  # "ok", "duplicate", "idle", "taken_over"
    video: VideoProgress | None = None
    accepted: float = 0.0

    def as_json(self) -> dict:
        data = {"state": self.state, "accepted": round(self.accepted, 1)}
        if self.video:
            data |= {
                "watched": round(self.video.watched_seconds, 1),
                "percent": self.video.percent,
                "position": self.video.position,
                "completed": self.video.completed_at is not None,
            }
        return data


def video_progress_for(*, enrolment: Enrolment, lesson: LessonPage, media) -> VideoProgress:
    """The learner's progress in one video; its duration follows the media item's (a file
    replaced by the editor changes what 90 % means)."""
    duration = float(media.duration or 0)
    video, created = VideoProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson, media=media, defaults={"duration": duration}
    )
    if not created and duration and video.duration != duration:
        video.duration = duration
        video.save(update_fields=["duration", "updated_at"])
    return video


def video_play(*, user, video: VideoProgress, device: str = "") -> PlaybackLease:
    """Play on this device: a new lease, so any other device of the account stops earning.
    The play is logged with its device, and a takeover from another device that was still
    playing is logged with that device (the integrity detectors read both)."""
    now = timezone.now()
    device = device[:64]
    with transaction.atomic():
        previous = PlaybackLease.objects.select_for_update().filter(user=user).first()
        events = [
            PlaybackEvent(
                user=user, kind=PlaybackEvent.Kind.PLAY, at=now, device=device, video=video
            )
        ]
        if (
            previous is not None
            and previous.device != device
            and now - previous.last_beat_at <= TAKEOVER_ACTIVE
        ):
            events.append(
                PlaybackEvent(
                    user=user,
                    kind=PlaybackEvent.Kind.TAKEOVER,
                    at=now,
                    device=device,
                    video=video,
                    other_device=previous.device,
                    other_beat_at=previous.last_beat_at,
                )
            )
        PlaybackEvent.objects.bulk_create(events)
        lease, _ = PlaybackLease.objects.update_or_create(
            user=user,
            defaults={
                "token": uuid.uuid4(),
                "video": video,
                "device": device,
                "started_at": now,
                "last_beat_at": now,
                "last_presence_at": now,
                "credited_seconds": 0,
                "last_seq": 0,
            },
            create_defaults={
                "token": uuid.uuid4(),
                "video": video,
                "device": device,
                "started_at": now,
                "last_beat_at": now,
                "last_presence_at": now,
                "credit_clock": now,
            },
        )
    return lease


def video_beat(
    *,
    user,
    video: VideoProgress,
    token: str,
    seq: int,
    intervals,
    elapsed: float,
    position: float,
    present: bool,
) -> BeatResult:
    """Credit one heartbeat under the rules in this module's docstring."""
    now = timezone.now()
    with transaction.atomic():
        lease = PlaybackLease.objects.select_for_update().filter(user=user).first()
        if lease is None or str(lease.token) != str(token) or lease.video_id != video.pk:
            return BeatResult("taken_over")
        video = VideoProgress.objects.select_for_update().get(pk=video.pk)
        if seq <= lease.last_seq:
            return BeatResult("duplicate", video)
        lease.last_seq = seq
        lease.last_beat_at = now
        # Absent for too long before this heartbeat: what it claims is not counted, whatever
        # it says about the learner now; they confirm, and playing counts again.
        if now - lease.last_presence_at > idle_limit():
            lease.save(update_fields=["last_seq", "last_beat_at"])
            return BeatResult("idle", video)
        if present:
            lease.last_presence_at = now

        claimed = intervals_clean(intervals, video.duration)
        bank = datetime.timedelta(seconds=settings.COURSES_CREDIT_BANK_SECONDS)
        clock = max(lease.credit_clock or lease.started_at, now - bank)
        available = (now - clock).total_seconds() + CLOCK_SLACK_SECONDS
        allowance = max(0.0, min(max(elapsed, 0.0) + BEAT_SLACK_SECONDS, available))
        accepted = intervals_trim(claimed, allowance)
        accepted_seconds = intervals_length(accepted)
        lease.credit_clock = clock + datetime.timedelta(seconds=accepted_seconds)
        lease.credited_seconds += accepted_seconds
        lease.save()
        claimed_seconds = intervals_length(claimed)
        if claimed_seconds - accepted_seconds >= REFUSED_LOGGED_SECONDS:
            PlaybackEvent.objects.create(
                user=user,
                kind=PlaybackEvent.Kind.REFUSED,
                at=now,
                device=lease.device,
                video=video,
                claimed_seconds=round(claimed_seconds, 1),
                accepted_seconds=round(accepted_seconds, 1),
            )

        video.intervals = intervals_merge([*video.intervals, *accepted])
        video.watched_seconds = round(intervals_length(video.intervals), 1)
        video.position = round(max(0.0, min(float(position), video.duration)), 1)
        newly_watched = (
            video.completed_at is None
            and video.duration > 0
            and video.watched_seconds >= WATCHED_SHARE * video.duration
        )
        if newly_watched:
            video.completed_at = now
        video.save()
    if newly_watched:
        lesson = LessonPage.objects.get(pk=video.lesson_id)
        lesson_complete(progress=lesson_progress_open(enrolment=video.enrolment, lesson=lesson))
    return BeatResult("ok", video, accepted_seconds)
