"""Accident-figure import: every bad row named (row, column, what is wrong), all or nothing,
scope (a city regulator writes only its own city's regions), audited, re-import replaces."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from coverage.accidents.services import accident_figures_import
from coverage.models import AccidentFigures, AuditLog
from coverage.rosters.files import RosterFileError
from tests.factories import EnterpriseFactory, IndustryFactory, admin_of, regulator_of
from tests.helpers.accidents import HEADERS, accident_csv, accident_workbook

pytestmark = pytest.mark.django_db

GOOD = [
    ["220102", "建筑施工", 2022, 30, 1, 4, 2, 10000],
    ["220103", "mining", "2023", "1,200", "3", "40", "35", "52000"],
]


@pytest.fixture
def changchun(jilin):
    IndustryFactory(code="construction", name="建筑施工")
    IndustryFactory(code="mining", name="矿山")
    return regulator_of(jilin["220100"])


def run(user, rows, filename="figures.xlsx", data=None):
    with translation.override("en"):
        return accident_figures_import(
            user=user, file=data or accident_workbook(rows), filename=filename
        )


def test_good_rows_are_imported_with_who_and_when_and_audited(changchun):
    result = run(changchun, GOOD)

    assert result.imported and (result.created, result.updated) == (2, 0)
    mining = AccidentFigures.objects.get(region__code="220103")
    assert (mining.year, mining.injuries, mining.deaths, mining.insured) == (2023, 1200, 3, 52000)
    assert mining.imported_by == changchun and mining.source_file == "figures.xlsx"
    entry = AuditLog.objects.get(action=AuditLog.Action.ACCIDENT_IMPORT)
    assert (entry.user, entry.rows) == (changchun, 2)


def test_a_second_import_replaces_the_same_region_industry_and_year(changchun):
    run(changchun, GOOD)
    result = run(changchun, [["220102", "construction", 2022, 20, 0, 1, 0, 11000]])

    assert (result.created, result.updated) == (0, 1)
    figures = AccidentFigures.objects.get(region__code="220102", year=2022)
    assert (figures.injuries, figures.insured) == (20, 11000)
    assert AccidentFigures.objects.count() == 2


def test_every_bad_row_is_named_with_its_column_and_nothing_is_imported(changchun):
    rows = [
        GOOD[0],
        ["", "建筑施工", 2022, 1, 0, 0, 0, 100],
        ["999999", "建筑施工", 2022, 1, 0, 0, 0, 100],
        ["220102", "渔业", 2022, 1, 0, 0, 0, 100],
        ["220102", "矿山", 1999, 1, 0, 0, 0, 100],
        ["220102", "矿山", 2021, "12.5", "", -1, 0, 0],
        ["220102", "矿山", 2022, 3, 5, 2, 4, 100],
        ["220102", "建筑施工", 2022, 1, 0, 0, 0, 100],
    ]
    result = run(changchun, rows)

    assert not result.imported
    found = {(p.row, p.column): p.message for p in result.problems}
    assert found[(3, "地区代码")] == "Fill in the region's code, such as 220102."
    assert "“999999” is not a region code of Jilin" in found[(4, "地区代码")]
    assert found[(5, "行业")].startswith("“渔业” is not an industry; write one of: ")
    assert "建筑施工" in found[(5, "行业")] and "矿山" in found[(5, "行业")]
    assert "“1999” is not a year from 2000 to" in found[(6, "年份")]
    assert found[(7, "工伤认定人数")] == "“12.5” is not a whole number of people (0 or more)."
    assert found[(7, "工亡人数")] == "Fill in a number (0 if there were none)."
    assert found[(7, "职业病人数")] == "“-1” is not a whole number of people (0 or more)."
    assert found[(7, "参保人数")] == "The number of insured workers must be at least 1."
    assert found[(8, "工亡人数")] == (
        "5 deaths is more than the 3 work-injury determinations, which include them."
    )
    assert found[(8, "其中尘肺病人数")] == (
        "4 pneumoconiosis cases is more than the 2 occupational-disease cases, which include them."
    )
    assert found[(9, "地区代码")] == "Row 2 already has the figures of 南关区, 建筑施工, 2022."
    assert 2 not in {p.row for p in result.problems}
    assert AccidentFigures.objects.count() == 0
    assert not AuditLog.objects.filter(action=AuditLog.Action.ACCIDENT_IMPORT).exists()


def test_a_city_regulator_cannot_import_another_citys_regions(changchun, jilin):
    result = run(changchun, [GOOD[0], ["220202", "建筑施工", 2022, 1, 0, 0, 0, 100]])

    assert [(p.row, p.column) for p in result.problems] == [(3, "地区代码")]
    assert "220202 is outside the regions you regulate" in result.problems[0].message
    assert AccidentFigures.objects.count() == 0


def test_an_enterprise_admin_can_import_nothing(changchun, jilin):
    admin = admin_of(EnterpriseFactory(region=jilin["220102"]))
    result = run(admin, GOOD[:1])
    assert "outside the regions you regulate" in result.problems[0].message
    assert AccidentFigures.objects.count() == 0


def test_a_region_may_be_written_by_its_name(changchun):
    result = run(changchun, [["南关区", "建筑施工", "2022年", 1, 0, 0, 0, 100]])
    assert result.imported
    assert AccidentFigures.objects.get().region.code == "220102"


def test_csv_in_gbk_with_english_headers(changchun):
    headers = [
        "region",
        "industry",
        "year",
        "injuries",
        "deaths",
        "occupational diseases",
        "pneumoconiosis",
        "insured",
    ]
    data = accident_csv([["南关区", "建筑施工", 2022, 7, 0, 0, 0, 700]], headers, "gb18030")
    result = run(changchun, [], filename="figures.csv", data=data)
    assert result.imported
    assert AccidentFigures.objects.get().injuries == 7


def test_a_file_without_the_columns_is_refused_as_a_whole(changchun):
    with translation.override("en"), pytest.raises(RosterFileError, match="no 参保人数 column"):
        accident_figures_import(
            user=changchun,
            file=accident_workbook([GOOD[0][:-1]], HEADERS[:-1]),
            filename="figures.xlsx",
        )


def test_the_template_reads_back_as_an_empty_import(client, changchun):
    client.force_login(changchun)
    response = client.get(reverse("coverage:accident_template"))
    assert response.status_code == 200
    with translation.override("en"), pytest.raises(RosterFileError, match="no figures in it"):
        accident_figures_import(user=changchun, file=response.content, filename="t.xlsx")


def test_the_import_page_lists_the_problems_and_imports_good_files(client, changchun):
    client.force_login(changchun)
    url = reverse("coverage:accident_import")
    assert client.get(url).status_code == 200

    bad = accident_workbook([["220202", "建筑施工", 2022, 1, 0, 0, 0, 100]])
    with translation.override("en"):
        response = client.post(url, {"file": _upload(bad)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "220202" in response.content.decode()
    assert AccidentFigures.objects.count() == 0

    response = client.post(url, {"file": _upload(accident_workbook(GOOD))})
    assert response.status_code == 302
    assert response.url == reverse("coverage:accident_region", kwargs={"code": "220100"})
    assert AccidentFigures.objects.count() == 2


def test_people_who_regulate_nothing_cannot_open_the_import(client, jilin):
    client.force_login(admin_of(EnterpriseFactory(region=jilin["220102"])))
    assert client.get(reverse("coverage:accident_import")).status_code == 403
    assert client.get(reverse("coverage:accident_template")).status_code == 403


def _upload(data: bytes, name: str = "figures.xlsx"):
    return SimpleUploadedFile(name, data)
