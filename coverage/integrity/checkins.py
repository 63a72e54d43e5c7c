"""The check-in detector: several people checked in to one session from one device."""

import datetime

from django.db.models import Count

from coverage.integrity.evidence import device_short, local_time
from coverage.integrity.found import FoundSignal
from coverage.models import Attendance, IntegritySignal

# The check-in flag already marks a second person on a phone (a couple sharing one is common);
# a signal asks for a cluster.
CLUSTER_PEOPLE = 3
EVIDENCE_ROWS = 50


def checkin_cluster_signals_find(since: datetime.datetime) -> list[FoundSignal]:
    """Sessions where one device checked in CLUSTER_PEOPLE people or more since `since`: one
    signal per session and device, for the organiser, with the check-ins as evidence."""
    live = Attendance.objects.filter(checked_in_at__gte=since, removed_at__isnull=True).exclude(
        device=""
    )
    clusters = list(
        live.values("session_id", "device", "session__organiser_id", "session__title")
        .annotate(people=Count("person", distinct=True))
        .filter(people__gte=CLUSTER_PEOPLE)
        .order_by("session_id", "device")
    )
    if not clusters:
        return []
    rows = (
        live.filter(
            session_id__in={c["session_id"] for c in clusters},
            device__in={c["device"] for c in clusters},
        )
        .select_related("person")
        .order_by("checked_in_at")
    )
    by_cluster: dict[tuple, list] = {}
    for row in rows:
        by_cluster.setdefault((row.session_id, row.device), []).append(
            {
                "attendance": row.pk,
                "name": row.person.name,
                "id_masked": row.person.id_number_masked,
                "at": local_time(row.checked_in_at),
                "method": row.checkin_method,
            }
        )
    found = []
    for cluster in clusters:
        checkins = by_cluster.get((cluster["session_id"], cluster["device"]), [])
        found.append(
            FoundSignal(
                kind=IntegritySignal.Kind.CHECKIN_CLUSTER,
                subject=f"{cluster['session_id']}|{cluster['device']}",
                enterprise_id=cluster["session__organiser_id"],
                session_id=cluster["session_id"],
                evidence={
                    "device": device_short(cluster["device"]),
                    "session": cluster["session__title"],
                    "people": cluster["people"],
                    "checkins": checkins[:EVIDENCE_ROWS],
                },
            )
        )
    return found
