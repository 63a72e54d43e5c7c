"""The province's overview of its cities' reports, the all-cities workbook, the PDF and the
`annual_report` command."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from coverage.models import AuditLog
from reports.services import report_return, report_submit
from tests.factories import regulator_of
from tests.reports.conftest import SHANGHAI, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, city, city_regulator):
    report_submit(region=city, year=YEAR, user=city_regulator)
    jilin_city = world["regions"]["220200"]
    returned = report_submit(region=jilin_city, year=YEAR, user=regulator_of(jilin_city))
    report_return(report=returned, user=regulator_of(world["regions"]["220000"]), comment="补充")


def test_the_province_sees_who_submitted_and_the_days_left(
    submitted, province_regulator, client, django_assert_max_num_queries
):
    client.force_login(province_regulator)
    url = reverse("reports:submissions", kwargs={"code": "220000", "year": YEAR})
    with django_assert_max_num_queries(12):
        response = client.get(url)
    submissions = response.context["submissions"]
    assert [row.region.code for row in submissions.submitted] == ["220100"]
    assert len(submissions.missing) == len(submissions.rows) - 1
    assert {row.region.code: row.status for row in submissions.rows}["220200"] == "returned"
    assert submissions.days_left == 48  # 2 November → 20 December
    html = response.content.decode()
    assert "长春市" in html and "75.0%" in html


@pytest.mark.parametrize(
    ("moment", "days"),
    [
        # 01:00 on 20 December in Shanghai is still 19 December in UTC.
        (datetime.datetime(2026, 12, 20, 1, 0, tzinfo=SHANGHAI), 0),
        (datetime.datetime(2026, 12, 19, 23, 59, tzinfo=SHANGHAI), 1),
        (datetime.datetime(2026, 12, 21, 0, 1, tzinfo=SHANGHAI), -1),
    ],
)
def test_days_left_count_in_shanghai_time(world, province_regulator, client, moment, days):
    with time_machine.travel(moment, tick=False):
        client.force_login(province_regulator)
        response = client.get(
            reverse("reports:submissions", kwargs={"code": "220000", "year": 2026})
        )
    assert response.context["submissions"].days_left == days


def test_all_cities_in_one_workbook_a_summary_and_a_sheet_per_submitted_city(
    submitted, province_regulator, client
):
    client.force_login(province_regulator)
    response = client.get(
        reverse("reports:submissions_xlsx", kwargs={"code": "220000", "year": YEAR})
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1:] == ["长春市"]
    summary = {row[0]: row for row in workbook.worksheets[0].iter_rows(values_only=True) if row}
    changchun = summary["220100"]
    assert changchun[1] == "长春市"
    assert changchun[4:7] == (4, 3, 75.0)
    assert summary["220200"][6] is None  # returned: no figures in the summary
    city_sheet = list(workbook["长春市"].iter_rows(values_only=True))
    assert any(row[0] and "长春市" in str(row[1] or "") for row in city_sheet)
    assert AuditLog.objects.filter(
        action=AuditLog.Action.EXPORT, subject__contains="annual reports below 220000"
    ).exists()


def test_the_pdf_names_the_region_and_shows_the_coverage_figures(submitted, city_regulator, client):
    client.force_login(city_regulator)
    url = reverse("reports:download", kwargs={"code": "220100", "year": YEAR, "fmt": "pdf"})
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "长春市" in text
    assert "75" in text and "25" in text  # this year's and last year's coverage
    assert "丁工程" in text  # an enterprise without a roster
    assert AuditLog.objects.filter(subject__contains="annual report 220100 2026 (pdf)").exists()


def test_the_xlsx_of_one_report(submitted, city_regulator, client):
    client.force_login(city_regulator)
    url = reverse("reports:download", kwargs={"code": "220100", "year": YEAR, "fmt": "xlsx"})
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    values = [c for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert 75.0 in values and "甲建工" not in values and "丁工程" in values


def test_the_command_gives_the_json_keys_of_its_interface(world, tmp_path):
    out = io.StringIO()
    call_command("annual_report", region="220100", year=YEAR, format="json", stdout=out)
    report = json.loads(out.getvalue())
    assert {
        "region",
        "year",
        "coverage",
        "forecast",
        "sessions",
        "online",
        "schools",
        "campaigns",
        "bases",
        "accidents",
    } <= set(report)
    assert {"required", "covered", "percent", "by_role", "by_industry"} <= set(report["coverage"])
    assert {"percent_at_deadline", "date_full"} <= set(report["forecast"])
    assert report["region"]["code"] == "220100" and report["year"] == YEAR
    assert report["coverage"]["percent"] == 75.0

    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    call_command(
        "annual_report",
        region="220100",
        year=YEAR,
        format="pdf",
        output=str(pdf),
        stdout=io.StringIO(),
    )
    call_command(
        "annual_report",
        region="220100",
        year=YEAR,
        format="xlsx",
        output=str(xlsx),
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert load_workbook(xlsx).active["A1"].value.startswith("长春市")
