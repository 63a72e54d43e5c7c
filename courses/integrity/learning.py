"""Detectors over what online learning logged (courses PlaybackEvent) and, for devices, the
check-ins beside it. Each is a GROUP BY with a HAVING: the database finds the few suspects,
Python only shapes their evidence."""

import datetime

from django.db import connection
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDate

from courses.integrity.sql import local_day, time_param
from courses.models import PlaybackEvent
from coverage.integrity.evidence import device_short, local_time, roster_enterprises
from coverage.integrity.found import FoundSignal
from coverage.models import Attendance, IntegritySignal, Person

# Different people on one device in one day (a phone checking in or playing for others).
SHARED_DEVICE_PEOPLE = 2
# Takeovers from a device still playing, in one day: one is a learner moving from phone to
# computer; back and forth is two devices playing at once.
TAKEOVERS_PER_DAY = 2
# Heartbeats refused for claiming more than real time, in one day: a sped-up or duplicated
# player keeps hitting the limit, a dead spot does not.
REFUSALS_PER_DAY = 5
EVIDENCE_ROWS = 50


def shared_device_signals_find(since: datetime.datetime) -> list[FoundSignal]:
    """Devices used by SHARED_DEVICE_PEOPLE people or more on one day, to check in (across
    sessions) or to play lessons: one signal per device, day and enterprise of those people."""
    uses = f"""
        SELECT a.device AS device, a.person_id AS person_id, a.checked_in_at AS at,
               'checkin' AS source
        FROM {Attendance._meta.db_table} a
        WHERE a.device <> '' AND a.checked_in_at >= %s AND a.removed_at IS NULL
        UNION ALL
        SELECT e.device, p.id, e.at, 'play'
        FROM {PlaybackEvent._meta.db_table} e
        JOIN {Person._meta.db_table} p ON p.user_id = e.user_id
        WHERE e.kind = 'play' AND e.device <> '' AND e.at >= %s
    """
    sql = f"""
        WITH uses AS ({uses}),
        days AS (SELECT device, {local_day("at")} AS day, person_id, source, at FROM uses),
        shared AS (
            SELECT device, day FROM days GROUP BY device, day
            HAVING COUNT(DISTINCT person_id) >= %s
        )
        SELECT d.device, d.day, d.person_id, d.source, MIN(d.at), MAX(d.at), COUNT(*)
        FROM days d JOIN shared s ON s.device = d.device AND s.day = d.day
        GROUP BY d.device, d.day, d.person_id, d.source
        ORDER BY d.device, d.day, d.person_id, d.source
    """
    since_param = time_param(since)
    with connection.cursor() as cursor:
        cursor.execute(sql, [since_param, since_param, SHARED_DEVICE_PEOPLE])
        rows = cursor.fetchall()
    if not rows:
        return []
    people = Person.objects.in_bulk({row[2] for row in rows})
    enterprises = roster_enterprises(people)
    groups: dict[tuple, list] = {}
    for device, day, person_id, source, first, last, count in rows:
        groups.setdefault((device, str(day)), []).append(
            (person_id, source, local_time(first), local_time(last), count)
        )
    found = []
    for (device, day), uses_of_device in groups.items():
        person_ids = {use[0] for use in uses_of_device}
        for enterprise_id in sorted({e for p in person_ids for e in enterprises.get(p, [])}):
            accounts = []
            for person_id, source, first, last, count in uses_of_device:
                person = people[person_id]
                # Another enterprise's worker is counted, not named, on this one's screen.
                own = enterprise_id in enterprises.get(person_id, [])
                accounts.append(
                    {
                        "name": person.name if own else "",
                        "id_masked": person.id_number_masked if own else "",
                        "source": source,
                        "first": first,
                        "last": last,
                        "count": count,
                    }
                )
            found.append(
                FoundSignal(
                    kind=IntegritySignal.Kind.SHARED_DEVICE,
                    subject=f"{device}|{day}",
                    enterprise_id=enterprise_id,
                    evidence={
                        "device": device_short(device),
                        "day": day,
                        "people": len(person_ids),
                        "uses": accounts,
                    },
                )
            )
    return found


def _person_days(kind: str, since: datetime.datetime, minimum: int):
    """(person, day) pairs with at least `minimum` events of the kind since `since`."""
    return list(
        PlaybackEvent.objects.filter(kind=kind, at__gte=since, user__person__isnull=False)
        .annotate(day=TruncDate("at"))
        .values("user__person", "user_id", "day")
        .annotate(
            n=Count("pk"),
            first=Min("at"),
            last=Max("at"),
            claimed=Sum("claimed_seconds"),
            accepted=Sum("accepted_seconds"),
        )
        .filter(n__gte=minimum)
        .order_by("user__person", "day")
    )


def _events_by_person_day(kind: str, since: datetime.datetime, suspects: list[dict]) -> dict:
    events = (
        PlaybackEvent.objects.filter(
            kind=kind, at__gte=since, user_id__in={s["user_id"] for s in suspects}
        )
        .select_related("video__lesson")
        .order_by("at")
    )
    grouped: dict[tuple, list] = {}
    for event in events:
        day = local_time(event.at)[:10]
        grouped.setdefault((event.user_id, day), []).append(event)
    return grouped


def _person_signals(kind: str, suspects: list[dict], evidence_of) -> list[FoundSignal]:
    enterprises = roster_enterprises(s["user__person"] for s in suspects)
    return [
        FoundSignal(
            kind=kind,
            subject=f"{suspect['user__person']}|{suspect['day']}",
            enterprise_id=enterprise_id,
            person_id=suspect["user__person"],
            evidence=evidence_of(suspect),
        )
        for suspect in suspects
        for enterprise_id in enterprises.get(suspect["user__person"], [])
    ]


def _lesson(event: PlaybackEvent) -> str:
    return event.video.lesson.title if event.video else ""


def two_devices_signals_find(since: datetime.datetime) -> list[FoundSignal]:
    """People whose lease was taken over TAKEOVERS_PER_DAY times or more in a day from a device
    that was still playing: two devices playing one account's lessons at once."""
    kind = PlaybackEvent.Kind.TAKEOVER
    suspects = _person_days(kind, since, TAKEOVERS_PER_DAY)
    if not suspects:
        return []
    events = _events_by_person_day(kind, since, suspects)

    def evidence_of(suspect: dict) -> dict:
        rows = events.get((suspect["user_id"], str(suspect["day"])), [])
        return {
            "day": str(suspect["day"]),
            "takeovers": suspect["n"],
            "devices": sorted(
                {device_short(d) for e in rows for d in (e.device, e.other_device) if d}
            ),
            "events": [
                {
                    "at": local_time(e.at),
                    "device": device_short(e.device),
                    "from_device": device_short(e.other_device),
                    "from_last_beat": local_time(e.other_beat_at),
                    "lesson": _lesson(e),
                }
                for e in rows[:EVIDENCE_ROWS]
            ],
        }

    return _person_signals(IntegritySignal.Kind.TWO_DEVICES, suspects, evidence_of)


def credit_refused_signals_find(since: datetime.datetime) -> list[FoundSignal]:
    """People whose heartbeats were refused credit REFUSALS_PER_DAY times or more in a day for
    claiming more study than real time allows (a sped-up player, several tabs, a script)."""
    kind = PlaybackEvent.Kind.REFUSED
    suspects = _person_days(kind, since, REFUSALS_PER_DAY)
    if not suspects:
        return []
    events = _events_by_person_day(kind, since, suspects)

    def evidence_of(suspect: dict) -> dict:
        rows = events.get((suspect["user_id"], str(suspect["day"])), [])
        return {
            "day": str(suspect["day"]),
            "refusals": suspect["n"],
            "first": local_time(suspect["first"]),
            "last": local_time(suspect["last"]),
            "claimed_seconds": round(suspect["claimed"] or 0),
            "credited_seconds": round(suspect["accepted"] or 0),
            "events": [
                {
                    "at": local_time(e.at),
                    "device": device_short(e.device),
                    "claimed": e.claimed_seconds,
                    "credited": e.accepted_seconds,
                    "lesson": _lesson(e),
                }
                for e in rows[:EVIDENCE_ROWS]
            ],
        }

    return _person_signals(IntegritySignal.Kind.CREDIT_REFUSED, suspects, evidence_of)
