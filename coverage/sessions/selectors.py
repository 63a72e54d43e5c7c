"""Reads behind the session pages: what an organiser or regulator lists and watches."""

from django.db.models import Count, Q, QuerySet, Subquery

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
    """The session with its organiser and, as `person_pk`, the key of the person bound to the
    user (None when unbound): one query where a check-in would otherwise spend two."""
    person = Person.objects.filter(user=user).values("pk")[:1]
    return (
        TrainingSession.objects.select_related("organiser")
        .annotate(person_pk=Subquery(person))
        .filter(pk=pk)
        .first()
    )
