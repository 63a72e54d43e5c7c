"""The data-sharing API: token authentication, jurisdiction (404 outside it), figures, audit."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coverage.models import AuditLog, Membership, Role
from coverage.services import training_record, training_target_default
from tests.factories import (
    EnterpriseFactory,
    IndustryFactory,
    MembershipFactory,
    RosterEntryFactory,
    TokenFactory,
    TrainingTargetFactory,
    UserFactory,
)
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db


def staff(enterprise, role, n, trained_on=None):
    person = RosterEntryFactory(
        person__id_number=id_number(n),
        person__name=f"职工{n}",
        enterprise=enterprise,
        role=role,
        start_date=datetime.date(2021, 3, 1),
    ).person
    if trained_on:
        training_record(
            person=person,
            kind="online",
            occurred_on=trained_on,
            title="工伤预防课程",
            source_key="course:1",
        )
    return person


@pytest.fixture
def world(jilin):
    """南关区 and 宽城区 of 长春市, 昌邑区 of 吉林市; figures noted per enterprise."""
    target = training_target_default()
    construction = IndustryFactory(code="construction", name="建筑施工")
    mining = IndustryFactory(code="mining", name="矿山")
    nanguan = EnterpriseFactory(region=jilin["220102"], industry=construction, name="南关企业")
    kuancheng = EnterpriseFactory(region=jilin["220103"], industry=mining, name="宽城企业")
    changyi = EnterpriseFactory(region=jilin["220202"], industry=mining, name="昌邑企业")
    not_key = EnterpriseFactory(region=jilin["220102"], name="南关非重点企业", is_key=False)
    trained = datetime.date(2023, 4, 1)
    # 南关企业: 3 required, 2 covered (manager 1/1, safety head 1/0, team leader 1/1).
    staff(nanguan, Role.MANAGER, 1, trained)
    staff(nanguan, Role.SAFETY_HEAD, 2)
    staff(nanguan, Role.TEAM_LEADER, 3, trained)
    staff(nanguan, Role.OTHER, 4, trained)
    # 宽城企业: 1 of 1. 昌邑企业: 0 of 2.
    staff(kuancheng, Role.TEAM_LEADER, 5, trained)
    staff(changyi, Role.MANAGER, 6)
    staff(changyi, Role.TEAM_LEADER, 7)
    staff(not_key, Role.MANAGER, 8)
    return {
        "target": target,
        "regions": jilin,
        "nanguan": nanguan,
        "kuancheng": kuancheng,
        "changyi": changyi,
        "not_key": not_key,
    }


def regulator_of(region):
    return MembershipFactory(role=Membership.Role.REGULATOR, enterprise=None, region=region).user


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=user).key}")
    return client


def region_url(code):
    return reverse("api:region_detail", args=[code])


def enterprise_url(enterprise):
    return reverse("api:enterprise_detail", args=[enterprise.credit_code])


ENTERPRISES = reverse("api:enterprise_list")


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_every_endpoint_needs_a_token(world):
    anonymous, forged = APIClient(), APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    urls = [
        reverse("api:target_list"),
        reverse("api:region_list"),
        region_url("220000"),
        ENTERPRISES,
        enterprise_url(world["nanguan"]),
    ]
    for url in urls:
        assert anonymous.get(url).status_code == 401
        assert forged.get(url).status_code == 401
    assert not AuditLog.objects.exists()


def test_county_token_cannot_see_another_county_or_the_city(world):
    client = client_for(regulator_of(world["regions"]["220102"]))

    assert client.get(region_url("220102")).status_code == 200
    assert client.get(region_url("220103")).status_code == 404
    assert client.get(region_url("220100")).status_code == 404
    assert client.get(region_url("220000")).status_code == 404
    assert client.get(region_url("220202")).status_code == 404
    assert client.get(enterprise_url(world["nanguan"])).status_code == 200
    assert client.get(enterprise_url(world["kuancheng"])).status_code == 404
    assert client.get(enterprise_url(world["changyi"])).status_code == 404
    assert client.get(ENTERPRISES, {"region": "220103"}).status_code == 404
    assert client.get(ENTERPRISES, {"region": "220100"}).status_code == 404
    assert names(client.get(ENTERPRISES)) == ["南关企业"]
    regions = client.get(reverse("api:region_list")).json()
    assert [region["code"] for region in regions] == ["220102"]


def test_city_token_sees_its_counties_and_nothing_of_another_city(world):
    client = client_for(regulator_of(world["regions"]["220100"]))

    city = client.get(region_url("220100"))
    assert city.status_code == 200
    assert {row["code"] for row in city.json()["subregions"]} >= {"220102", "220103", "220183"}
    assert client.get(region_url("220102")).status_code == 200
    assert client.get(region_url("220103")).status_code == 200
    assert client.get(region_url("220200")).status_code == 404
    assert client.get(region_url("220202")).status_code == 404
    assert client.get(region_url("220000")).status_code == 404
    assert client.get(enterprise_url(world["kuancheng"])).status_code == 200
    assert client.get(enterprise_url(world["changyi"])).status_code == 404
    assert names(client.get(ENTERPRISES)) == ["南关企业", "宽城企业"]
    assert names(client.get(ENTERPRISES, {"region": "220103"})) == ["宽城企业"]
    assert client.get(ENTERPRISES, {"region": "220202"}).status_code == 404


def test_outside_the_scope_reads_exactly_like_not_existing(world):
    client = client_for(regulator_of(world["regions"]["220102"]))

    outside, absent = client.get(region_url("220103")), client.get(region_url("229999"))
    assert (outside.status_code, outside.json()) == (absent.status_code, absent.json())
    outside = client.get(enterprise_url(world["changyi"]))
    absent = client.get(reverse("api:enterprise_detail", args=["91220101MA00000000"]))
    assert (outside.status_code, outside.json()) == (absent.status_code, absent.json())


def test_a_user_without_a_regulator_role_reads_nothing(world):
    client = client_for(UserFactory())

    assert client.get(region_url("220102")).status_code == 404
    assert client.get(enterprise_url(world["nanguan"])).status_code == 404
    assert client.get(ENTERPRISES).json()["results"] == []
    assert client.get(reverse("api:region_list")).json() == []


def test_region_figures_by_role_industry_and_subregion(world):
    client = client_for(regulator_of(world["regions"]["220000"]))

    data = client.get(region_url("220100")).json()
    assert (data["code"], data["name"], data["level"]) == ("220100", "长春市", "city")
    assert (data["required"], data["covered"], data["percent"]) == (4, 3, 75.0)
    assert (data["key_enterprises"], data["complete_enterprises"], data["roster_missing"]) == (
        2,
        1,
        0,
    )
    assert data["complete_share"] == 50.0
    assert data["target"]["code"] == "plan-2021-2025"
    assert data["target"]["end"] == "2025-12-31"
    assert data["by_role"] == {
        "manager": {"required": 1, "covered": 1, "percent": 100.0},
        "safety_head": {"required": 1, "covered": 0, "percent": 0.0},
        "team_leader": {"required": 2, "covered": 2, "percent": 100.0},
    }
    assert data["by_industry"] == [
        {"code": "construction", "name": "建筑施工", "required": 3, "covered": 2, "percent": 66.7},
        {"code": "mining", "name": "矿山", "required": 1, "covered": 1, "percent": 100.0},
    ]
    subregions = {row["code"]: row for row in data["subregions"]}
    assert (subregions["220102"]["required"], subregions["220102"]["covered"]) == (3, 2)
    assert subregions["220104"]["percent"] is None
    province = client.get(region_url("220000")).json()
    assert (province["required"], province["covered"], province["percent"]) == (6, 3, 50.0)


def test_enterprise_list_is_worst_first_with_role_figures_and_no_personal_data(world):
    client = client_for(regulator_of(world["regions"]["220000"]))

    response = client.get(ENTERPRISES)
    body = response.json()
    assert body["count"] == 3
    assert names(response) == ["昌邑企业", "南关企业", "宽城企业"]
    nanguan = body["results"][1]
    assert nanguan == {
        "credit_code": world["nanguan"].credit_code,
        "name": "南关企业",
        "region": {"code": "220102", "name": "南关区"},
        "industry": {"code": "construction", "name": "建筑施工"},
        "required": 3,
        "covered": 2,
        "percent": 66.7,
        "by_role": {
            "manager": {"required": 1, "covered": 1, "percent": 100.0},
            "safety_head": {"required": 1, "covered": 0, "percent": 0.0},
            "team_leader": {"required": 1, "covered": 1, "percent": 100.0},
        },
    }
    text = response.content.decode()
    assert "职工" not in text and "220102199001" not in text


def test_enterprise_detail_and_a_non_key_enterprise(world):
    client = client_for(regulator_of(world["regions"]["220102"]))

    data = client.get(enterprise_url(world["nanguan"])).json()
    assert (data["required"], data["covered"], data["percent"]) == (3, 2, 66.7)
    not_key = client.get(enterprise_url(world["not_key"]))
    assert not_key.status_code == 404
    assert "南关非重点企业" in not_key.json()["detail"]


def test_pages_do_not_overlap(world):
    client = client_for(regulator_of(world["regions"]["220000"]))
    for _ in range(5):
        EnterpriseFactory(region=world["regions"]["220104"], name="同名企业")

    first = client.get(ENTERPRISES, {"page_size": 4}).json()
    second = client.get(ENTERPRISES, {"page_size": 4, "page": 2}).json()
    assert first["count"] == 8 and first["next"] and second["next"] is None
    codes = [row["credit_code"] for row in first["results"] + second["results"]]
    assert len(set(codes)) == 8


def test_list_queries_do_not_grow_with_the_number_of_enterprises(
    world, django_assert_max_num_queries
):
    client = client_for(regulator_of(world["regions"]["220100"]))
    client.get(ENTERPRISES)

    with django_assert_max_num_queries(12) as few:
        client.get(ENTERPRISES, {"region": "220100"})
    for n in range(30):
        enterprise = EnterpriseFactory(region=world["regions"]["220104" if n % 2 else "220105"])
        staff(enterprise, Role.TEAM_LEADER, 100 + n, datetime.date(2024, 1, 1) if n % 3 else None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(ENTERPRISES, {"region": "220100"})
    rows = response.json()["results"]
    assert len(rows) == 32
    assert sum(row["by_role"]["team_leader"]["required"] for row in rows) == 32


def test_region_queries_do_not_grow_with_the_number_of_enterprises(
    world, django_assert_max_num_queries
):
    client = client_for(regulator_of(world["regions"]["220100"]))
    client.get(region_url("220100"))

    with django_assert_max_num_queries(20) as few:
        client.get(region_url("220100"))
    for n in range(30):
        enterprise = EnterpriseFactory(region=world["regions"]["220104"])
        staff(enterprise, Role.MANAGER, 200 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(region_url("220100")).json()["required"] == 34


def test_target_parameter(world):
    TrainingTargetFactory(
        code="plan-2026-2030",
        name="2026—2030",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )
    client = client_for(regulator_of(world["regions"]["220102"]))

    later = client.get(region_url("220102"), {"target": "plan-2026-2030"}).json()
    assert (later["target"]["code"], later["required"], later["covered"]) == (
        "plan-2026-2030",
        3,
        0,
    )
    unknown = client.get(ENTERPRISES, {"target": "plan-1999"})
    assert unknown.status_code == 400
    assert "plan-1999" in unknown.json()["target"][0]
    targets = client.get(reverse("api:target_list")).json()
    assert [t["code"] for t in targets] == ["plan-2026-2030", "plan-2021-2025"]


def test_every_answer_with_data_is_audited(world):
    user = regulator_of(world["regions"]["220100"])
    client = client_for(user)

    client.get(ENTERPRISES, {"region": "220102"})
    client.get(region_url("220100"))
    client.get(region_url("220202"))  # 404: no data, no entry

    entries = list(AuditLog.objects.order_by("pk"))
    assert [(e.action, e.user, e.rows) for e in entries] == [
        (AuditLog.Action.API, user, 1),
        (AuditLog.Action.API, user, 1),
    ]
    assert entries[0].subject == f"GET {ENTERPRISES}?region=220102"
    assert entries[0].ip_address == "127.0.0.1"
    assert not any(e.contains_personal_data for e in entries)


def test_the_api_is_read_only(world):
    client = client_for(regulator_of(world["regions"]["220000"]))
    for url in (ENTERPRISES, region_url("220100"), enterprise_url(world["nanguan"])):
        assert client.post(url, {}).status_code == 405
        assert client.delete(url).status_code == 405


def test_a_signed_in_regulator_can_open_the_api_in_a_browser(client, world):
    client.force_login(regulator_of(world["regions"]["220102"]))

    page = client.get(ENTERPRISES, headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "南关企业" in page.text
    assert client.get(region_url("220103")).status_code == 404


def test_schema_documents_every_endpoint(client, world):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert {
        "/api/targets/",
        "/api/coverage/regions/",
        "/api/coverage/regions/{code}/",
        "/api/coverage/enterprises/",
        "/api/coverage/enterprises/{credit_code}/",
    } <= set(schema["paths"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    listed = schema["paths"]["/api/coverage/enterprises/"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"region", "target", "page"}
    enterprise = schema["components"]["schemas"]["EnterpriseCoverage"]["properties"]
    assert {"credit_code", "required", "covered", "percent", "by_role"} <= set(enterprise)


# --- manage.py api_token --------------------------------------------------------------------


def api_token(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_api_token_prints_the_same_working_token_for_a_regulator(world):
    user = regulator_of(world["regions"]["220102"])
    user.email = "jianguan@example.cn"
    user.save()

    key, note = api_token("--email", "jianguan@example.cn")
    assert key == Token.objects.get(user=user).key
    assert "南关区 (220102)" in note
    assert api_token("--phone", user.phone.removeprefix("+86"))[0] == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(region_url("220102")).status_code == 200


def test_api_token_accepts_a_phone_number_written_with_spaces(world):
    user = regulator_of(world["regions"]["220102"])
    user.phone = "+8613800138000"
    user.save()
    assert api_token("--phone", "138 0013 8000")[0] == Token.objects.get(user=user).key


def test_api_token_refuses_a_user_without_a_regulator_role(world):
    admin = MembershipFactory(enterprise=world["nanguan"]).user
    with pytest.raises(CommandError, match="no regulator membership"):
        api_token("--phone", admin.phone)
    assert not Token.objects.exists()


def test_api_token_refuses_unknown_and_deactivated_users(world):
    with pytest.raises(CommandError, match=r"nobody@example\.cn"):
        api_token("--email", "nobody@example.cn")
    with pytest.raises(CommandError, match="12345"):
        api_token("--phone", "12345")
    user = regulator_of(world["regions"]["220102"])
    user.is_active = False
    user.save()
    with pytest.raises(CommandError):
        api_token("--phone", user.phone)


def test_api_token_rotate_and_revoke(world):
    user = regulator_of(world["regions"]["220102"])
    old = api_token("--phone", user.phone)[0]

    new = api_token("--phone", user.phone, "--rotate")[0]
    assert new != old
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get(region_url("220102")).status_code == 401
    assert api_token("--phone", user.phone, "--revoke")[0] == ""
    assert not Token.objects.filter(user=user).exists()
