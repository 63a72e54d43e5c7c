"""The roster preview counts rows, not problems, lists each row's problems under it, and merges
rows that say exactly the same thing twice."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from coverage.identifiers import mask_id_number
from coverage.models import Membership, Person, RosterEntry, RosterImport
from tests.factories import MembershipFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

HEADER = "姓名,身份证号,手机号,岗位类别,部门\r\n"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def admin(client):
    membership = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    client.force_login(membership.user)
    return membership


def preview_of(client, enterprise, lines: list[str]) -> tuple[RosterImport, str]:
    content = (HEADER + "".join(line + "\r\n" for line in lines)).encode("utf-8")
    response = client.post(
        reverse("coverage:roster_import", kwargs={"credit_code": enterprise.credit_code}),
        {"file": SimpleUploadedFile("花名册.csv", content), "mode": "add"},
    )
    assert response.status_code == 302
    record = RosterImport.objects.latest("pk")
    return record, client.get(response.url).text


def commit(client, record):
    kwargs = {"credit_code": record.enterprise.credit_code, "pk": record.pk}
    client.post(reverse("coverage:roster_import_commit", kwargs=kwargs))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED


def problem_rows(page: str) -> dict[int, list[str]]:
    """Row number → the problems listed under it, as the preview shows them."""
    rows = re.findall(r'<tr data-row="(\d+)">(.*?)</tr>', page, flags=re.S)
    return {int(number): re.findall(r"<li>(.*?)</li>", cells, flags=re.S) for number, cells in rows}


def test_one_row_with_three_problems_counts_as_one_row_with_its_problems_under_it(client, admin):
    bad = id_number(1)[:-1] + ("0" if id_number(1)[-1] != "0" else "1")
    record, page = preview_of(
        client,
        admin.enterprise,
        [f"张三,{id_number(2)},13800000002,班组长,一车间", f"李四,{bad},12345,司机,一车间"],
    )
    assert record.counts["rejected"] == 1 and record.counts["problems"] == 3
    assert record.counts["created"] == 1
    rows = problem_rows(page)
    assert list(rows) == [3] and len(rows[3]) == 3
    assert re.search(r'<tr data-row="3"><td>3</td><td>李四</td><td>[0-9*]+</td>', page)
    assert bad not in page
    # The count shown is the rows' count, not the problems'.
    assert re.search(r"<td>1</td><th[^>]*>Rows with problems", page)


def test_identical_rows_are_merged_into_the_first_with_a_note(client, admin):
    same = f"王五,{id_number(3)},13800000003,班组长,一车间"
    record, page = preview_of(
        client, admin.enterprise, [same, f"赵六,{id_number(4)},,其他,二车间", same]
    )
    # Rows 2 and 4 (the file's second and fourth lines) are the same person, written alike.
    assert record.counts["rejected"] == 0 and record.counts["created"] == 2
    assert record.notes == ["Row 4 is identical to row 2: merged into it."]
    assert "Row 4 is identical to row 2: merged into it." in page

    commit(client, record)
    assert record.counts["created"] == 2
    assert record.notes == ["Row 4 is identical to row 2: merged into it."]
    person = Person.objects.get(name="王五")
    assert RosterEntry.objects.filter(person=person, end_date__isnull=True).count() == 1


def test_same_id_number_with_different_content_is_still_rejected(client, admin):
    record, page = preview_of(
        client,
        admin.enterprise,
        [
            f"王五,{id_number(3)},13800000003,班组长,一车间",
            f"王五,{id_number(3)},13800000003,班组长,二车间",
            f"王五,{id_number(3)},13800000003,班组长,一车间",
        ],
    )
    # Two rows agree, the third differs: which is right is the administrator's call.
    assert record.counts["rejected"] == 3 and record.notes == []
    assert set(problem_rows(page)) == {2, 3, 4}
    commit(client, record)
    assert not Person.objects.filter(name="王五").exists()


def test_rejected_rows_file_names_each_row_by_its_person(client, admin):
    record, _page = preview_of(client, admin.enterprise, [f"李四,{id_number(5)},12345,司机,一车间"])
    kwargs = {"credit_code": admin.enterprise.credit_code, "pk": record.pk}
    response = client.get(reverse("coverage:roster_import_rejected", kwargs=kwargs))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert rows[0] == ["Row", "Name", "ID number", "Column", "Problem"]
    assert [r[:4] for r in rows[1:]] == [
        [2, "李四", mask_id_number(id_number(5)), "手机号"],
        [2, "李四", mask_id_number(id_number(5)), "岗位类别"],
    ]
    assert sheet.title != "Sheet" and sheet.title == "Rows not imported"
