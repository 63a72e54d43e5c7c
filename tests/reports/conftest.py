"""A small Changchun for the annual report, its figures known by hand (see `world`).

The clock stands at 2 November 2026, 10:00 in Asia/Shanghai (time_machine, ticking), so the
year, last year's 31 December and the days to the 20 December deadline are fixed."""

import datetime
import zoneinfo

import pytest
import time_machine

from coverage.models import Enterprise, Role
from coverage.services import training_record
from tests.factories import (
    AccidentFiguresFactory,
    AttendanceFactory,
    EnterpriseFactory,
    IndustryFactory,
    PersonFactory,
    RosterEntryFactory,
    TrainingSessionFactory,
    TrainingTargetFactory,
    regulator_of,
)
from tests.helpers.identities import id_number

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)
YEAR = 2026


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


def on_roster(person, enterprise, role):
    return RosterEntryFactory(
        person=person, enterprise=enterprise, role=role, start_date=datetime.date(2021, 3, 1)
    )


def trained(person, on, key, *, kind="online", hours=2):
    return training_record(
        person=person, kind=kind, occurred_on=on, title="工伤预防课程", source_key=key, hours=hours
    )


@pytest.fixture
def world(jilin):
    """Changchun (220100) in 2026 against a 2025–2030 target:

    - A (南关区, construction): manager p1 trained 2025 (covered last year too), safety head p2
      trained March 2026 online (3 h), team leader p3 never;
    - B (宽城区, mining): manager p4 trained offline in October 2026 (inside the pace window);
    - C (南关区): only p5 in another role (online 2 h in 2026): roster missing, 1 on roster;
    - N (宽城区): nobody at all: roster missing, 0 on roster;
    - E (吉林市): outside Changchun.

    Changchun: 3 of 4 covered (75.0 %), last year 1 of 4 (25.0 %) counted as of 2025-12-31.
    """
    target = TrainingTargetFactory(
        code="plan-2026-2030",
        name="2025—2030年培训目标",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )
    construction = IndustryFactory(code="construction", name="建筑施工")
    mining = IndustryFactory(code="mining", name="矿山")
    a = EnterpriseFactory(region=jilin["220102"], industry=construction, name="甲建工")
    b = EnterpriseFactory(region=jilin["220103"], industry=mining, name="乙矿业")
    c = EnterpriseFactory(region=jilin["220102"], industry=construction, name="丙建筑")
    n = EnterpriseFactory(region=jilin["220103"], industry=construction, name="丁工程")
    e = EnterpriseFactory(region=jilin["220202"], industry=mining, name="戊矿业")
    school = EnterpriseFactory(
        region=jilin["220102"], industry=None, kind=Enterprise.Kind.TECHNICAL_SCHOOL, is_key=False
    )
    p = {k: PersonFactory(id_number=id_number(k), name=f"人{k}") for k in range(1, 8)}
    on_roster(p[1], a, Role.MANAGER)
    trained(p[1], datetime.date(2025, 6, 1), "course:1")
    on_roster(p[2], a, Role.SAFETY_HEAD)
    trained(p[2], datetime.date(2026, 3, 1), "course:1", hours=3)
    on_roster(p[3], a, Role.TEAM_LEADER)
    on_roster(p[4], b, Role.MANAGER)
    trained(p[4], datetime.date(2026, 10, 15), "session:99", kind="offline")
    on_roster(p[5], c, Role.OTHER)
    trained(p[5], datetime.date(2026, 4, 1), "course:2")
    on_roster(p[6], e, Role.SAFETY_HEAD)
    trained(p[6], datetime.date(2026, 4, 1), "course:1")
    on_roster(p[7], school, Role.OTHER)

    held = TrainingSessionFactory(
        organiser=a,
        region=jilin["220102"],
        starts_at=datetime.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI),
        ends_at=datetime.datetime(2026, 4, 1, 11, tzinfo=SHANGHAI),
    )
    AttendanceFactory(session=held, person=p[3], verified_at=held.ends_at)
    AttendanceFactory(session=held, person=p[5], removed_at=held.ends_at)
    # New Year's morning in Shanghai is still 2025 in UTC: it counts for 2026.
    new_year = TrainingSessionFactory(
        organiser=a,
        region=jilin["220102"],
        starts_at=datetime.datetime(2026, 1, 1, 7, tzinfo=SHANGHAI),
        ends_at=datetime.datetime(2026, 1, 1, 9, tzinfo=SHANGHAI),
    )
    AttendanceFactory(session=new_year, person=p[1], verified_at=new_year.ends_at)
    TrainingSessionFactory(  # last year's: not counted
        organiser=a,
        region=jilin["220102"],
        starts_at=datetime.datetime(2025, 12, 31, 23, tzinfo=SHANGHAI),
        ends_at=datetime.datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI),
    )
    TrainingSessionFactory(  # another city's
        organiser=e,
        region=jilin["220202"],
        starts_at=datetime.datetime(2026, 5, 1, 9, tzinfo=SHANGHAI),
        ends_at=datetime.datetime(2026, 5, 1, 11, tzinfo=SHANGHAI),
    )
    AccidentFiguresFactory(region=jilin["220102"], industry=construction, year=2024, injuries=40)
    AccidentFiguresFactory(region=jilin["220102"], industry=construction, year=2025, injuries=30)
    return {
        "target": target,
        "regions": jilin,
        "enterprises": {"a": a, "b": b, "c": c, "n": n, "e": e},
        "people": p,
    }


@pytest.fixture
def city(world):
    return world["regions"]["220100"]


@pytest.fixture
def city_regulator(world):
    return regulator_of(world["regions"]["220100"])


@pytest.fixture
def province_regulator(world):
    return regulator_of(world["regions"]["220000"])
