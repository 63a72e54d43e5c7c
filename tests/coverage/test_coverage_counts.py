"""The maintained coverage (coverage/counts/) always equals a recount.

Two oracles: `drift_find` (the maintained tables against a recount in SQL from base tables)
and a recount in Python over the rows themselves, compared with what the dashboard selectors
answer. Random sequences of the changes the product makes (frequency rules and enterprises'
industries among them), then the same changes from threads at once (on PostgreSQL in CI they
really race).
"""

import datetime
import random
import threading
import zoneinfo
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from coverage.counts.maintain import enterprises_recount, frequency_year_rebuild
from coverage.counts.recount import drift_find, drift_repair
from coverage.models import (
    CoveredPerson,
    Enterprise,
    EnterpriseCoverage,
    Role,
    RosterEntry,
    TrainingFrequency,
    TrainingRecord,
    TrainingTarget,
)
from coverage.rosters.files import RosterRow
from coverage.rosters.services import roster_import
from coverage.selectors import coverage_totals, enterprises_with_coverage, people_not_covered
from coverage.services import roster_entry_end, training_record
from coverage.sessions.services import attendance_remove, attendance_verify
from tests.factories import (
    AttendanceFactory,
    EnterpriseFactory,
    IndustryFactory,
    KeyDesignationFactory,
    PersonFactory,
    RosterEntryFactory,
    TrainingSessionFactory,
    TrainingTargetFactory,
    UserFactory,
)

ROLES = [Role.MANAGER, Role.SAFETY_HEAD, Role.TEAM_LEADER, Role.OTHER]
ROLE_NAMES = {
    Role.MANAGER: "主要负责人",
    Role.SAFETY_HEAD: "安全管理部门负责人",
    Role.TEAM_LEADER: "班组长",
    Role.OTHER: "其他",
}


def python_recount(target: TrainingTarget) -> dict[int, tuple[int, int]]:
    """(required, covered) per key enterprise, from the rows, the slow obvious way: one
    qualifying record in the period, or for an entry in a frequency group (its industry's
    rule, else its role's) that many in the calendar year of today held inside the period."""
    today = timezone.localdate()
    year = min(max(today, target.start_date), target.end_date).year
    in_period = [
        record
        for record in TrainingRecord.objects.filter(targets=target)
        if target.start_date <= record.occurred_on <= target.end_date
    ]
    covered = {record.person_id for record in in_period}
    in_year = Counter(record.person_id for record in in_period if record.occurred_on.year == year)
    rules = {
        (rule.role, rule.industry_id): rule.per_year
        for rule in TrainingFrequency.objects.filter(target=target)
    }

    def is_covered(entry: RosterEntry) -> bool:
        needed = rules.get((entry.role, entry.enterprise.industry_id)) or rules.get(
            (entry.role, None)
        )
        return in_year[entry.person_id] >= needed if needed else entry.person_id in covered

    figures = {}
    years = range(target.start_date.year, target.end_date.year + 1)
    for enterprise in Enterprise.objects.filter(kind=Enterprise.Kind.ENTERPRISE):
        if not any(d.year in years for d in enterprise.key_designations.all()):
            continue
        entries = [
            entry
            for entry in RosterEntry.objects.filter(enterprise=enterprise, end_date__isnull=True)
            if entry.role in target.required_roles
        ]
        figures[enterprise.pk] = (len(entries), sum(is_covered(entry) for entry in entries))
    return figures


def assert_exact() -> None:
    for target in TrainingTarget.objects.all():
        drift = drift_find(target)
        assert drift.total == 0, drift
        expected = python_recount(target)
        answered = {
            enterprise.pk: (enterprise.required, enterprise.covered)
            for enterprise in enterprises_with_coverage(
                target=target, enterprises=Enterprise.objects.all()
            )
        }
        assert answered == expected
        totals = coverage_totals(target=target, enterprises=Enterprise.objects.all())
        required = sum(figures[0] for figures in expected.values())
        covered = sum(figures[1] for figures in expected.values())
        assert (totals.required, totals.covered) == (required, covered)
        # The list of people still missing asks the rules itself (not the counts).
        missing = people_not_covered(target=target, enterprises=Enterprise.objects.all())
        assert missing.count() == required - covered


@pytest.fixture
def world(jilin):
    year = timezone.localdate().year
    targets = [
        TrainingTargetFactory(code="plan", start_date=datetime.date(2021, 1, 1)),
        TrainingTargetFactory(
            code="this-year",
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
            required_roles=["manager", "team_leader"],
            qualifying_kinds=["offline"],
        ),
    ]
    industries = [
        IndustryFactory(code="mining", name="矿山"),
        IndustryFactory(code="construction", name="建筑施工"),
    ]
    enterprises = [
        EnterpriseFactory(region=jilin["220102"], industry=industries[0]),
        EnterpriseFactory(region=jilin["220104"], industry=industries[1]),
        EnterpriseFactory(region=jilin["220202"], is_key=False, industry=industries[0]),
    ]
    people = [PersonFactory() for _n in range(14)]
    return {
        "targets": targets,
        "enterprises": enterprises,
        "people": people,
        "industries": industries,
    }


def _rows(people, rng) -> list[RosterRow]:
    return [
        RosterRow(
            row=number,
            name=person.name,
            id_number=person.id_number,
            phone="",
            role=ROLE_NAMES[rng.choice(ROLES)],
            department="",
        )
        for number, person in enumerate(people, start=2)
    ]


# The kinds of change, the commoner ones more than once.
CHANGES = [
    *["import", "import", "replace", "end", "record", "record", "record", "revoke"],
    *["target", "key", "rule", "industry"],
]


def _change(world, rng, step: int) -> str:
    people, enterprises, targets = world["people"], world["enterprises"], world["targets"]
    year = timezone.localdate().year
    kind = rng.choice(CHANGES)
    if kind in ("import", "replace"):
        chosen = rng.sample(people, rng.randint(1, 6))
        roster_import(
            enterprise=rng.choice(enterprises),
            rows=_rows(chosen, rng),
            mode="add" if kind == "import" else "replace",
        )
    elif kind == "end":
        entry = RosterEntry.objects.filter(end_date__isnull=True).order_by("?").first()
        if entry:
            roster_entry_end(entry=entry)
    elif kind == "record":
        training_record(
            person=rng.choice(people),
            kind=rng.choice(["online", "offline", "authority"]),
            occurred_on=datetime.date(rng.choice([2019, 2022, 2025, year]), rng.randint(1, 12), 1),
            title="培训",
            source_key=f"test:{step}",
        )
    elif kind == "revoke":
        record = TrainingRecord.objects.order_by("?").first()
        if record:
            record.delete()
    elif kind == "target":
        target = rng.choice(targets)
        target.refresh_from_db()
        target.required_roles = rng.sample(["manager", "safety_head", "team_leader"], 2)
        end = datetime.date(rng.choice([2023, 2025, year]), 12, 31)
        target.end_date = max(end, target.start_date)
        target.save()
    elif kind == "rule":  # add, change or remove a frequency rule
        group = {
            "target": rng.choice(targets),
            "role": rng.choice(["manager", "safety_head", "team_leader"]),
            "industry": rng.choice([None, *world["industries"]]),
        }
        if rng.random() < 0.3:
            for rule in TrainingFrequency.objects.filter(**group):
                rule.delete()
        else:
            TrainingFrequency.objects.update_or_create(
                **group, defaults={"per_year": rng.randint(1, 3)}
            )
    elif kind == "industry":
        enterprise = rng.choice(enterprises)
        enterprise.industry = rng.choice([None, *world["industries"]])
        enterprise.save()
    else:
        enterprise = rng.choice(enterprises)
        if not enterprise.key_designations.all().delete()[0]:
            for designated in (2022, year):
                KeyDesignationFactory(enterprise=enterprise, year=designated)
    return kind


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_maintained_coverage_equals_a_recount_after_any_sequence_of_changes(world, seed):
    rng = random.Random(seed)
    kinds = set()
    # Steps after which someone was required, covered, and covered in a frequency group.
    required = covered = grouped = 0
    for step in range(36):
        kinds.add(_change(world, rng, step))
        assert_exact()
        required += EnterpriseCoverage.objects.filter(required__gt=0).exists()
        covered += EnterpriseCoverage.objects.filter(covered__gt=0).exists()
        grouped += (
            TrainingFrequency.objects.exists()
            and CoveredPerson.objects.filter(in_year__gt=0).exists()
        )
    assert len(kinds) >= 8  # the sequence exercised most kinds of change
    assert required and covered and grouped

    # The year turns in Shanghai: beat's rebuild makes the counts equal the recount again.
    new_year = datetime.datetime(
        timezone.localdate().year + 1, 1, 1, 0, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
    )
    with time_machine.travel(new_year, tick=False):
        frequency_year_rebuild()
        assert_exact()


def test_verified_attendance_and_its_removal_move_the_counts(world):
    enterprise = world["enterprises"][0]
    person = world["people"][0]
    RosterEntryFactory(person=person, enterprise=enterprise, role=Role.TEAM_LEADER)
    this_year = world["targets"][1]
    before = coverage_totals(target=this_year, enterprises=Enterprise.objects.all())
    session = TrainingSessionFactory(
        organiser=enterprise,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
        min_minutes=30,
    )
    attendance = AttendanceFactory(session=session, person=person, checked_in_at=session.starts_at)
    assert attendance_verify(attendance=attendance)
    after = coverage_totals(target=this_year, enterprises=Enterprise.objects.all())
    assert (after.required, after.covered) == (before.required, before.covered + 1)
    assert_exact()

    attendance_remove(attendance=attendance, user=UserFactory(), reason="代签")
    removed = coverage_totals(target=this_year, enterprises=Enterprise.objects.all())
    assert (removed.required, removed.covered) == (before.required, before.covered)
    assert_exact()


def test_the_nightly_comparison_reports_and_repairs_drift(world, caplog):
    enterprise = world["enterprises"][0]
    for person in world["people"][:3]:
        RosterEntryFactory(person=person, enterprise=enterprise, role=Role.MANAGER)
        training_record(
            person=person,
            kind="online",
            occurred_on=datetime.date(2023, 5, 1),
            title="课程",
            source_key="course:1",
        )
    assert all(drift.total == 0 for drift in drift_repair())
    # Someone wrote the tables by hand (or a bulk path forgot them).
    EnterpriseCoverage.objects.filter(enterprise=enterprise).update(covered=0)
    CoveredPerson.objects.filter(person=world["people"][0]).delete()

    found = {drift.target.code: drift for drift in drift_repair()}

    assert found["plan"].covered_missing == 1
    # The manager row and the enterprise's row of all roles.
    assert found["plan"].counts_missing == 2 and found["plan"].counts_extra == 2
    assert "drifted" in caplog.text
    assert_exact()


def test_a_recount_of_an_unchanged_roster_changes_nothing(world):
    enterprise = world["enterprises"][1]
    for person in world["people"][:4]:
        RosterEntryFactory(person=person, enterprise=enterprise, role=Role.SAFETY_HEAD)
    before = list(EnterpriseCoverage.objects.order_by("pk").values())
    enterprises_recount([enterprise.pk])
    assert list(EnterpriseCoverage.objects.order_by("pk").values()) == before
    assert_exact()


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_records_and_departures_keep_the_counts_exact(world):
    """Eight threads: imports into two rosters sharing people, training records for the same
    people, and departures, all at once; afterwards every count equals the recount."""
    people, enterprises = world["people"], world["enterprises"]
    year = timezone.localdate().year
    rng = random.Random(5)
    calls = []
    for n in range(8):
        chosen = people[n % 4 : n % 4 + 8]
        calls.append(
            lambda chosen=chosen, n=n: roster_import(
                enterprise=enterprises[n % 2], rows=_rows(chosen, rng), mode="add"
            )
        )
    for n, person in enumerate(people):
        calls.append(
            lambda person=person, n=n: training_record(
                person=person,
                kind="offline",
                occurred_on=datetime.date(year, 3, 1),
                title="现场培训",
                source_key=f"session:{n}",
            )
        )
    for _n in range(4):
        calls.append(
            lambda: [
                roster_entry_end(entry=entry)
                for entry in RosterEntry.objects.filter(end_date__isnull=True).order_by("?")[:1]
            ]
        )
    rng.shuffle(calls)
    barrier = threading.Barrier(8)
    errors = []

    def worker(chunk):
        try:
            barrier.wait()
            for call in chunk:
                call()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(calls[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert TrainingRecord.objects.count() == len(people)
    assert_exact()


def test_the_check_command_says_which_targets_it_rebuilt(world):
    enterprise = world["enterprises"][0]
    RosterEntryFactory(person=world["people"][0], enterprise=enterprise, role=Role.MANAGER)
    EnterpriseCoverage.objects.filter(target__code="plan").update(required=0)
    out, err = StringIO(), StringIO()
    call_command("coverage_counts_check", stdout=out, stderr=err)
    drifted = "plan：与重新统计不一致（达标人员缺 0、多 0；企业统计缺 2、多 0），已重建"
    assert drifted in out.getvalue()
    assert "this-year：与重新统计一致" in out.getvalue()
    assert "已重建 1 个培训目标的统计" in err.getvalue()
    assert_exact()
