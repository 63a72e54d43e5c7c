"""A regulator's yearly list of key designations: list, add, change the reason, remove, each
audited; only for the regulator's region and below (another city's regulator: 404)."""

import pytest
from django.urls import reverse

from coverage.models import AuditLog, KeyDesignation
from tests.factories import (
    EnterpriseFactory,
    IndustryFactory,
    KeyDesignationFactory,
    admin_of,
    regulator_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(jilin):
    mining = IndustryFactory(code="mining", name="矿山")
    mine = EnterpriseFactory(region=jilin["220102"], industry=mining, name="南关矿业", is_key=False)
    return {
        "mining": mining,
        "mine": mine,
        "elsewhere": EnterpriseFactory(region=jilin["220202"], name="吉林市企业", is_key=False),
        "changchun": regulator_of(jilin["220100"]),
        "jilin_city": regulator_of(jilin["220200"]),
        "designation": KeyDesignationFactory(
            enterprise=mine, region=jilin["220100"], year=2026, reason="连续两年发生工亡事故"
        ),
    }


def list_url(code="220100", year=2026):
    return reverse("coverage:designation_list", kwargs={"code": code}) + f"?year={year}"


def test_the_list_shows_the_years_designations_of_the_region_and_below(
    client, world, jilin, django_assert_max_num_queries
):
    KeyDesignationFactory(
        kind="industry",
        industry=world["mining"],
        enterprise=None,
        region=jilin["220102"],
        year=2026,
    )
    KeyDesignationFactory(enterprise=world["mine"], region=jilin["220100"], year=2025, reason="旧")
    client.force_login(world["changchun"])
    client.get(list_url())  # warm-up: the footer's cached plan name
    with django_assert_max_num_queries(12):
        page = client.get(list_url()).content.decode()
    assert "南关矿业" in page and "连续两年发生工亡事故" in page and "矿山" in page
    assert "旧" not in page  # another year


def test_a_county_sees_its_citys_designations_in_force_there(client, world, jilin):
    client.force_login(regulator_of(jilin["220102"]))
    page = client.get(list_url("220102")).content.decode()
    assert "连续两年发生工亡事故" in page  # made by 长春市, for an enterprise in 南关区
    assert client.get(list_url("220103")).status_code == 404


def test_a_regulator_designates_changes_the_reason_and_removes_each_audited(client, world):
    client.force_login(world["changchun"])
    response = client.post(
        reverse("coverage:designation_create", kwargs={"code": "220100"}),
        {"kind": "industry", "year": "2027", "industry": "mining", "reason": "矿山事故率上升"},
    )
    assert response.status_code == 302
    added = KeyDesignation.objects.get(kind="industry")
    assert (added.region.code, added.year, added.industry, added.created_by) == (
        "220100",
        2027,
        world["mining"],
        world["changchun"],
    )

    designation = world["designation"]
    edit = reverse("coverage:designation_edit", kwargs={"pk": designation.pk})
    assert client.get(edit).status_code == 200
    client.post(edit, {"reason": "新的研判", "year": "1999", "kind": "project"})
    designation.refresh_from_db()
    assert (designation.reason, designation.year, designation.kind) == (
        "新的研判",
        2026,
        "enterprise",
    )

    client.post(reverse("coverage:designation_delete", kwargs={"pk": designation.pk}))
    assert not KeyDesignation.objects.filter(pk=designation.pk).exists()
    subjects = list(
        AuditLog.objects.filter(action=AuditLog.Action.DESIGNATION)
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert [s.split(":")[0] for s in subjects] == [
        "key designation added",
        "key designation changed",
        "key designation removed",
    ]


def test_an_enterprise_outside_the_region_cannot_be_designated(client, world):
    client.force_login(world["changchun"])
    response = client.post(
        reverse("coverage:designation_create", kwargs={"code": "220100"}),
        {
            "kind": "enterprise",
            "year": "2026",
            "credit_codes": world["elsewhere"].credit_code,
            "reason": "理由",
        },
    )
    assert response.status_code == 200
    assert not KeyDesignation.objects.filter(enterprise=world["elsewhere"]).exists()


def test_the_same_designation_twice_is_refused_with_a_pointer_to_the_existing_one(client, world):
    client.force_login(world["changchun"])
    response = client.post(
        reverse("coverage:designation_create", kwargs={"code": "220100"}),
        {
            "kind": "enterprise",
            "year": "2026",
            "credit_codes": world["mine"].credit_code,
            "reason": "再次",
        },
    )
    assert response.status_code == 200
    assert KeyDesignation.objects.count() == 1


def test_another_citys_regulator_and_an_enterprise_admin_get_404(client, world):
    pk = world["designation"].pk
    for user in (world["jilin_city"], admin_of(world["mine"])):
        client.force_login(user)
        assert client.get(list_url()).status_code == 404
        assert (
            client.get(
                reverse("coverage:designation_create", kwargs={"code": "220100"})
            ).status_code
            == 404
        )
        assert (
            client.get(reverse("coverage:designation_edit", kwargs={"pk": pk})).status_code == 404
        )
        assert (
            client.post(reverse("coverage:designation_delete", kwargs={"pk": pk})).status_code
            == 404
        )
    assert KeyDesignation.objects.filter(pk=pk).exists()
