import pytest

from coverage.models import Department
from tests.factories import (
    EnterpriseFactory,
    ExpertFactory,
    PaymentStandardFactory,
    ProjectFactory,
    RegionFactory,
    UserFactory,
    admin_of,
    department_regulator_of,
)


class World:
    """A city with a county, an applicant there, 人社 and 社保 of the city, and a pool of
    nine experts with accounts (three of each field)."""

    def __init__(self):
        self.city = RegionFactory(code="229900", level="city")
        self.county = RegionFactory(code="229901", parent=self.city)
        self.other_city = RegionFactory(code="229800", level="city")
        self.applicant = EnterpriseFactory(region=self.county)
        self.applicant_admin = admin_of(self.applicant)
        self.hrss = department_regulator_of(self.city, Department.HUMAN_RESOURCES)
        self.social = department_regulator_of(self.city, Department.SOCIAL_INSURANCE)
        self.experts = [ExpertFactory(user=UserFactory()) for _ in range(9)]
        self.standard = PaymentStandardFactory()
        self.project = ProjectFactory(applicant=self.applicant)


@pytest.fixture
def world(db):
    return World()
