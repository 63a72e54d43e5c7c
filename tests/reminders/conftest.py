import datetime
from zoneinfo import ZoneInfo

import pytest

from coverage.models import Region, Role
from tests.factories import (
    EnterpriseFactory,
    RegionFactory,
    ReminderRuleFactory,
    TrainingRecordFactory,
    TrainingTargetFactory,
    admin_of,
    enrol_on_roster,
    regulator_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The target ends on 2026-06-30; a rule 30 days before it is inside its window on this day.
DEADLINE = datetime.date(2026, 6, 30)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


NOW = at(datetime.date(2026, 6, 10), 10)


class World:
    """A city with two counties: in county A one enterprise behind (two key people, nobody
    trained) and one complete; county B has its own enterprise behind."""

    def __init__(self):
        self.target = TrainingTargetFactory(
            code="plan", start_date=datetime.date(2021, 1, 1), end_date=DEADLINE
        )
        self.city = RegionFactory(code="929900", level=Region.Level.CITY)
        self.county_a = RegionFactory(code="929901", parent=self.city)
        self.county_b = RegionFactory(code="929902", parent=self.city)
        self.behind = EnterpriseFactory(region=self.county_a, name="落后企业")
        self.complete = EnterpriseFactory(region=self.county_a, name="达标企业")
        self.other = EnterpriseFactory(region=self.county_b, name="乙县企业")
        self.manager = enrol_on_roster(self.behind, Role.MANAGER, "张经理")
        self.leader = enrol_on_roster(self.behind, Role.TEAM_LEADER, "李班长")
        self.done = enrol_on_roster(self.complete, Role.SAFETY_HEAD, "王安全")
        TrainingRecordFactory(person=self.done, occurred_on=datetime.date(2024, 5, 1))
        enrol_on_roster(self.other, Role.MANAGER, "赵经理")
        self.behind_admin = admin_of(self.behind)
        self.complete_admin = admin_of(self.complete)
        self.other_admin = admin_of(self.other)
        self.regulator_a = regulator_of(self.county_a)
        self.regulator_b = regulator_of(self.county_b)

    def rule(self, **fields):
        fields.setdefault("region", self.county_a)
        return ReminderRuleFactory(target=self.target, **fields)


@pytest.fixture
def world(db):
    return World()
