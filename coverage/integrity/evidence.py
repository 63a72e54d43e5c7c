"""Small shapes shared by the detectors' evidence: times as local ISO text, short devices, and
the enterprises that should see a person's signal."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from coverage.models import RosterEntry


def local_time(value) -> str:
    """A database time (a datetime, or SQLite's UTC text in raw SQL) as local ISO text."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return timezone.localtime(value).isoformat(timespec="seconds")


def device_short(device: str) -> str:
    """Enough of the random device cookie to tell devices apart on screen, not to replay it."""
    return device[:8]


def roster_enterprises(person_ids) -> dict[int, list[int]]:
    """The enterprises with each person on their active roster (one query): they see the
    person's signals. A person on no roster (an open course's learner) has none."""
    found: dict[int, list[int]] = {}
    rows = RosterEntry.objects.filter(person_id__in=set(person_ids), end_date__isnull=True)
    for person_id, enterprise_id in rows.values_list("person_id", "enterprise_id").distinct():
        found.setdefault(person_id, []).append(enterprise_id)
    return found
