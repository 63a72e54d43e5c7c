"""Where a regulator finds the report: the navigation and the region dashboard."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_region_dashboard_and_the_navigation_link_the_report(world, city_regulator, client):
    client.force_login(city_regulator)
    html = client.get(reverse("coverage:region_detail", kwargs={"code": "220100"})).content.decode()
    assert reverse("reports:current", kwargs={"code": "220100"}) in html
    assert reverse("reports:index") in html
    response = client.get(reverse("reports:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "reports:detail", kwargs={"code": "220100", "year": YEAR}
    )


def test_someone_regulating_nothing_has_no_report(world, client):
    client.force_login(UserFactory())
    assert client.get(reverse("reports:index")).status_code == 404


def test_the_province_is_led_to_its_cities_submissions(world, province_regulator, client):
    client.force_login(province_regulator)
    response = client.get(reverse("reports:index"))
    assert response.url == reverse("reports:submissions", kwargs={"code": "220000", "year": YEAR})


def test_the_provinces_own_report_page_has_no_submit_button(world, province_regulator, client):
    client.force_login(province_regulator)
    response = client.get(reverse("reports:detail", kwargs={"code": "220000", "year": YEAR}))
    assert response.status_code == 200
    assert b'data-testid="submit-report"' not in response.content
    assert "吉林省" in response.content.decode()
