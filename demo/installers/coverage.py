"""Demo organisations, rosters, training and sessions (demo/content/coverage.toml), so every
dashboard state shows; safe to re-run (people are found by ID number, entries and records by
their keys)."""

import datetime

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from coverage.models import (
    Enterprise,
    Industry,
    Region,
    RosterEntry,
    TrainingSession,
    TrainingTarget,
)
from coverage.services import (
    enterprise_save,
    industries_load_key,
    person_save,
    regions_load_jilin,
    training_record,
    training_target_default,
)
from coverage.sessions.services import attendance_check_in, session_verify
from demo.content import content_load

_CONTENT = content_load("coverage")
DEMO_WORKER_NAME: str = _CONTENT["worker"]["name"]
DEMO_WORKER_ID: str = _CONTENT["worker"]["id_number"]
DEMO_WORKER_PHONE: str = _CONTENT["worker"]["phone"]


@transaction.atomic
def demo_coverage_install() -> list[Enterprise]:
    """Regions, key industries and a handful of organisations; safe to re-run."""
    regions_load_jilin()
    industries_load_key()
    return [
        enterprise_save(
            credit_code=spec["credit_code"],
            name=spec["name"],
            region=Region.objects.get(code=spec["county"]),
            industry=Industry.objects.get(code=spec["industry"]) if "industry" in spec else None,
            kind=spec["kind"],
            is_key=spec["is_key"],
        )
        for spec in _CONTENT["enterprises"]
    ]


def demo_id_number(serial: int, region_code: str) -> str:
    """A valid, fictional ID number: born in the region, date and sequence from `serial`."""
    birth = f"{1970 + serial % 30}{serial % 12 + 1:02d}{serial % 27 + 1:02d}"
    body = f"{region_code}{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@transaction.atomic
def demo_people_install() -> None:
    """Rosters and training for the demo enterprises, so every dashboard state shows; safe to
    re-run (people are found by ID number, entries and records by their keys)."""
    people = _CONTENT["people"]
    family, given, roles = people["family_names"], people["given_names"], people["roles"]
    training = people["training"]
    target = training_target_default()
    serial = 0
    for roster in _CONTENT["rosters"]:
        enterprise = Enterprise.objects.get(credit_code=roster["credit_code"])
        size = roster["people"]
        key_total = sum(1 for n in range(size) if roles[n % len(roles)] != "other")
        key_seen = 0
        for n in range(size):
            serial += 1
            role = roles[n % len(roles)]
            person, _changed = person_save(
                id_number=demo_id_number(serial, enterprise.region.code),
                name=family[serial % len(family)] + given[serial % len(given)],
                phone=f"139{serial:08d}",
            )
            RosterEntry.objects.get_or_create(
                person=person,
                enterprise=enterprise,
                end_date=None,
                defaults={
                    "role": role,
                    "department": people["team_leader_department"]
                    if role == "team_leader"
                    else people["department"],
                    "start_date": people["start_date"],
                },
            )
            if role != "other":
                key_seen += 1
                if key_seen <= round(roster["trained_share"] * key_total):
                    training_record(
                        person=person,
                        kind=training["kind"],
                        occurred_on=training["first_date"]
                        + datetime.timedelta(days=serial * training["days_apart"]),
                        title=training["title"],
                        source_key=training["source_key"],
                        hours=training["hours"],
                        targets=[target],
                    )


@transaction.atomic
def demo_sessions_install() -> None:
    """The follow-on plan's target, the demo worker on a roster, and two offline sessions: one
    that ended with verified attendance and one open today, to try the QR check-in."""
    first_plan = training_target_default()
    plan = _CONTENT["next_plan"]
    next_plan, _created = TrainingTarget.objects.get_or_create(
        code=plan["code"],
        defaults={
            "name": plan["name"],
            "start_date": plan["start_date"],
            "end_date": plan["end_date"],
            "required_roles": first_plan.required_roles,
            "qualifying_kinds": first_plan.qualifying_kinds,
        },
    )
    spec = _CONTENT["worker"]
    organiser = Enterprise.objects.get(credit_code=spec["organiser"])
    worker, _changed = person_save(
        id_number=DEMO_WORKER_ID, name=DEMO_WORKER_NAME, phone=DEMO_WORKER_PHONE
    )
    RosterEntry.objects.get_or_create(
        person=worker,
        enterprise=organiser,
        end_date=None,
        defaults={
            "role": spec["role"],
            "department": spec["department"],
            "start_date": spec["start_date"],
        },
    )
    if TrainingSession.objects.filter(organiser=organiser).exists():
        return
    today = timezone.localdate()

    def at(day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def session(spec: dict, day: datetime.date, **extra) -> TrainingSession:
        created = TrainingSession.objects.create(
            organiser=organiser,
            title=spec["title"],
            topic=spec["topic"],
            venue=spec["venue"],
            region=organiser.region,
            starts_at=at(day, spec["starts"]),
            ends_at=at(day, spec["ends"]),
            min_minutes=spec["min_minutes"],
            hours=spec["hours"],
            **extra,
        )
        created.targets.set([first_plan, next_plan])
        return created

    spec = _CONTENT["sessions"]["past"]
    past = session(
        spec,
        today - datetime.timedelta(days=spec["days_ago"]),
        latitude=spec["latitude"],
        longitude=spec["longitude"],
    )
    for entry in RosterEntry.objects.filter(
        enterprise=organiser, end_date__isnull=True, role="team_leader"
    ).exclude(person=worker)[: spec["attendees"]]:
        attendance_check_in(
            session=past, person=entry.person, method="rotating", now=past.starts_at
        )
    session_verify(session=past, now=past.ends_at + datetime.timedelta(hours=2))
    session(_CONTENT["sessions"]["today"], today)
