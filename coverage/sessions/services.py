"""Offline sessions: who may attend, check-in and check-out, verification (the flags on where a
check-in came from are in coverage/sessions/flags.py).

Attendance turns into a TrainingRecord (through coverage.services.training_record) once it is
verified: present for the session's minimum minutes, and checked out when the session asks.
"""

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coverage.designations.selectors import enterprises_key
from coverage.models import (
    Attendance,
    AttendanceChange,
    Enterprise,
    Person,
    RosterEntry,
    TrainingSession,
    TrainingTarget,
)
from coverage.services import person_find, training_record
from coverage.sessions import tokens
from coverage.sessions.checkin_write import attendance_insert
from coverage.sessions.flags import FAR_FROM_VENUE_METRES, attendance_source_flag
from coverage.sessions.geo import Location, distance_metres

CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
CHECKOUT_CLOSES_AFTER = datetime.timedelta(minutes=60)


class CheckinRefused(Exception):
    """A check-in that cannot be accepted; `message` is shown to the worker as it is."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


REFUSALS = {
    "expired": _(
        "This QR code has expired. Please scan the code on the screen at the venue again."
    ),
    "not_open": _("Check-in for this session has not opened yet. It opens 30 minutes before."),
    "closed": _("Check-in for this session has closed."),
    "checkout_not_open": _("Check-out is not open for this session now."),
    "not_invited": _(
        "You are not among the participants of this session. If you think this is wrong, "
        "please ask the organiser."
    ),
    "not_checked_in": _("You have not checked in to this session, so you cannot check out."),
    "removed": _("The organiser has removed your attendance. Please ask the organiser."),
    "location_missing": _(
        "This session accepts check-ins only at the venue, and your phone did not share its "
        "location. Please allow location access for this site in your browser, then tap "
        "check in again."
    ),
    "confirmation_wrong": _(
        "The confirmation number is wrong or has changed. Please type the number shown now "
        "on the screen beside the QR code."
    ),
}
LOCATION_OUTSIDE = _(
    "Your phone is %(distance)s m from the venue; this session accepts check-ins only within "
    "%(radius)s m. Please check in at the venue."
)
# A worker's own check-in from their phone: only these can be asked for a location and a
# confirmation number (at the desk the organiser sees the person).
SELF_METHODS = {Attendance.Method.ROTATING, Attendance.Method.STATIC}
# Methods that prove less than a rotating code scanned at the venue, and the flag they carry.
WEAKER_METHOD_FLAGS = {
    Attendance.Method.STATIC: Attendance.Flag.STATIC_CODE,
    Attendance.Method.PERSONAL_CODE: Attendance.Flag.PERSONAL_CODE,
    Attendance.Method.ID_NUMBER: Attendance.Flag.ID_NUMBER,
}


def refuse(code: str) -> CheckinRefused:
    return CheckinRefused(code, REFUSALS[code])


def session_is_invited(*, session: TrainingSession, person: Person) -> bool:
    return _invitations(session=session, person=person).exists()


def _invitations(*, session: TrainingSession, person: Person) -> QuerySet[RosterEntry]:
    """The person's current roster entries that invite them to the session."""
    entries = RosterEntry.objects.filter(person=person, end_date__isnull=True).order_by()
    if session.audience == TrainingSession.Audience.ROSTER:
        return entries.filter(enterprise=session.organiser_id)
    if session.audience == TrainingSession.Audience.ENTERPRISES:
        return entries.filter(
            Q(enterprise__in=session.invited_enterprises.all()) | Q(enterprise=session.organiser_id)
        )
    # Key in the session's year: the designations in force when it is held.
    year = timezone.localtime(session.starts_at).year
    return entries.filter(
        enterprise__in=enterprises_key(Enterprise.objects.all(), first_year=year, last_year=year)
    )


def _check_window(session: TrainingSession, now: datetime.datetime, direction: str) -> None:
    if direction == "in":
        if now < session.starts_at - CHECKIN_OPENS_BEFORE:
            raise refuse("not_open")
        if now > session.ends_at:
            raise refuse("closed")
    elif not (session.starts_at <= now <= session.ends_at + CHECKOUT_CLOSES_AFTER):
        raise refuse("checkout_not_open")


def _check_presence(
    session: TrainingSession, *, distance: int | None, confirmation: str | None, now
) -> None:
    """Refuse a worker's own check-in that the session's location or confirmation number rule
    does not let through."""
    if session.location_required and session.latitude is not None:
        if distance is None:
            raise refuse("location_missing")
        if distance > session.location_radius_m:
            message = LOCATION_OUTSIDE % {
                "distance": distance,
                "radius": session.location_radius_m,
            }
            raise CheckinRefused("location_outside", message)
    if session.confirmation_required and not tokens.confirmation_check(
        session, "in", confirmation or "", now=now.timestamp()
    ):
        raise refuse("confirmation_wrong")


def checkin_window_check(*, session: TrainingSession, direction: str, now=None) -> None:
    """Raise CheckinRefused when the session does not take check-ins (or -outs) now."""
    _check_window(session, now or timezone.now(), direction)


def attendance_check_in(
    *,
    session: TrainingSession,
    person: Person,
    method: str,
    device: str = "",
    ip_address: str | None = None,
    location: Location | None = None,
    confirmation: str | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Attendance, bool]:
    """Check the person in once; a repeat (double tap, rescan, retry) returns the first one.
    A worker's own check-in must also pass the session's location and confirmation rules."""
    now = now or timezone.now()
    distance = None
    if location and session.latitude is not None and session.longitude is not None:
        venue = Location(float(session.latitude), float(session.longitude))
        distance = distance_metres(location, venue)
    try:
        _check_window(session, now, "in")
        if method in SELF_METHODS:
            _check_presence(session, distance=distance, confirmation=confirmation, now=now)
    except CheckinRefused:
        # A repeat after check-in has closed still shows the check-in that was made.
        existing = _attendance_existing(session=session, person=person)
        if existing is None:
            raise
        return existing, False
    flags = [WEAKER_METHOD_FLAGS[method]] if method in WEAKER_METHOD_FLAGS else []
    if distance is not None and distance > FAR_FROM_VENUE_METRES:
        flags.append(Attendance.Flag.FAR_FROM_VENUE)
    attendance = Attendance(
        session=session,
        person=person,
        checked_in_at=now,
        checkin_method=method,
        device=device[:64],
        ip_address=ip_address,
        distance_m=distance,
        # Rounded to about 100 m (see the field): enough to find two check-ins far apart.
        latitude=round(location.latitude, 3) if location else None,
        longitude=round(location.longitude, 3) if location else None,
        flags=[str(flag) for flag in flags],
    )
    # In a transaction of its own, the flags' query after its commit (checkin_write.py).
    inserted, counted = attendance_insert(
        attendance, invitations=_invitations(session=session, person=person)
    )
    if not inserted:
        existing = _attendance_existing(session=session, person=person)
        if existing is None:
            raise refuse("not_invited")
        return existing, False
    attendance.flags += attendance_source_flag(attendance=attendance, counted=counted)
    return attendance, True


def _attendance_existing(*, session: TrainingSession, person: Person) -> Attendance | None:
    """The person's check-in to the session, if any; refused when the organiser removed it."""
    existing = (
        Attendance.objects.select_related("session", "person")
        .filter(session=session, person=person)
        .first()
    )
    if existing and existing.removed_at:
        raise refuse("removed")
    return existing


def attendance_check_out(
    *, session: TrainingSession, person: Person, method: str, now=None
) -> Attendance:
    now = now or timezone.now()
    attendance = Attendance.objects.filter(session=session, person=person).first()
    if attendance is None:
        raise refuse("not_checked_in")
    if attendance.removed_at:
        raise refuse("removed")
    if attendance.checked_out_at is None:
        _check_window(session, now, "out")
        attendance.checked_out_at = now
        attendance.checkout_method = method
        attendance.save(update_fields=["checked_out_at", "checkout_method"])
    attendance_verify(attendance=attendance, now=now)
    return attendance


def minutes_present(attendance: Attendance, *, now: datetime.datetime) -> int:
    session = attendance.session
    start = max(attendance.checked_in_at, session.starts_at)
    if session.checkout_required:
        if attendance.checked_out_at is None:
            return 0
        end = min(attendance.checked_out_at, session.ends_at)
    else:
        end = min(now, session.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


def _targets_of(session: TrainingSession) -> list[TrainingTarget] | None:
    targets = list(session.targets.all())
    return targets or None


@transaction.atomic
def attendance_verify(*, attendance: Attendance, now=None) -> bool:
    """Verify the attendance when it qualifies and record the training (once)."""
    now = now or timezone.now()
    if attendance.removed_at:
        return False
    if attendance.verified_at:
        return True
    session = attendance.session
    if not session.checkout_required and now < session.ends_at:
        return False
    if minutes_present(attendance, now=now) < session.min_minutes:
        return False
    record, _created = training_record(
        person=attendance.person,
        kind=TrainingTarget.Kind.OFFLINE,
        occurred_on=timezone.localdate(session.starts_at),
        title=session.title,
        source_key=f"session:{session.pk}",
        hours=session.hours,
        targets=_targets_of(session),
    )
    attendance.verified_at = now
    attendance.record = record
    attendance.save(update_fields=["verified_at", "record"])
    return True


def session_verify(*, session: TrainingSession, now=None) -> int:
    """Verify every qualifying attendance of an ended session; returns how many are verified."""
    now = now or timezone.now()
    verified = 0
    for attendance in session.attendances.filter(removed_at__isnull=True).select_related(
        "person", "session"
    ):
        verified += attendance_verify(attendance=attendance, now=now)
    if now >= session.ends_at and session.verified_at is None:
        session.verified_at = now
        session.save(update_fields=["verified_at"])
    return verified


def sessions_verify_ended(*, now=None) -> int:
    """Periodic: verify sessions that have ended (and whose check-out window has closed)."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(
        verified_at__isnull=True, ends_at__lte=now - CHECKOUT_CLOSES_AFTER
    )
    return sum(session_verify(session=session, now=now) for session in sessions)


@transaction.atomic
def attendance_manual_add(
    *, session: TrainingSession, id_number: str, user, reason: str
) -> Attendance:
    """The organiser adds a person who was there (phone dead, no signal), with a reason."""
    person = person_find(id_number=id_number)
    if person is None or not session_is_invited(session=session, person=person):
        raise refuse("not_invited")
    attendance, created = Attendance.objects.get_or_create(
        session=session,
        person=person,
        defaults={
            "checked_in_at": session.starts_at,
            "checkin_method": Attendance.Method.MANUAL,
            "checked_out_at": session.ends_at if session.checkout_required else None,
            "checkout_method": Attendance.Method.MANUAL if session.checkout_required else "",
        },
    )
    action = AttendanceChange.Action.ADD
    if not created and attendance.removed_at:
        attendance.removed_at = None
        attendance.save(update_fields=["removed_at"])
        action = AttendanceChange.Action.RESTORE
    AttendanceChange.objects.create(attendance=attendance, action=action, reason=reason, user=user)
    attendance_verify(attendance=attendance)
    return attendance


@transaction.atomic
def attendance_remove(*, attendance: Attendance, user, reason: str) -> Attendance:
    """The organiser removes a check-in (someone scanned for a colleague); its training goes."""
    attendance.removed_at = timezone.now()
    attendance.verified_at = None
    record = attendance.record
    attendance.record = None
    attendance.save(update_fields=["removed_at", "verified_at", "record"])
    if record is not None:
        record.delete()
    AttendanceChange.objects.create(
        attendance=attendance, action=AttendanceChange.Action.REMOVE, reason=reason, user=user
    )
    return attendance
