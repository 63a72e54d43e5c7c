"""The regulators' plan tracking against the demo content: which key industries had a
campaign in a year and region, which cities and counties have a filed warning-education base."""

import pytest

from coverage.models import AuditLog, Membership, Region
from publicity.models import CampaignPage, WarningBasePage
from publicity.selectors import base_tracking, campaign_tracking
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_KEY = {"hazardous_chemicals", "mining", "construction", "transport", "machinery"}


def codes(items) -> set[str]:
    return {item.code for item in items}


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def regulator(code: str):
    return MembershipFactory(
        role=Membership.Role.REGULATOR, region=region(code), enterprise=None
    ).user


@pytest.mark.parametrize(
    ("code", "year", "covered"),
    [
        # Changchun's own construction campaign and Chaoyang district's machinery week; the
        # transport campaign is only a draft.
        ("220100", 2025, {"construction", "machinery"}),
        # Nanguan district: the city's construction campaign covers it, Chaoyang's does not.
        ("220102", 2025, {"construction"}),
        ("220000", 2025, ALL_KEY),
        # The province-wide transport campaign counts for Changchun; Nanguan's for its city.
        ("220100", 2026, {"transport", "hazardous_chemicals", "construction"}),
        ("220000", 2026, ALL_KEY - {"machinery"}),
        ("220800", 2026, {"transport"}),
        ("220100", 2024, set()),
    ],
)
def test_campaign_tracking_against_the_demo(publicity_demo, code, year, covered):
    tracking = campaign_tracking(region=region(code), year=year)
    assert codes(tracking.covered) == covered
    assert codes(tracking.lacking) == ALL_KEY - covered
    assert tracking.total == 5


def test_campaign_counts_per_industry(publicity_demo):
    tracking = campaign_tracking(region=region("220000"), year=2025)
    assert {i.code: i.campaign_count for i in tracking.covered} == dict.fromkeys(ALL_KEY, 1)


def test_only_live_campaigns_count(publicity_demo):
    CampaignPage.objects.get(slug="2025-cc-construction").unpublish()
    assert codes(campaign_tracking(region=region("220100"), year=2025).covered) == {"machinery"}


def test_base_tracking_across_the_province(publicity_demo):
    tracking = base_tracking(region=region("220000"))
    assert len(tracking.cities) == 9
    # Baicheng's base is still awaiting its filing: the one city without a filed base.
    assert [city.name for city in tracking.cities_without] == ["白城市"]
    assert tracking.cities_without[0].unfiled_bases == 1
    assert codes(tracking.counties_with) == {"220102", "220104", "220204", "220802", "222401"}
    assert len(tracking.counties) == Region.objects.filter(level="county").count()


def test_base_tracking_in_a_city(publicity_demo):
    tracking = base_tracking(region=region("220100"))
    assert codes(tracking.cities_with) == {"220100"}
    assert codes(tracking.counties_with) == {"220102", "220104"}
    gongzhuling = next(c for c in tracking.counties_without if c.code == "220184")
    assert gongzhuling.unfiled_bases == 1  # a base, not filed: still lacking


def test_an_unpublished_base_no_longer_counts(publicity_demo):
    WarningBasePage.objects.get(slug="changchun").unpublish()
    assert codes(base_tracking(region=region("220100")).cities_without) == {"220100"}


def test_city_regulator_sees_both_trackers_with_figures(publicity_demo, client):
    client.force_login(regulator("220100"))
    response = client.get("/publicity/tracking/", {"year": 2025})
    assert response.status_code == 200
    assert response.context["region"].code == "220100"
    text = response.text
    assert 'id="figure-campaigns"><strong>2 / 5</strong>' in text
    assert 'id="figure-cities"><strong>1 / 1</strong>' in text
    lacking = text[text.index('id="industries-lacking"') :]
    assert "危险化学品" in lacking[: lacking.index("</ul>")]
    assert "公主岭市" in text[text.index('id="regions-lacking"') :]


def test_the_tracker_defaults_to_the_regulators_region_and_this_year(publicity_demo, client):
    from django.utils import timezone

    client.force_login(regulator("220102"))
    response = client.get("/publicity/tracking/")
    assert response.context["region"].code == "220102"
    assert response.context["year"] == timezone.localdate().year


def test_a_county_regulator_cannot_open_a_region_outside_their_scope(publicity_demo, client):
    client.force_login(regulator("220102"))
    assert client.get("/publicity/tracking/", {"region": "220100"}).status_code == 404
    assert client.get("/publicity/tracking/", {"region": "220200"}).status_code == 404
    assert client.get("/publicity/tracking/", {"region": "nonsense"}).status_code == 404


def test_a_bad_year_shows_this_year_with_a_message(publicity_demo, client):
    client.force_login(regulator("220100"))
    response = client.get("/publicity/tracking/", {"region": "220100", "year": "20x5"})
    assert response.status_code == 200
    assert 'class="form__errors"' in response.text


def test_only_regulators_may_open_the_tracker(publicity_demo, client):
    response = client.get("/publicity/tracking/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    admin = UserFactory()
    MembershipFactory(user=admin, enterprise=EnterpriseFactory(region=region("220102")))
    client.force_login(admin)
    assert client.get("/publicity/tracking/").status_code == 403


def test_the_tracker_exports_an_audited_table(publicity_demo, client):
    user = regulator("220100")
    client.force_login(user)
    response = client.get(
        "/publicity/tracking/",
        {"region": "220100", "year": 2025, "table": "campaigns", "export": "csv"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 6
    assert any(row.startswith("建筑施工,") for row in rows)
    assert AuditLog.objects.filter(user=user, action=AuditLog.Action.EXPORT).exists()


def test_regulators_see_the_tracker_in_the_navigation(publicity_demo, client):
    client.force_login(regulator("220100"))
    assert 'href="/publicity/tracking/"' in client.get("/accounts/me/").text


def test_a_regulator_of_a_special_zone_sees_the_campaign_tracker(publicity_demo, client):
    zone = Region.objects.filter(level=Region.Level.ZONE).first()
    client.force_login(regulator(zone.code))
    response = client.get("/publicity/tracking/")
    assert response.status_code == 200
    assert zone.name in response.text
