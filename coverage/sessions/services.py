"""Offline sessions: who may attend, check-in and check-out, suspicious patterns, verification.

Attendance turns into a TrainingRecord (through coverage.services.training_record) once it is
verified: present for the session's minimum minutes, and checked out when the session asks.
"""

import datetime
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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

CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
CHECKOUT_CLOSES_AFTER = datetime.timedelta(minutes=60)
# An address that checked in this many people of a session, none of them located at the venue
# (see _source_flags for why an address alone is no sign).
SHARED_IP_PEOPLE = 6
# Located check-ins at the venue that clear an address: one faked position is not enough.
VENUE_WITNESSES = 2
FAR_FROM_VENUE_METRES = 1000


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
}


def refuse(code: str) -> CheckinRefused:
    return CheckinRefused(code, REFUSALS[code])


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


def distance_metres(a: Location, b: Location) -> int:
    """Great-circle (haversine) distance; plenty for "is this person at the venue"."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return int(2 * 6_371_000 * math.asin(math.sqrt(h)))


def session_is_invited(*, session: TrainingSession, person: Person) -> bool:
    entries = RosterEntry.objects.filter(person=person, end_date__isnull=True)
    if session.audience == TrainingSession.Audience.ROSTER:
        return entries.filter(enterprise=session.organiser).exists()
    if session.audience == TrainingSession.Audience.ENTERPRISES:
        return entries.filter(
            Q(enterprise__in=session.invited_enterprises.all()) | Q(enterprise=session.organiser)
        ).exists()
    return entries.filter(
        enterprise__is_key=True, enterprise__kind=Enterprise.Kind.ENTERPRISE
    ).exists()


def _check_window(session: TrainingSession, now: datetime.datetime, direction: str) -> None:
    if direction == "in":
        if now < session.starts_at - CHECKIN_OPENS_BEFORE:
            raise refuse("not_open")
        if now > session.ends_at:
            raise refuse("closed")
    elif not (session.starts_at <= now <= session.ends_at + CHECKOUT_CLOSES_AFTER):
        raise refuse("checkout_not_open")


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
    now: datetime.datetime | None = None,
) -> tuple[Attendance, bool]:
    """Check the person in once; a repeat (double tap, rescan, retry) returns the first one."""
    now = now or timezone.now()
    existing = Attendance.objects.filter(session=session, person=person).first()
    if existing:
        if existing.removed_at:
            raise refuse("removed")
        return existing, False
    _check_window(session, now, "in")
    if not session_is_invited(session=session, person=person):
        raise refuse("not_invited")
    distance = None
    if location and session.latitude is not None and session.longitude is not None:
        venue = Location(float(session.latitude), float(session.longitude))
        distance = distance_metres(location, venue)
    flags = [Attendance.Flag.STATIC_CODE] if method == Attendance.Method.STATIC else []
    if distance is not None and distance > FAR_FROM_VENUE_METRES:
        flags.append(Attendance.Flag.FAR_FROM_VENUE)
    device = device[:64]
    shared = _source_flags(session=session, device=device, ip_address=ip_address, distance=distance)
    flags += shared.flags
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                person=person,
                checked_in_at=now,
                checkin_method=method,
                device=device,
                ip_address=ip_address,
                distance_m=distance,
                flags=[str(flag) for flag in flags],
            )
    except IntegrityError:
        # A simultaneous request for the same person won the race: theirs is the check-in.
        return Attendance.objects.get(session=session, person=person), False
    if shared.device_first_sharing:
        _flag_first_of_device(attendance)
    if shared.address_crossed:
        _flag_earlier_of_address(attendance)
    return attendance, True


@dataclass(frozen=True)
class SourceFlags:
    flags: list[str]
    device_first_sharing: bool  # this is the device's second person: flag its first one too
    address_crossed: bool = False  # this made the address suspicious: flag its earlier ones


def _source_flags(
    *, session: TrainingSession, device: str, ip_address: str | None, distance: int | None
) -> SourceFlags:
    """Flags from where a check-in came, counted by one aggregate query (no row loaded)."""
    # Flags only point the organiser at check-ins worth a look, so they must mark anomalies:
    # - One browser (its device cookie) checking in a second person of the session: a phone
    #   has one owner, so this is someone checking in a team, however far apart in time.
    # - An address alone is no sign: a venue's Wi-Fi puts every attendee behind one address,
    #   and mobile carriers put many phones behind one too. What tells a venue's network from
    #   an office where someone checks in a team (private tabs defeat the device cookie) is
    #   whether anybody there is at the venue: an address is flagged once it has checked in
    #   SHARED_IP_PEOPLE people and fewer than VENUE_WITNESSES of its check-ins were located
    #   within FAR_FROM_VENUE_METRES of the venue; crossing the line flags the address's
    #   earlier check-ins too. At a venue a few phones reporting their position clear
    #   everybody on its Wi-Fi, including those who declined the location prompt. A session
    #   without the venue's position cannot tell the two apart: no address flag.
    located = session.latitude is not None and session.longitude is not None
    counts = {}
    if device:
        counts["device_people"] = Count("pk", filter=Q(device=device))
    if ip_address and located:
        counts["address_people"] = Count("pk", filter=Q(ip_address=ip_address))
        counts["address_at_venue"] = Count(
            "pk", filter=Q(ip_address=ip_address, distance_m__lte=FAR_FROM_VENUE_METRES)
        )
    if not counts:
        return SourceFlags([], device_first_sharing=False)
    sources = Q()
    if device:
        sources |= Q(device=device)
    if "address_people" in counts:
        sources |= Q(ip_address=ip_address)
    found = Attendance.objects.filter(sources, session=session).aggregate(**counts)
    flags = []
    device_people = found.get("device_people", 0)
    if device_people:
        flags.append(str(Attendance.Flag.SHARED_DEVICE))
    at_venue = distance is not None and distance <= FAR_FROM_VENUE_METRES
    address_crossed = False
    if (
        "address_people" in counts
        and found["address_at_venue"] + at_venue < VENUE_WITNESSES
        and found["address_people"] + 1 >= SHARED_IP_PEOPLE
    ):
        flags.append(str(Attendance.Flag.SHARED_IP))
        address_crossed = found["address_people"] + 1 == SHARED_IP_PEOPLE
    return SourceFlags(
        flags, device_first_sharing=device_people == 1, address_crossed=address_crossed
    )


def _flag_first_of_device(attendance: Attendance) -> None:
    # Only on the device's second person: the first is the one row not yet flagged, so this
    # stays one read of one row and one update, however many people the device checks in.
    first = (
        Attendance.objects.filter(session=attendance.session, device=attendance.device)
        .exclude(pk=attendance.pk)
        .values_list("pk", "flags")
        .first()
    )
    if first and Attendance.Flag.SHARED_DEVICE not in first[1]:
        Attendance.objects.filter(pk=first[0]).update(
            flags=[*first[1], str(Attendance.Flag.SHARED_DEVICE)]
        )


def _flag_earlier_of_address(attendance: Attendance) -> None:
    # Once per address and session, when it crosses SHARED_IP_PEOPLE: at most that many rows
    # read and written in two queries, however many check in after.
    earlier = (
        Attendance.objects.filter(session=attendance.session, ip_address=attendance.ip_address)
        .exclude(pk=attendance.pk)
        .only("pk", "flags")
    )
    flag = str(Attendance.Flag.SHARED_IP)
    changed = [a for a in earlier if flag not in a.flags]
    for earlier_attendance in changed:
        earlier_attendance.flags = [*earlier_attendance.flags, flag]
    Attendance.objects.bulk_update(changed, ["flags"])


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
