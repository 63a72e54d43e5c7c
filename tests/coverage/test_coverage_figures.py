"""Coverage figures against a fixture computed by hand (see the comments per person)."""

import datetime

import pytest

from coverage.models import Enterprise, Role
from coverage.selectors import (
    Figures,
    coverage_by_role,
    coverage_by_subregion,
    coverage_totals,
    enterprise_role_figures,
    enterprises_with_coverage,
    people_not_covered,
    region_figures,
    target_current,
)
from coverage.services import (
    roster_entry_end,
    training_record,
    training_target_default,
)
from tests.factories import (
    EnterpriseFactory,
    IndustryFactory,
    PersonFactory,
    RosterEntryFactory,
    TrainingTargetFactory,
)
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db


def on_roster(person, enterprise, role, start=datetime.date(2021, 3, 1)):
    return RosterEntryFactory(person=person, enterprise=enterprise, role=role, start_date=start)


def trained(person, on, key, **extra):
    return training_record(
        person=person, kind="online", occurred_on=on, title="工伤预防课程", source_key=key, **extra
    )


@pytest.fixture
def world(jilin):
    target = training_target_default()
    construction = IndustryFactory(code="construction", name="建筑施工")
    mining = IndustryFactory(code="mining", name="矿山")
    a = EnterpriseFactory(region=jilin["220102"], industry=construction, name="A")
    b = EnterpriseFactory(region=jilin["220103"], industry=mining, name="B")
    c = EnterpriseFactory(region=jilin["220102"], industry=construction, name="C")
    d = EnterpriseFactory(region=jilin["220102"], industry=construction, name="D", is_key=False)
    e = EnterpriseFactory(region=jilin["220202"], industry=mining, name="E")
    school = EnterpriseFactory(
        region=jilin["220102"], name="学校", kind=Enterprise.Kind.TECHNICAL_SCHOOL, is_key=True
    )
    p = {n: PersonFactory(id_number=id_number(n), name=f"人{n}") for n in range(1, 12)}

    on_roster(p[1], a, Role.MANAGER)
    trained(p[1], datetime.date(2023, 5, 1), "course:1")  # covered
    on_roster(p[2], a, Role.SAFETY_HEAD)
    trained(p[2], datetime.date(2020, 12, 31), "course:1")  # before the period: not covered
    on_roster(p[3], a, Role.TEAM_LEADER)
    trained(p[3], datetime.date(2026, 1, 1), "course:1", targets=[target])  # after: not covered
    on_roster(p[4], a, Role.OTHER)
    trained(p[4], datetime.date(2023, 5, 1), "course:1")  # other role: not required
    roster_entry_end(entry=on_roster(p[5], a, Role.TEAM_LEADER), on=datetime.date(2024, 1, 1))
    on_roster(p[6], a, Role.TEAM_LEADER)  # on two enterprises; trained once, counts in both
    on_roster(p[6], b, Role.MANAGER)
    trained(
        p[6],
        datetime.date(2022, 8, 8),
        "session:3",
    )
    on_roster(p[7], b, Role.SAFETY_HEAD)  # never trained
    on_roster(p[8], c, Role.OTHER)  # C has no key-role people: roster missing
    on_roster(p[9], d, Role.MANAGER)  # D is not a key enterprise
    on_roster(p[10], e, Role.MANAGER)
    trained(p[10], datetime.date(2022, 1, 1), "course:2")  # E: 100 %
    on_roster(p[11], school, Role.MANAGER)  # a school is not a key enterprise
    return {"target": target, "regions": jilin, "a": a, "b": b, "c": c, "d": d, "e": e, "p": p}


def test_enterprise_figures(world):
    target = world["target"]
    rows = {
        e.name: (e.required, e.covered, e.percent)
        for e in enterprises_with_coverage(target=target, enterprises=Enterprise.objects.all())
    }
    assert rows == {
        "A": (4, 2, 50.0),
        "B": (2, 1, 50.0),
        "C": (0, 0, None),
        "E": (1, 1, 100.0),
    }


def test_enterprises_are_listed_worst_first_with_missing_rosters_on_top(world):
    names = [
        e.name
        for e in enterprises_with_coverage(
            target=world["target"], enterprises=Enterprise.objects.all()
        )
    ]
    assert names == ["C", "A", "B", "E"]


def test_city_figures_are_people_weighted_beside_the_share_of_complete_enterprises(world):
    figures = region_figures(
        target=world["target"],
        region=world["regions"]["220100"],
        enterprises=Enterprise.objects.all(),
    )
    assert figures.people == Figures(6, 3)
    assert figures.people.percent == 50.0
    assert (figures.key_enterprises, figures.complete_enterprises, figures.roster_missing) == (
        3,
        0,
        1,
    )
    assert figures.complete_share == 0.0


def test_province_rolls_up_every_city(world):
    figures = region_figures(
        target=world["target"],
        region=world["regions"]["220000"],
        enterprises=Enterprise.objects.all(),
    )
    assert figures.people == Figures(7, 4)
    assert figures.people.percent == 57.1
    assert (figures.key_enterprises, figures.complete_enterprises, figures.roster_missing) == (
        4,
        1,
        1,
    )


def test_figures_by_role(world):
    by_role = coverage_by_role(
        target=world["target"],
        enterprises=Enterprise.objects.filter(region__path__startswith="/220000/220100/"),
    )
    assert by_role == {
        "manager": Figures(2, 2),
        "safety_head": Figures(2, 0),
        "team_leader": Figures(2, 1),
    }


def test_figures_by_subregion(world):
    rows = {
        f.region.code: (f.people.required, f.people.covered, f.key_enterprises, f.roster_missing)
        for f in coverage_by_subregion(
            target=world["target"],
            region=world["regions"]["220100"],
            enterprises=Enterprise.objects.all(),
        )
    }
    assert rows["220102"] == (4, 2, 2, 1)
    assert rows["220103"] == (2, 1, 1, 0)
    assert rows["220104"] == (0, 0, 0, 0)


def test_role_figures_per_enterprise(world):
    figures = enterprise_role_figures(target=world["target"], enterprises=Enterprise.objects.all())
    assert figures[world["a"].pk] == {
        "manager": Figures(1, 1),
        "safety_head": Figures(1, 0),
        "team_leader": Figures(2, 1),
    }
    assert world["c"].pk not in figures


def test_people_not_covered(world):
    missing = people_not_covered(target=world["target"], enterprises=Enterprise.objects.all())
    assert sorted(entry.person.name for entry in missing) == ["人2", "人3", "人7"]


def test_training_is_recorded_once_per_source(world):
    person = world["p"][7]
    first, created = trained(person, datetime.date(2024, 1, 1), "session:9")
    again, created_again = trained(person, datetime.date(2024, 1, 2), "session:9")
    assert created and not created_again
    assert first.pk == again.pk
    assert coverage_totals(
        target=world["target"], enterprises=Enterprise.objects.filter(name="B")
    ) == Figures(2, 2)


def test_a_new_period_is_data(world):
    later = TrainingTargetFactory(
        code="plan-2026-2030",
        name="2026—2030",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )
    trained(world["p"][7], datetime.date(2026, 3, 1), "course:7")
    assert target_current(today=datetime.date(2026, 6, 1)) == later
    assert target_current(today=datetime.date(2024, 6, 1)) == world["target"]
    assert coverage_totals(
        target=later, enterprises=Enterprise.objects.filter(name="B")
    ) == Figures(2, 1)
