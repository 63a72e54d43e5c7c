"""Accident statistics page and API: the same figures, rolled up from sub-regions, and scope
(a city regulator sees its own city only, an enterprise administrator nothing)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coverage.models import AuditLog
from tests.factories import (
    AccidentFiguresFactory,
    EnterpriseFactory,
    IndustryFactory,
    TokenFactory,
    TrainingTargetFactory,
    admin_of,
    regulator_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(jilin):
    """长春市 from its two counties (construction both years, mining 2022 only), 南关区's own
    2021 construction row; 吉林市's 昌邑区 apart."""
    TrainingTargetFactory(code="plan", start_date="2021-01-01", end_date="2025-12-31")
    construction = IndustryFactory(code="construction", name="建筑施工")
    mining = IndustryFactory(code="mining", name="矿山")
    for region, industry, year, injuries, insured in [
        ("220102", construction, 2021, 60, 20_000),
        ("220103", construction, 2021, 60, 20_000),
        ("220102", construction, 2022, 57, 20_000),
        ("220103", construction, 2022, 49, 20_000),
        ("220103", mining, 2022, 10, 1_000),
        ("220202", construction, 2022, 999, 1_000),
    ]:
        AccidentFiguresFactory(
            region=jilin[region], industry=industry, year=year, injuries=injuries, insured=insured
        )
    return jilin


def test_city_page_rolls_up_its_counties_with_rates_and_targets(client, figures):
    client.force_login(regulator_of(figures["220100"]))
    response = client.get(reverse("coverage:accident_region", kwargs={"code": "220100"}))

    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.years == [2021, 2022] and overview.base_year == 2021
    construction = {r.year: r for r in overview.industries[0].trend}
    # (60 + 60) / 40,000 = 3‰, then (57 + 49) / 40,000 = 2.65‰: −11.67 % on the year.
    assert construction[2021].incidence == Decimal(3)
    assert construction[2022].incidence == Decimal("2.65")
    assert construction[2022].meets_yearly_target is True
    total_2022 = overview.total.trend[-1].totals
    assert (total_2022.injuries, total_2022.insured) == (116, 41_000)
    assert [s.code for s in overview.subregions] == ["220102", "220103"]
    page = response.content.decode()
    assert "2.65‰" in page and "南关区" in page and "昌邑区" not in page
    assert 'id="accident-chart-data"' in page


def test_a_regions_own_row_replaces_the_sum_of_its_subregions(client, figures):
    AccidentFiguresFactory(
        region=figures["220100"],
        industry=IndustryFactory(code="construction"),
        year=2021,
        injuries=150,
        insured=40_000,
    )
    client.force_login(regulator_of(figures["220100"]))
    response = client.get(reverse("coverage:accident_region", kwargs={"code": "220100"}))
    construction = response.context["overview"].industries[0].trend
    assert construction[0].totals.injuries == 150


def test_a_city_regulator_cannot_see_another_city_and_an_admin_sees_nothing(client, figures):
    client.force_login(regulator_of(figures["220100"]))
    assert (
        client.get(reverse("coverage:accident_region", kwargs={"code": "220200"})).status_code
        == 404
    )
    assert (
        client.get(reverse("coverage:accident_region", kwargs={"code": "220000"})).status_code
        == 404
    )

    client.force_login(admin_of(EnterpriseFactory(region=figures["220102"])))
    assert (
        client.get(reverse("coverage:accident_region", kwargs={"code": "220102"})).status_code
        == 404
    )


def test_a_region_without_figures_says_so(client, figures):
    client.force_login(regulator_of(figures["220200"]))
    response = client.get(reverse("coverage:accident_region", kwargs={"code": "220281"}))
    assert response.status_code == 200
    assert response.context["overview"].years == []


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=user).key}")
    return client


def test_api_gives_the_same_figures_within_scope_and_is_audited(figures):
    client = api_client(regulator_of(figures["220100"]))
    response = client.get(reverse("api:accident_region", kwargs={"code": "220100"}))

    assert response.status_code == 200
    data = response.json()
    assert (data["code"], data["years"], data["base_year"]) == ("220100", [2021, 2022], 2021)
    construction = data["industries"][0]
    assert construction["code"] == "construction"
    year = construction["years"][1]
    assert (year["injuries"], year["insured"], year["incidence"]) == (106, 40_000, 2.65)
    assert (year["yearly_change"], year["meets_yearly_target"]) == (-11.7, True)
    assert (year["cumulative_change"], year["five_year_goal"]) == (-11.7, -4.0)
    assert [s["code"] for s in data["subregions"]] == ["220102", "220103"]
    assert AuditLog.objects.filter(action=AuditLog.Action.API).exists()

    assert client.get(reverse("api:accident_region", kwargs={"code": "220200"})).status_code == 404
    admin = api_client(admin_of(EnterpriseFactory(region=figures["220102"])))
    assert admin.get(reverse("api:accident_region", kwargs={"code": "220102"})).status_code == 404
