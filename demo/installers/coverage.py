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
    KeyDesignation,
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
# The enterprise whose sessions the README's check-in walkthrough uses.
DEMO_ORGANISER: str = _CONTENT["worker"]["organiser"]


@transaction.atomic
def demo_coverage_install() -> list[Enterprise]:
    """Regions, key industries and a handful of organisations; safe to re-run."""
    regions_load_jilin()
    industries_load_key()
    enterprises = [
        enterprise_save(
            credit_code=spec["credit_code"],
            name=spec["name"],
            region=Region.objects.get(code=spec["county"]),
            industry=Industry.objects.get(code=spec["industry"]) if "industry" in spec else None,
            kind=spec["kind"],
        )
        for spec in _CONTENT["enterprises"]
    ]
    demo_designations_install()
    return enterprises


def demo_designations_install() -> None:
    """长春市's own designations for 2026 with their reasons; safe to re-run (a designation
    is found by region, year and subject)."""
    for spec in _CONTENT["designations"]:
        region = Region.objects.get(code=spec["region"])
        kind = spec["kind"]
        enterprises = list(Enterprise.objects.filter(credit_code__in=spec.get("credit_codes", [])))
        designation, _created = KeyDesignation.objects.update_or_create(
            region=region,
            year=spec["year"],
            kind=kind,
            industry=Industry.objects.get(code=spec["industry"]) if "industry" in spec else None,
            enterprise=enterprises[0] if kind == KeyDesignation.Kind.ENTERPRISE else None,
            project_name=spec.get("project_name", ""),
            defaults={"reason": spec["reason"]},
        )
        if kind == KeyDesignation.Kind.PROJECT:
            designation.project_enterprises.set(enterprises)


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
def demo_sessions_install(*, now: datetime.datetime | None = None) -> None:
    """The follow-on plan's target, the demo worker on a roster, and offline sessions placed
    around `now`: one running (to try the QR check-in at any hour), one later, one ended a few
    hours ago, one two weeks ago; safe to re-run (see demo/content/coverage.toml)."""
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
    # On the half hour, so the list reads 21:30–01:30 rather than 21:47–01:47.
    now = timezone.localtime(now or timezone.now())
    base = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    team_leaders = [
        entry.person
        for entry in RosterEntry.objects.filter(
            enterprise=organiser, end_date__isnull=True, role="team_leader"
        )
        .exclude(person=worker)
        .select_related("person")
        .order_by("pk")
    ]
    sessions = TrainingSession.objects.filter(organiser=organiser)
    specs = _CONTENT["sessions"]

    def session(spec: dict, starts_at: datetime.datetime, ends_at: datetime.datetime, **extra):
        created = TrainingSession.objects.create(
            organiser=organiser,
            title=spec["title"],
            topic=spec["topic"],
            venue=spec["venue"],
            region=organiser.region,
            starts_at=starts_at,
            ends_at=ends_at,
            min_minutes=spec["min_minutes"],
            hours=spec["hours"],
            **extra,
        )
        created.targets.set([first_plan, next_plan])
        for person in team_leaders[: spec["attendees"]]:
            attendance_check_in(
                session=created, person=person, method="rotating", now=created.starts_at
            )
        return created

    def relative(spec: dict) -> TrainingSession:
        starts_at = base + datetime.timedelta(minutes=spec["starts_in"])
        return session(spec, starts_at, starts_at + datetime.timedelta(minutes=spec["minutes"]))

    spec = specs["past"]
    if not sessions.filter(title=spec["title"]).exists():
        day = base.date() - datetime.timedelta(days=spec["days_ago"])
        at = datetime.datetime.combine
        past = session(
            spec,
            timezone.make_aware(at(day, datetime.time(spec["starts"]))),
            timezone.make_aware(at(day, datetime.time(spec["ends"]))),
            latitude=spec["latitude"],
            longitude=spec["longitude"],
        )
        session_verify(session=past, now=past.ends_at + datetime.timedelta(hours=2))
    spec = specs["recent"]
    if not sessions.filter(title=spec["title"]).exists():
        # Verified, as beat's periodic verification would have done by now.
        session_verify(session=relative(spec), now=now)
    # The walkthrough needs a session that runs for a while yet: another one when the last
    # has ended or is about to.
    spec = specs["running"]
    if not sessions.filter(
        title=spec["title"],
        starts_at__lte=now,
        ends_at__gte=now + datetime.timedelta(minutes=30),
    ).exists():
        relative(spec)
    spec = specs["later"]
    if not sessions.filter(title=spec["title"], starts_at__gt=now).exists():
        relative(spec)
