"""The nightly run of every integrity detector (courses reads coverage, so the run that needs
both lives here; coverage keeps the signals and the check-in detector)."""

import datetime

from django.utils import timezone

from courses.integrity.exams import fast_exam_signals_find
from courses.integrity.learning import (
    credit_refused_signals_find,
    shared_device_signals_find,
    two_devices_signals_find,
)
from coverage.integrity.checkins import checkin_cluster_signals_find
from coverage.integrity.services import integrity_signals_upsert

DETECTORS = (
    shared_device_signals_find,
    two_devices_signals_find,
    credit_refused_signals_find,
    fast_exam_signals_find,
    checkin_cluster_signals_find,
)
# Each night looks two days back: a row written late (a queued heartbeat, a session verified
# the next morning) is still seen, and what was seen before is found again, not added twice.
LOOKBACK = datetime.timedelta(days=2)


def integrity_signals_detect(*, since: datetime.datetime | None = None) -> int:
    """Run every detector over the rows since `since` (default: LOOKBACK ago) and store what
    they found by fingerprint; returns the number of signals found (new or again)."""
    since = since or timezone.now() - LOOKBACK
    return sum(integrity_signals_upsert(found=detector(since)) for detector in DETECTORS)
