"""我的学时 and the person pages: totals per year and target, each line's source, authorisation
through coverage.jurisdiction (another organisation's person: 404), masked identifiers, audited
exports and a bounded number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from coverage.models import AuditLog, Role
from ledger.corrections.services import ledger_line_correct
from tests.factories import (
    EnterpriseFactory,
    PersonFactory,
    RegionFactory,
    RosterEntryFactory,
    TrainingRecordFactory,
    TrainingTargetFactory,
    UserFactory,
    admin_of,
    regulator_of,
)
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    user = UserFactory()
    person = PersonFactory(user=user, name="张伟", id_number=id_number(7))
    target = TrainingTargetFactory(code="plan", name="五年计划目标")
    TrainingRecordFactory(
        person=person,
        occurred_on=datetime.date(2023, 4, 1),
        hours=4,
        title="工伤预防基础（线上）",
        source_key="course:12",
        targets=[target],
    )
    TrainingRecordFactory(
        person=person,
        kind="offline",
        occurred_on=datetime.date(2024, 6, 2),
        hours=2,
        title="班组长集中培训",
        source_key="session:3",
        targets=[target],
    )
    return user, person, target


def test_my_hours_shows_totals_per_year_and_target_and_each_source(client, worker):
    user, person, _target = worker
    client.force_login(user)
    response = client.get(reverse("ledger:my_hours"))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals.hours == Decimal("6.0")
    assert totals.per_year == [(2024, Decimal("2.0")), (2023, Decimal("4.0"))]
    assert [(t.target.code, t.hours) for t in totals.per_target] == [("plan", Decimal("6.0"))]
    sources = [line.source for line in response.context["lines"]]
    with translation.override("zh-hans"):
        assert sources == [_("Offline attendance verified"), _("Online course completed")]
    page = response.content.decode()
    assert "班组长集中培训" in page and person.id_number_masked in page
    assert person.id_number not in page

    by_year = client.get(reverse("ledger:my_hours"), {"year": 2023}).context
    assert by_year["totals"].hours == Decimal("4.0") and len(by_year["lines"]) == 1


def test_the_me_page_links_my_hours(client, worker):
    client.force_login(worker[0])
    assert reverse("ledger:my_hours") in client.get(reverse("accounts:home")).content.decode()


def test_my_hours_asks_for_identity_when_none_is_bound(client):
    client.force_login(UserFactory())
    response = client.get(reverse("ledger:my_hours"))
    assert response.status_code == 200 and response.context["person"] is None


def test_my_export_is_an_audited_xlsx_of_my_lines(client, worker):
    user, person, _target = worker
    client.force_login(user)
    response = client.get(reverse("ledger:my_hours_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 3 and rows[1][0] == "张伟" and rows[1][1] == person.id_number
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.user == user and log.rows == 2 and log.contains_personal_data


@pytest.fixture
def rosters(worker):
    _user, person, _target = worker
    city = RegionFactory(code="229900", level="city")
    county = RegionFactory(code="229901", parent=city)
    former = EnterpriseFactory(region=county)
    RosterEntryFactory(
        person=person,
        enterprise=former,
        role=Role.TEAM_LEADER,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )
    other = EnterpriseFactory(region=RegionFactory(code="228800"))
    RosterEntryFactory(enterprise=other)
    return person, former, other, city


def test_an_organisation_sees_a_former_employee_with_history_and_masked_id(client, rosters):
    person, former, _other, _city = rosters
    client.force_login(admin_of(former))
    url = reverse("ledger:enterprise_person", args=[former.credit_code, person.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert person.id_number_masked in page and person.id_number not in page
    assert response.context["totals"].hours == Decimal("6.0")
    assert [entry.enterprise for entry in response.context["entries"]] == [former]
    assert not response.context["may_correct"]

    export = client.get(
        reverse("ledger:enterprise_person_export", args=[former.credit_code, person.pk])
    )
    row = list(load_workbook(io.BytesIO(export.content)).active.values)[1]
    assert row[1] == person.id_number  # the organisation's own administrators need it


def test_another_organisations_person_page_is_not_found(client, rosters):
    person, former, other, _city = rosters
    client.force_login(admin_of(other))
    for name, args in [
        ("ledger:enterprise_person", [other.credit_code, person.pk]),
        ("ledger:enterprise_person", [former.credit_code, person.pk]),
        ("ledger:enterprise_person_export", [other.credit_code, person.pk]),
        ("ledger:person", [person.pk]),
        ("ledger:person_export", [person.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert not AuditLog.objects.exists()


def test_a_regulator_sees_people_in_scope_masked_and_finds_them_by_id_number(client, rosters):
    person, _former, other, city = rosters
    regulator = regulator_of(city)
    client.force_login(regulator)
    response = client.get(reverse("ledger:person", args=[person.pk]))
    assert response.status_code == 200 and response.context["may_correct"]
    assert person.id_number not in response.content.decode()
    export = client.get(reverse("ledger:person_export", args=[person.pk]))
    assert list(load_workbook(io.BytesIO(export.content)).active.values)[1][1] == (
        person.id_number_masked
    )

    found = client.post(reverse("ledger:person_find"), {"id_number": person.id_number})
    assert found.status_code == 302 and found.url == reverse("ledger:person", args=[person.pk])
    outsider = other.roster_entries.get().person
    refused = client.post(reverse("ledger:person_find"), {"id_number": outsider.id_number})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.get(reverse("ledger:person", args=[outsider.pk])).status_code == 404


def test_the_regulator_corrects_a_line_through_the_form(client, rosters):
    person, _former, _other, city = rosters
    client.force_login(regulator_of(city))
    line = person.training_records.get(source_key="session:3")
    url = reverse("ledger:line_correct", args=[person.pk, line.pk])
    assert client.post(url, {"void": "on", "reason": ""}).status_code == 200
    response = client.post(url, {"void": "on", "reason": "未实际参训"})
    assert response.status_code == 302
    page = client.get(reverse("ledger:person", args=[person.pk]))
    assert page.context["totals"].hours == Decimal("4.0")
    assert "未实际参训" in page.content.decode()


def test_the_worker_and_organisations_cannot_correct(client, rosters):
    person, former, _other, _city = rosters
    line = person.training_records.first()
    url = reverse("ledger:line_correct", args=[person.pk, line.pk])
    for user in (person.user, admin_of(former)):
        client.force_login(user)
        assert client.post(url, {"void": "on", "reason": "x"}).status_code == 404


def test_person_page_queries_do_not_grow_with_lines(client, rosters, django_assert_max_num_queries):
    person, former, _other, _city = rosters
    for n in range(30):
        line = TrainingRecordFactory(person=person, hours=1, source_key=f"authority:{n}")
        if n % 3 == 0:
            ledger_line_correct(line=line, user=None, reason="重复", void=True)
    client.force_login(admin_of(former))
    url = reverse("ledger:enterprise_person", args=[former.credit_code, person.pk])
    client.get(url)
    with django_assert_max_num_queries(17):
        response = client.get(url)
    assert len(response.context["lines"]) == 2 + 30 + 10
