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

from django.db.models import BooleanField, Count, F, Func, JSONField, Q, Value

from coverage.models import Attendance

# An address that checked in this many people of a session, too few of them located at the
# venue (see the module's docstring for why an address alone is no sign).
SHARED_IP_PEOPLE = 6
# Located check-ins at the venue that clear an address: one faked position is not enough.
VENUE_WITNESSES = 2
FAR_FROM_VENUE_METRES = 1000


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


def attendance_source_flag(*, attendance: Attendance) -> list[str]:
    """Flag the check-in and its companions when its device or address is suspicious (after
    the check-in has committed); returns the flags added to this check-in."""
    session = attendance.session
    located = session.latitude is not None and session.longitude is not None
    counts = {}
    sources = Q()
    if attendance.device:
        counts["device_people"] = Count("pk", filter=Q(device=attendance.device))
        sources |= Q(device=attendance.device)
    if attendance.ip_address and located:
        at_address = Q(ip_address=attendance.ip_address)
        counts["address_people"] = Count("pk", filter=at_address)
        counts["address_at_venue"] = Count(
            "pk", filter=at_address & Q(distance_m__lte=FAR_FROM_VENUE_METRES)
        )
        sources |= at_address
    if not counts:
        return []
    found = Attendance.objects.filter(sources, session=session).aggregate(**counts)
    added = []
    if found.get("device_people", 0) >= 2:
        _flag_add(session, Q(device=attendance.device), Attendance.Flag.SHARED_DEVICE)
        added.append(str(Attendance.Flag.SHARED_DEVICE))
    if (
        found.get("address_people", 0) >= SHARED_IP_PEOPLE
        and found["address_at_venue"] < VENUE_WITNESSES
    ):
        _flag_add(session, Q(ip_address=attendance.ip_address), Attendance.Flag.SHARED_IP)
        added.append(str(Attendance.Flag.SHARED_IP))
    return added


def _flag_add(session, source: Q, flag: str) -> None:
    # Every row of the source that lacks the flag, in one statement: this check-in, the
    # earlier ones when it crossed the line, and any that a concurrent check-in left behind.
    (
        Attendance.objects.filter(source, session=session)
        .alias(flagged=JSONArrayHas(F("flags"), Value(str(flag))))
        .filter(flagged=False)
        .update(flags=JSONArrayAppend(F("flags"), Value(str(flag))))
    )
