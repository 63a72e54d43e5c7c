"""Reads behind the session pages: what an organiser or regulator lists and watches."""

import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet

from coverage.jurisdiction import sessions_in_scope
from coverage.models import Person, TrainingSession


def sessions_listed(*, user) -> QuerySet[TrainingSession]:
    """The sessions the user may see, by start, each with its count of people checked in."""
    return (
        sessions_in_scope(user)
        .select_related("organiser", "region")
        .annotate(checked_in=Count("attendances", filter=Q(attendances__removed_at__isnull=True)))
        .order_by("starts_at")
    )


def sessions_in_period(
    sessions: QuerySet[TrainingSession], *, period: str, now: datetime.datetime
) -> QuerySet[TrainingSession]:
    """The list's tabs: "current" (running or still to come, soonest first) or "past" (ended,
    the latest first, which is what an organiser looks back for)."""
    if period == "past":
        return sessions.filter(ends_at__lt=now).order_by("-starts_at")
    return sessions.filter(ends_at__gte=now).order_by("starts_at")


def sessions_period_counts(*, user, now: datetime.datetime) -> dict[str, int]:
    """How many sessions each tab holds, and how many run now, in one query."""
    return sessions_in_scope(user).aggregate(
        current=Count("pk", filter=Q(ends_at__gte=now)),
        running=Count("pk", filter=Q(starts_at__lte=now, ends_at__gte=now)),
        past=Count("pk", filter=Q(ends_at__lt=now)),
    )


def session_attendance_count(*, session: TrainingSession, direction: str) -> int:
    """People checked in (or out, for direction "out") and not removed: the screen's count."""
    filled = "checked_out_at__isnull" if direction == "out" else "checked_in_at__isnull"
    return session.attendances.filter(removed_at__isnull=True, **{filled: False}).count()


def checkin_session_find(*, pk: int, user) -> TrainingSession | None:
    """The session and, as `person_pk`, the key of the person bound to the user (None when
    unbound): the first read of a check-in, which a whole hall makes within a minute."""
    # In SQL: compiling this (a subquery beside the session) through the ORM took several
    # times as long as running it (tests/bench/bench_checkin.py), on every check-in POST.
    quote = connection.ops.quote_name
    sql = (
        f"SELECT s.*, (SELECT p.{quote('id')} FROM {quote(Person._meta.db_table)} p "
        f"WHERE p.{quote('user_id')} = %s) AS person_pk "
        f"FROM {quote(TrainingSession._meta.db_table)} s WHERE s.{quote('id')} = %s"
    )
    return next(iter(TrainingSession.objects.raw(sql, [user.pk, pk])), None)
