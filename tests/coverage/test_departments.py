"""A regulator with a department sees the enterprises (and accident figures) of the
industries that department supervises, on every page, export and API endpoint; without a
department, or with one that oversees every industry, the whole region."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from coverage.accidents.services import accident_figures_import
from coverage.forecast.selectors import _trend_key, coverage_trend, region_trends_warm
from coverage.forecast.trend_scope import region_view
from coverage.jurisdiction import (
    accident_figures_in_scope,
    enterprises_in_scope,
    escalations_visible,
    sessions_in_scope,
)
from coverage.models import (
    AccidentFigures,
    AuditLog,
    Department,
    DepartmentScope,
    Enterprise,
    Membership,
    Role,
)
from coverage.selectors import covered_entries, required_entries
from coverage.services import training_record
from reminders.models import EscalationTask
from tests.factories import (
    AccidentFiguresFactory,
    EnterpriseFactory,
    IndustryFactory,
    MembershipFactory,
    ReminderRuleFactory,
    RosterEntryFactory,
    TokenFactory,
    TrainingSessionFactory,
    TrainingTargetFactory,
)
from tests.helpers.accidents import accident_workbook
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(jilin):
    """Construction, transport and mining enterprises (and one without an industry) in two
    cities, some of their key-role people trained; 住建 supervises construction, 人社 all."""
    year = timezone.localdate().year
    target = TrainingTargetFactory(
        code="now", start_date=datetime.date(year - 1, 1, 1), end_date=datetime.date(year, 12, 31)
    )
    construction = IndustryFactory(code="construction", name="建筑施工")
    transport = IndustryFactory(code="transport", name="交通运输")
    mining = IndustryFactory(code="mining", name="矿山")
    serial = iter(range(1, 100))

    def enterprise(name, region, industry, trained, untrained):
        e = EnterpriseFactory(name=name, region=jilin[region], industry=industry)
        for n in range(trained + untrained):
            entry = RosterEntryFactory(
                person__id_number=id_number(next(serial)),
                enterprise=e,
                role=[Role.MANAGER, Role.SAFETY_HEAD, Role.TEAM_LEADER][n % 3],
                start_date=datetime.date(year - 1, 1, 1),
            )
            if n < trained:
                training_record(
                    person=entry.person,
                    kind="online",
                    occurred_on=datetime.date(year - 1, 3 + n, 1),
                    title="课程",
                    source_key=f"course:{e.pk}:{n}",
                )
        return e

    DepartmentScope.objects.all().delete()
    DepartmentScope.objects.create(department=Department.HOUSING).industries.set([construction])
    DepartmentScope.objects.create(department=Department.HUMAN_RESOURCES, all_industries=True)
    return {
        "target": target,
        "regions": jilin,
        "construction": construction,
        "transport": transport,
        "mining": mining,
        "builder": enterprise("南关建筑公司", "220102", construction, 2, 1),
        "builder2": enterprise("昌邑建筑公司", "220202", construction, 0, 2),
        "carrier": enterprise("宽城运输公司", "220103", transport, 3, 0),
        "mine": enterprise("昌邑矿业公司", "220202", mining, 1, 3),
        "plain": enterprise("无行业企业", "220103", None, 1, 1),
    }


def regulator(region, department=""):
    return MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=region, department=department
    ).user


def region_url(code, **params):
    from urllib.parse import urlencode

    url = reverse("coverage:region_detail", args=[code])
    return url + ("?" + urlencode(params) if params else "")


def recount(target, enterprises):
    """Required and covered from the rosters and CoveredPerson, not the maintained counts."""
    return (
        required_entries(target=target, enterprises=enterprises).count(),
        covered_entries(target=target, enterprises=enterprises).count(),
    )


def names(enterprises):
    return set(enterprises.values_list("name", flat=True))


def test_housing_regulator_sees_construction_enterprises_only(province):
    housing = regulator(province["regions"]["220000"], Department.HOUSING)

    assert names(enterprises_in_scope(housing)) == {"南关建筑公司", "昌邑建筑公司"}


@pytest.mark.parametrize("department", ["", Department.HUMAN_RESOURCES])
def test_without_a_department_or_with_hrss_a_regulator_sees_all(province, department):
    user = regulator(province["regions"]["220000"], department)

    assert enterprises_in_scope(user).count() == 5


def test_a_department_without_a_mapping_sees_nothing(province):
    user = regulator(province["regions"]["220000"], Department.TRANSPORT)

    assert not enterprises_in_scope(user).exists()


def test_the_department_narrows_within_each_membership_only(province):
    regions = province["regions"]
    user = regulator(regions["220100"], Department.HOUSING)
    MembershipFactory(
        user=user, role=Membership.Role.REGULATOR, enterprise=None, region=regions["220202"]
    )

    # 长春: construction only; 昌邑区 (吉林市): every enterprise there.
    assert names(enterprises_in_scope(user)) == {"南关建筑公司", "昌邑建筑公司", "昌邑矿业公司"}


def test_region_page_figures_are_a_recount_over_the_departments_enterprises(client, province):
    target = province["target"]
    client.force_login(regulator(province["regions"]["220000"], Department.HOUSING))

    response = client.get(region_url("220000"))

    construction = Enterprise.objects.filter(industry=province["construction"])
    summary = response.context["summary"]
    assert (summary.people.required, summary.people.covered) == recount(target, construction)
    assert summary.key_enterprises == 2
    by_city = {f.region.code: f for f in response.context["subregions"]}
    assert (by_city["220100"].people.required, by_city["220100"].people.covered) == (3, 2)
    assert (by_city["220200"].people.required, by_city["220200"].people.covered) == (2, 0)
    assert [name for name, _f in response.context["by_industry"]] == ["建筑施工"]
    assert {p.name for p, _f in response.context["at_risk_enterprises"]} <= names(construction)
    role_required = sum(f.required for _label, f in response.context["by_role"])
    assert role_required == summary.people.required
    assert response.context["trend"][-1].figures.required == summary.people.required
    content = response.content.decode()
    assert f"{Department.HOUSING.label} · 建筑施工" in content
    industry_choices = response.context["form"].fields["industry"].queryset
    assert list(industry_choices.values_list("code", flat=True)) == ["construction"]


def test_region_page_of_an_hrss_regulator_counts_every_enterprise(client, province):
    client.force_login(regulator(province["regions"]["220000"], Department.HUMAN_RESOURCES))

    summary = client.get(region_url("220000")).context["summary"]

    everything = Enterprise.objects.all()
    assert (summary.people.required, summary.people.covered) == recount(
        province["target"], everything
    )
    assert summary.key_enterprises == 5


def test_enterprise_of_another_industry_is_not_found(client, province):
    client.force_login(regulator(province["regions"]["220000"], Department.HOUSING))

    url = reverse("coverage:enterprise_detail", args=[province["carrier"].credit_code])
    assert client.get(url).status_code == 404
    url = reverse("coverage:enterprise_detail", args=[province["builder"].credit_code])
    assert client.get(url).status_code == 200


def test_exports_hold_the_departments_enterprises_and_are_audited(client, province):
    client.force_login(regulator(province["regions"]["220000"], Department.HOUSING))

    response = client.get(region_url("220000", export="xlsx", table="enterprises"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == {"南关建筑公司", "昌邑建筑公司"}
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == 1


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {TokenFactory(user=user).key}")
    return client


def test_api_token_of_a_housing_regulator_reads_construction_only(province):
    client = api_client(regulator(province["regions"]["220000"], Department.HOUSING))

    listed = client.get(reverse("api:enterprise_list")).json()["results"]
    region = client.get(reverse("api:region_detail", args=["220000"])).json()
    carrier = client.get(reverse("api:enterprise_detail", args=[province["carrier"].credit_code]))

    assert {row["name"] for row in listed} == {"南关建筑公司", "昌邑建筑公司"}
    construction = Enterprise.objects.filter(industry=province["construction"])
    assert (region["required"], region["covered"]) == recount(province["target"], construction)
    assert [row["code"] for row in region["by_industry"]] == ["construction"]
    assert carrier.status_code == 404


def test_api_token_without_a_department_reads_everything(province):
    client = api_client(regulator(province["regions"]["220000"]))

    region = client.get(reverse("api:region_detail", args=["220000"])).json()

    assert (region["required"], region["covered"]) == recount(
        province["target"], Enterprise.objects.all()
    )


def test_the_cached_trend_differs_by_department(client, province):
    target, today = province["target"], timezone.localdate()
    province_region = province["regions"]["220000"]
    client.force_login(regulator(province_region))
    whole = client.get(region_url("220000")).context["trend"]
    client.force_login(regulator(province_region, Department.HOUSING))
    narrowed = client.get(region_url("220000")).context["trend"]

    construction = Enterprise.objects.filter(industry=province["construction"])
    assert narrowed == coverage_trend(target=target, enterprises=construction, today=today)
    assert whole == coverage_trend(target=target, enterprises=Enterprise.objects.all())
    assert narrowed[-2].figures != whole[-2].figures  # a past month, read from the cache
    # The shared value (the nightly task's) is still the whole region's.
    shared = cache.get(_trend_key(target, province_region, None, today))
    assert shared[-2] == whole[-2]


def test_editing_the_mapping_changes_what_is_seen(client, province):
    user = regulator(province["regions"]["220000"], Department.HOUSING)
    client.force_login(user)
    before = client.get(region_url("220000")).context

    DepartmentScope.objects.get(department=Department.HOUSING).industries.add(province["transport"])
    after = client.get(region_url("220000")).context

    assert before["summary"].key_enterprises == 2
    assert after["summary"].key_enterprises == 3
    assert after["trend"][-2].figures.required == before["trend"][-2].figures.required + 3
    url = reverse("coverage:enterprise_detail", args=[province["carrier"].credit_code])
    assert client.get(url).status_code == 200


def test_the_department_adds_no_query_to_the_province_page(
    client, province, django_assert_max_num_queries
):
    client.force_login(regulator(province["regions"]["220000"]))
    client.get(region_url("220000"))
    with django_assert_max_num_queries(60) as whole:
        client.get(region_url("220000"))
    budget = len(whole.captured_queries)  # read before the next request resets the log
    client.force_login(regulator(province["regions"]["220000"], Department.HOUSING))
    client.get(region_url("220000"))

    # The scope and the header's industry names come with the memberships' one query.
    with django_assert_max_num_queries(budget):
        client.get(region_url("220000"))


def test_accident_figures_are_narrowed_by_industry(client, province):
    regions = province["regions"]
    for industry in (province["construction"], province["transport"]):
        AccidentFiguresFactory(region=regions["220100"], industry=industry, year=2023)
    user = regulator(regions["220000"], Department.HOUSING)
    client.force_login(user)

    page = client.get(reverse("coverage:accident_region", args=["220000"]))
    api = api_client(user).get(reverse("api:accident_region", args=["220000"])).json()

    assert set(accident_figures_in_scope(user).values_list("industry__code", flat=True)) == {
        "construction"
    }
    assert [s.code for s in page.context["overview"].industries] == ["construction"]
    assert [s["code"] for s in api["industries"]] == ["construction"]


def test_sessions_of_other_industries_are_not_listed(province):
    user = regulator(province["regions"]["220000"], Department.HOUSING)
    builder_session = TrainingSessionFactory(organiser=province["builder"])
    TrainingSessionFactory(organiser=province["carrier"])

    assert list(sessions_in_scope(user)) == [builder_session]


def test_escalation_tasks_of_other_industries_are_not_listed(province):
    rule = ReminderRuleFactory(region=province["regions"]["220100"], target=province["target"])
    now = timezone.now()
    for enterprise in (province["builder"], province["carrier"]):
        EscalationTask.objects.create(
            rule=rule, period="p", enterprise=enterprise, reminded_at=now, created_at=now
        )
    user = regulator(province["regions"]["220000"], Department.HOUSING)

    visible = EscalationTask.objects.filter(escalations_visible(user))

    assert [task.enterprise for task in visible] == [province["builder"]]


def test_a_department_imports_accident_figures_of_its_industries_only(province):
    user = regulator(province["regions"]["220000"], Department.HOUSING)
    rows = [
        ["220102", "建筑施工", 2023, 30, 1, 4, 2, 10000],
        ["220102", "交通运输", 2023, 20, 1, 0, 0, 8000],
    ]

    with translation.override("en"):
        refused = accident_figures_import(
            user=user, file=accident_workbook(rows), filename="f.xlsx"
        )
        accepted = accident_figures_import(
            user=user, file=accident_workbook(rows[:1]), filename="f.xlsx"
        )

    assert [(p.row, p.column) for p in refused.problems] == [(3, "行业")]
    assert "交通运输 is not an industry your department supervises" in refused.problems[0].message
    assert accepted.imported
    assert list(AccidentFigures.objects.values_list("industry__code", flat=True)) == [
        "construction"
    ]


def test_the_api_token_command_names_the_department(province):
    user = regulator(province["regions"]["220100"], Department.HOUSING)
    out, err = io.StringIO(), io.StringIO()

    with translation.override("en"):
        call_command("api_token", "--phone", user.phone.removeprefix("+86"), stdout=out, stderr=err)

    assert "长春市 (220100 · Housing and Urban-Rural Development)" in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    listed = client.get(reverse("api:enterprise_list")).json()["results"]
    assert {row["name"] for row in listed} == {"南关建筑公司"}


def test_the_nightly_task_computes_the_departments_trends_too(province):
    target, today = province["target"], timezone.localdate()
    city = province["regions"]["220100"]
    city_housing = regulator(city, Department.HOUSING)
    province_housing = regulator(province["regions"]["220000"], Department.HOUSING)

    region_trends_warm()

    view = region_view(city_housing, city)
    assert view.key and view.key == region_view(province_housing, city).key
    cached = cache.get(_trend_key(target, city, None, today, view.key))
    construction = Enterprise.objects.filter(
        industry=province["construction"], region__path__startswith=city.path
    )
    assert cached == coverage_trend(target=target, enterprises=construction, today=today)
    # The province's own 住建 regulator finds the province's value computed as well.
    province_key = region_view(province_housing, province["regions"]["220000"]).key
    assert cache.get(_trend_key(target, province["regions"]["220000"], None, today, province_key))
