"""The region dashboard links to the accident statistics (R10) beside coverage."""

import pytest
from django.urls import reverse

from tests.factories import TrainingTargetFactory, regulator_of

pytestmark = pytest.mark.django_db


def test_region_dashboard_links_to_the_accident_statistics(client, jilin):
    TrainingTargetFactory()
    client.force_login(regulator_of(jilin["220100"]))
    page = client.get(reverse("coverage:region_detail", kwargs={"code": "220100"})).content
    assert reverse("coverage:accident_region", kwargs={"code": "220100"}).encode() in page
