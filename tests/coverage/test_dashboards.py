import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coverage.models import AuditLog, Membership, Role, RosterEntry
from coverage.services import training_record, training_target_default
from tests.factories import EnterpriseFactory, MembershipFactory, RosterEntryFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(jilin):
    target = training_target_default()
    trained = EnterpriseFactory(region=jilin["220102"], name="已培训企业")
    untrained = EnterpriseFactory(region=jilin["220103"], name='=HYPERLINK("http://x")企业')
    empty = EnterpriseFactory(region=jilin["220103"], name="空名册企业")
    people = []
    for n, (enterprise, role) in enumerate(
        [(trained, Role.MANAGER), (untrained, Role.SAFETY_HEAD), (untrained, Role.TEAM_LEADER)]
    ):
        entry = RosterEntryFactory(
            person__id_number=id_number(n + 1),
            person__name=f"员工{n}",
            person__phone=f"1380000{n:04d}",
            enterprise=enterprise,
            role=role,
            start_date=datetime.date(2021, 1, 1),
        )
        people.append(entry.person)
    training_record(
        person=people[0],
        kind="offline",
        occurred_on=datetime.date(2023, 3, 3),
        title="线下培训",
        source_key="session:1",
    )
    regulator = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220100"]
    ).user
    return {
        "target": target,
        "regions": jilin,
        "trained": trained,
        "untrained": untrained,
        "empty": empty,
        "people": people,
        "regulator": regulator,
    }


def region_url(code, **params):
    from urllib.parse import urlencode

    return reverse("coverage:region_detail", args=[code]) + (
        "?" + urlencode(params) if params else ""
    )


def enterprise_url(enterprise, **params):
    from urllib.parse import urlencode

    url = reverse("coverage:enterprise_detail", args=[enterprise.credit_code])
    return url + ("?" + urlencode(params) if params else "")


def test_regulator_dashboard_shows_people_weighted_figure_and_worst_first(client, city):
    client.force_login(city["regulator"])
    response = client.get(region_url("220100"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.people.required, summary.people.covered) == (3, 1)
    assert (summary.key_enterprises, summary.complete_enterprises, summary.roster_missing) == (
        3,
        1,
        1,
    )
    names = [e.name for e in response.context["page"]]
    assert names == ["空名册企业", city["untrained"].name, "已培训企业"]
    assert "33.3%" in response.text


@pytest.mark.parametrize(
    ("status", "expected"),
    [("missing", ["空名册企业"]), ("complete", ["已培训企业"]), ("incomplete", None)],
)
def test_enterprise_filters(client, city, status, expected):
    client.force_login(city["regulator"])
    response = client.get(region_url("220100", status=status))
    names = [e.name for e in response.context["page"]]
    assert names == (expected or [city["untrained"].name])


def test_filter_by_sub_region(client, city):
    client.force_login(city["regulator"])
    response = client.get(region_url("220100", area="220102"))
    assert [e.name for e in response.context["page"]] == ["已培训企业"]


def test_dashboard_query_count_does_not_grow_with_enterprises(
    client, city, django_assert_max_num_queries
):
    client.force_login(city["regulator"])
    client.get(region_url("220100"))
    with django_assert_max_num_queries(40) as baseline:
        client.get(region_url("220100"))
    for n in range(25):
        EnterpriseFactory(region=city["regions"]["220104" if n % 2 else "220106"])
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(region_url("220100"))
    assert response.context["page"].paginator.count == 28


def test_export_neutralises_formulas_and_is_audited(client, city):
    client.force_login(city["regulator"])
    response = client.get(region_url("220100", export="xlsx", table="enterprises"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "'" + city["untrained"].name in names
    log = AuditLog.objects.get()
    assert log.user == city["regulator"]
    assert log.action == AuditLog.Action.EXPORT
    assert log.rows == 3


def test_csv_export_opens_in_excel_as_utf8(client, city):
    client.force_login(city["regulator"])
    response = client.get(region_url("220100", export="csv", table="subregions"))
    assert response.content.startswith("\ufeff".encode())
    assert "南关区" in response.content.decode("utf-8-sig")


def test_regulator_sees_masked_people_and_exports_masked(client, city):
    client.force_login(city["regulator"])
    response = client.get(enterprise_url(city["untrained"]))
    full_id = id_number(2)
    assert full_id not in response.text
    assert full_id[:6] + "********" + full_id[14:] in response.text
    export = client.get(enterprise_url(city["untrained"], export="xlsx", table="missing"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    ids = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert full_id not in ids and len(ids) == 2
    log = AuditLog.objects.get()
    assert log.contains_personal_data and log.rows == 2


def test_enterprise_admin_exports_full_identifiers_and_the_export_is_logged(client, city):
    admin = MembershipFactory(enterprise=city["untrained"]).user
    client.force_login(admin)
    page = client.get(enterprise_url(city["untrained"]))
    assert id_number(2) not in page.text  # on screen: masked even for the administrator
    export = client.get(enterprise_url(city["untrained"], export="xlsx", table="roster"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[1].value: row[2].value for row in sheet.iter_rows(min_row=2)}
    assert rows[id_number(2)] == "13800000001"
    assert AuditLog.objects.filter(user=admin, contains_personal_data=True).count() == 1


def test_enterprise_dashboard_lists_people_missing_training(client, city):
    admin = MembershipFactory(enterprise=city["untrained"]).user
    client.force_login(admin)
    response = client.get(enterprise_url(city["untrained"]))
    assert {e.person.name for e in response.context["missing"]} == {"员工1", "员工2"}
    assert response.context["totals"].percent == 0.0


def test_roster_history_shows_people_who_left(client, city):
    from coverage.services import roster_entry_end

    entry = RosterEntry.objects.get(person=city["people"][2])
    roster_entry_end(entry=entry)
    client.force_login(MembershipFactory(enterprise=city["untrained"]).user)
    current = client.get(enterprise_url(city["untrained"]))
    history = client.get(enterprise_url(city["untrained"], history="1"))
    assert current.context["roster"].paginator.count == 1
    assert history.context["roster"].paginator.count == 2


def test_enterprise_dashboard_query_count_does_not_grow_with_the_roster(
    client, city, django_assert_max_num_queries
):
    client.force_login(city["regulator"])
    enterprise = city["untrained"]
    client.get(enterprise_url(enterprise))
    with django_assert_max_num_queries(40) as baseline:
        client.get(enterprise_url(enterprise))
    for n in range(20):
        RosterEntryFactory(
            person__id_number=id_number(100 + n),
            person__name=f"新人{n}",
            enterprise=enterprise,
            role=Role.TEAM_LEADER,
            start_date=datetime.date(2022, 1, 1),
        )
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(enterprise_url(enterprise))


def test_export_of_another_region_is_not_found(client, city):
    client.force_login(city["regulator"])
    assert client.get(region_url("220200", export="xlsx", table="enterprises")).status_code == 404
    assert AuditLog.objects.count() == 0


def test_without_a_target_the_dashboard_says_so(client, jilin):
    regulator = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220100"]
    ).user
    client.force_login(regulator)
    response = client.get(region_url("220100"))
    assert response.status_code == 200
    assert "coverage/no_target.html" in [t.name for t in response.templates]
