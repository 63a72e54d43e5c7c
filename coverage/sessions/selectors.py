"""Reads behind the session pages: what an organiser or regulator lists and watches."""

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
