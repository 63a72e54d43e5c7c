"""Designations from a file: a good file imported and audited, every bad row named (row,
column, problem), nothing half-applied, only the importer's own regions, the template."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from coverage.designations.services import designations_import
from coverage.models import AuditLog, KeyDesignation
from coverage.rosters.files import RosterFileError
from tests.factories import EnterpriseFactory, IndustryFactory, admin_of, regulator_of

pytestmark = pytest.mark.django_db

HEADERS = ["地区代码", "年份", "类别", "行业", "统一社会信用代码", "项目名称", "研判理由"]


def workbook(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(jilin):
    mining = IndustryFactory(code="mining", name="矿山")
    return {
        "changchun": regulator_of(jilin["220100"]),
        "mine": EnterpriseFactory(region=jilin["220102"], industry=mining, is_key=False),
        "builder": EnterpriseFactory(region=jilin["220104"], is_key=False),
        "jilin_city": EnterpriseFactory(region=jilin["220202"], is_key=False),
        "school": EnterpriseFactory(
            region=jilin["220102"], kind="school", industry=None, is_key=False
        ),
    }


def good_rows(world) -> list[list]:
    return [
        ["220100", 2026, "重点行业", "矿山", "", "", "2025年矿山事故占全市工伤认定三成"],
        ["220102", "2026年", "重点企业", "", world["mine"].credit_code, "", "连续两年发生工亡事故"],
        [
            "220100",
            2027,
            "重点项目",
            "",
            f"{world['builder'].credit_code}、{world['mine'].credit_code}",
            "地铁6号线土建施工",
            "高处作业多，分包层级多",
        ],
    ]


def run(user, data: bytes, filename="designations.xlsx"):
    with translation.override("en"):
        return designations_import(user=user, file=data, filename=filename)


def test_a_good_file_is_imported_with_who_and_audited_and_reimporting_replaces_reasons(world):
    result = run(world["changchun"], workbook(good_rows(world)))

    assert result.imported and (result.created, result.updated) == (3, 0)
    project = KeyDesignation.objects.get(kind=KeyDesignation.Kind.PROJECT)
    assert (project.year, project.region.code, project.project_name) == (
        2027,
        "220100",
        "地铁6号线土建施工",
    )
    assert set(project.project_enterprises.all()) == {world["builder"], world["mine"]}
    assert KeyDesignation.objects.get(kind="enterprise").created_by == world["changchun"]
    entry = AuditLog.objects.get(action=AuditLog.Action.DESIGNATION)
    assert (entry.user, entry.rows) == (world["changchun"], 3)

    rows = good_rows(world)
    rows[0][6] = "新的研判"
    again = run(world["changchun"], workbook(rows))
    assert (again.created, again.updated) == (0, 3)
    assert KeyDesignation.objects.get(kind="industry").reason == "新的研判"


def test_every_bad_row_is_named_and_nothing_is_imported(world):
    rows = [
        *good_rows(world),
        ["220202", 2026, "重点企业", "", world["jilin_city"].credit_code, "", "理由"],
        ["220100", 1999, "重点行业", "矿山", "", "", "理由"],
        ["220100", 2026, "重点单位", "", "", "", "理由"],
        ["220100", 2026, "重点企业", "", world["jilin_city"].credit_code, "", "理由"],
        ["220100", 2026, "重点企业", "", "91220101MA00000000", "", "理由"],
        ["220100", 2026, "重点企业", "", world["school"].credit_code, "", "理由"],
        ["220100", 2026, "重点行业", "钓鱼", "", "", ""],
        ["220100", 2026, "重点项目", "", world["mine"].credit_code, "", "理由"],
        ["220100", 2026, "行业", "mining", "", "", "同第2行"],
    ]
    result = run(world["changchun"], workbook(rows))

    assert not result.imported
    assert KeyDesignation.objects.count() == 0
    assert not AuditLog.objects.exists()
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (5, "地区代码"),  # another city's region
        (6, "年份"),
        (7, "类别"),
        (8, "统一社会信用代码"),  # an enterprise outside 长春市
        (9, "统一社会信用代码"),  # not a valid code
        (10, "统一社会信用代码"),  # a school
        (11, "行业"),
        (11, "研判理由"),
        (12, "项目名称"),
        (13, "类别"),  # the same as row 2
    }
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "outside 长春市" in messages[(8, "统一社会信用代码")]
    assert "Row 2 already" in messages[(13, "类别")]
    assert "2021" in messages[(6, "年份")]


def test_a_file_without_the_required_columns_is_refused_as_a_whole(world):
    with pytest.raises(RosterFileError, match="研判理由"):
        run(world["changchun"], workbook([["220100", 2026, "重点行业"]], headers=HEADERS[:3]))


def test_the_template_has_the_columns_and_a_filled_copy_imports(client, world):
    client.force_login(world["changchun"])
    response = client.get(reverse("coverage:designation_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS
    for row in good_rows(world):
        sheet.append(row)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    assert run(world["changchun"], buffer.getvalue()).created == 3


def test_the_import_page_names_the_bad_rows_and_is_for_regulators_only(client, world):
    client.force_login(admin_of(world["mine"]))
    assert client.get(reverse("coverage:designation_import")).status_code == 403

    client.force_login(world["changchun"])
    rows = [["220202", 2026, "重点行业", "矿山", "", "", "理由"]]
    upload = io.BytesIO(workbook(rows))
    upload.name = "d.xlsx"
    response = client.post(reverse("coverage:designation_import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and "<td>2</td><td>地区代码</td>" in page and "220202" in page
    assert KeyDesignation.objects.count() == 0
