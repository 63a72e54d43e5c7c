"""Check-in flags from where a check-in came: one phone checking in several people, or an
address that checked in a team nobody saw at the venue.

Flags only point the organiser at check-ins worth a look, so they must mark anomalies:
- One browser (its device cookie) checking in a second person of the session: a phone has one
  owner, so this is someone checking in a team, however far apart in time.
- An address alone is no sign: a venue's Wi-Fi puts every attendee behind one address, and
  mobile carriers put many phones behind one too. What tells a venue's network from an office
  where someone checks in a team (private tabs defeat the device cookie) is whether anybody
  there is at the venue: an address is flagged once it has checked in SHARED_IP_PEOPLE people
  and fewer than VENUE_WITNESSES of its check-ins were located within FAR_FROM_VENUE_METRES of
  the venue; crossing the line flags the address's earlier check-ins too. At a venue a few
  phones reporting their position clear everybody on its Wi-Fi, including those who declined
  the location prompt. A session without the venue's position cannot tell the two apart: no
  address flag.

Counted after the check-in has committed, its own row included: of two check-ins racing from
one phone, the later to count sees both, so concurrency never loses a flag. The flags are
added by set-based updates of the rows that lack them, so a check-in costs one count and, when
its source is suspicious, one update per flag, however many check-ins share the source.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, Func, JSONField, Q, Value
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from coverage.models import Attendance
from coverage.sessions.geo import Location, box_degrees, distance_metres

# An address that checked in this many people of a session, too few of them located at the
# venue (see the module's docstring for why an address alone is no sign).
SHARED_IP_PEOPLE = 6
# Located check-ins at the venue that clear an address: one faked position is not enough.
VENUE_WITNESSES = 2
FAR_FROM_VENUE_METRES = 1000
# Two check-ins of one session this far apart within this time: one of them cannot be in the
# hall, typically a link forwarded live to someone at home. Wide enough for a phone located by
# its cell tower rather than GPS.
FAR_APART_METRES = 3000
FAR_APART_WINDOW = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class FarCheckin:
    pk: int
    latitude: float
    longitude: float
    checked_in_at: datetime.datetime | str


class _JSONArrayFunc(Func):
    """A JSON-array operation written for each database the platform runs on."""

    templates: dict[str, str] = {}

    def as_sql(self, compiler, connection, **extra_context):
        template = self.templates.get(connection.vendor)
        if template is None:
            name = type(self).__name__
            raise NotImplementedError(f"{name} is not written for {connection.vendor}")
        array, item = (compiler.compile(source) for source in self.get_source_expressions())
        return template % (array[0], item[0]), [*array[1], *item[1]]


class JSONArrayAppend(_JSONArrayFunc):
    """The JSON array with one more string at its end."""

    output_field = JSONField()
    templates = {
        "postgresql": "(%s || jsonb_build_array(%s::text))",
        "sqlite": "json_insert(%s, '$[#]', %s)",
    }


class JSONArrayHas(_JSONArrayFunc):
    """Whether the JSON array holds the string (Django's `contains` lookup is not on SQLite)."""

    output_field = BooleanField()
    conditional = True
    templates = {
        "postgresql": "(%s @> jsonb_build_array(%s::text))",
        "sqlite": "EXISTS (SELECT 1 FROM json_each(%s) WHERE json_each.value = %s)",
    }


def attendance_source_flag(*, attendance: Attendance, counted: tuple | None = None) -> list[str]:
    """Flag the check-in and its companions when its device or address is suspicious, or when
    another check-in of the session came from far away shortly before or after (after the
    check-in has committed); returns the flags added to this check-in. `counted`: the row of
    `attendance_source_query`, when the caller already ran it (after the commit)."""
    query = attendance_source_query(attendance)
    if query is None:
        return []
    if counted is None:
        with connection.cursor() as cursor:
            cursor.execute(*query)
            counted = cursor.fetchone()
    device_people, address_people, address_at_venue = counted[:3]
    far = FarCheckin(*counted[3:]) if len(counted) > 3 and counted[3] is not None else None
    session = attendance.session
    added = []
    if far is not None and attendance_far_apart_flag(attendance=attendance, other=far):
        added.append(str(Attendance.Flag.FAR_APART))
    if device_people >= 2:
        _flag_add(session, Q(device=attendance.device), Attendance.Flag.SHARED_DEVICE)
        added.append(str(Attendance.Flag.SHARED_DEVICE))
    if address_people >= SHARED_IP_PEOPLE and address_at_venue < VENUE_WITNESSES:
        _flag_add(session, Q(ip_address=attendance.ip_address), Attendance.Flag.SHARED_IP)
        added.append(str(Attendance.Flag.SHARED_IP))
    return added


def attendance_source_query(attendance: Attendance) -> tuple[str, list] | None:
    """The one statement behind the flags of a stored check-in (None when nothing can flag
    it): check-ins of the session from the device, from the address, and from the address
    located at the venue, the attendance's own included; and, when the check-in is located,
    the latest other located check-in of the session far from it within FAR_APART_WINDOW.
    The counts are one aggregate, the far check-in one row joined to it."""
    session = attendance.session
    by_address = session.latitude is not None and session.longitude is not None
    by_address = by_address and bool(attendance.ip_address)
    located = attendance.latitude is not None and attendance.longitude is not None
    if not attendance.device and not by_address and not located:
        return None
    # In SQL: the ORM's compile of these three filtered counts took ten times as long as the
    # query (tests/bench/bench_checkin.py), on every check-in. NULL matches nothing: no device
    # (a manual addition has none) or no address counts nobody.
    fields = {name: Attendance._meta.get_field(name) for name in ("device", "ip_address")}
    device = attendance.device or None
    address = fields["ip_address"].get_db_prep_value(
        attendance.ip_address if by_address else None, connection
    )
    quote = connection.ops.quote_name
    device_column, address_column = (quote(field.column) for field in fields.values())
    sql = (
        f"SELECT COUNT(*) FILTER (WHERE {device_column} = %s), "
        f"COUNT(*) FILTER (WHERE {address_column} = %s), "
        f"COUNT(*) FILTER (WHERE {address_column} = %s AND {quote('distance_m')} <= %s) "
        f"FROM {quote(Attendance._meta.db_table)} WHERE {quote('session_id')} = %s "
        f"AND ({device_column} = %s OR {address_column} = %s)"
    )
    params = [device, address, address, FAR_FROM_VENUE_METRES, attendance.session_id]
    params += [device, address]
    if located:
        far_sql, far_params = _far_candidate_sql(attendance)
        sql = f"SELECT c.*, f.* FROM ({sql}) c LEFT JOIN ({far_sql}) f ON 1 = 1"
        params += far_params
    return sql, params


def _flag_add(session, source: Q, flag: str) -> None:
    # Every row of the source that lacks the flag, in one statement: this check-in, the
    # earlier ones when it crossed the line, and any that a concurrent check-in left behind.
    (
        Attendance.objects.filter(source, session=session)
        .alias(flagged=JSONArrayHas(F("flags"), Value(str(flag))))
        .filter(flagged=False)
        .update(flags=JSONArrayAppend(F("flags"), Value(str(flag))))
    )


def _far_candidate_sql(attendance: Attendance) -> tuple[str, list]:
    """The latest other located check-in of the session within FAR_APART_WINDOW outside a box
    of FAR_APART_METRES around this one: a scan of the window's rows by (session,
    checked_in_at), with no distance computed in SQL (attendance_far_apart_flag does that)."""
    quote = connection.ops.quote_name
    when = Attendance._meta.get_field("checked_in_at")
    start, end = (
        when.get_db_prep_value(attendance.checked_in_at + offset, connection)
        for offset in (-FAR_APART_WINDOW, FAR_APART_WINDOW)
    )
    dlat, dlon = box_degrees(latitude=attendance.latitude, metres=FAR_APART_METRES)
    lat, lon, at = quote("latitude"), quote("longitude"), quote("checked_in_at")
    sql = (
        f"SELECT {quote('id')}, {lat}, {lon}, {at} FROM {quote(Attendance._meta.db_table)} "
        f"WHERE {quote('session_id')} = %s AND {at} BETWEEN %s AND %s AND {quote('id')} <> %s "
        f"AND {quote('removed_at')} IS NULL AND {lat} IS NOT NULL "
        f"AND (ABS({lat} - %s) > %s OR ABS({lon} - %s) > %s) "
        f"ORDER BY {at} DESC LIMIT 1"
    )
    params = [attendance.session_id, start, end, attendance.pk]
    return sql, [*params, attendance.latitude, dlat, attendance.longitude, dlon]


def attendance_far_apart_flag(*, attendance: Attendance, other: FarCheckin) -> bool:
    """Flag both check-ins, with the distance and the interval, when they are FAR_APART_METRES
    apart; whether they were."""
    distance = distance_metres(
        Location(attendance.latitude, attendance.longitude),
        Location(other.latitude, other.longitude),
    )
    if distance < FAR_APART_METRES:
        return False
    other_at = other.checked_in_at
    if isinstance(other_at, str):  # SQLite hands back the stored text
        other_at = parse_datetime(other_at)
    if timezone.is_naive(other_at):
        other_at = timezone.make_aware(other_at, datetime.UTC)
    seconds = abs(int((attendance.checked_in_at - other_at).total_seconds()))
    flag = str(Attendance.Flag.FAR_APART)
    for pk, partner in ((attendance.pk, other.pk), (other.pk, attendance.pk)):
        details = {flag: {"distance_m": distance, "seconds": seconds, "attendance": partner}}
        # A check-in keeps the evidence of the first pair that flagged it; flag_details holds
        # nothing else, so it is written whole.
        (
            Attendance.objects.filter(pk=pk)
            .alias(flagged=JSONArrayHas(F("flags"), Value(flag)))
            .filter(flagged=False)
            .update(
                flags=JSONArrayAppend(F("flags"), Value(flag)),
                flag_details=Value(details, output_field=JSONField()),
            )
        )
        if pk == attendance.pk:
            attendance.flag_details = details
    return True
