"""Submitting freezes the report; returning and resubmitting keeps the history; who may do
what is coverage.jurisdiction's answer (another city: 404)."""

import datetime

import pytest
from django.urls import reverse

from coverage.models import AuditLog
from reports.figures import report_figures
from reports.models import AnnualReport, ReportEvent
from reports.services import ReportRefused, report_draft_save, report_return, report_submit
from reports.snapshot import report_shown
from tests.factories import regulator_of
from tests.reports.conftest import YEAR, trained

pytestmark = pytest.mark.django_db


def page(code, name="detail", year=YEAR):
    return reverse(f"reports:{name}", kwargs={"code": code, "year": year})


def test_a_submitted_report_keeps_its_figures_when_the_data_changes(
    world, city, city_regulator, client
):
    report_draft_save(
        region=city, year=YEAR, user=city_regulator, achievements="完成培训", problems="", plan=""
    )
    report = report_submit(region=city, year=YEAR, user=city_regulator)
    trained(world["people"][3], datetime.date(2026, 11, 1), "course:7")  # p3 now covered

    assert report_figures(region=city, year=YEAR)["coverage"]["percent"] == 100.0
    report.refresh_from_db()
    shown, frozen = report_shown(region=city, year=YEAR, report=report)
    assert frozen and shown["coverage"]["percent"] == 75.0
    assert shown["text"]["achievements"] == "完成培训"
    client.force_login(city_regulator)
    html = client.get(page("220100")).content.decode()
    assert "75.0" in html and "完成培训" in html
    assert AuditLog.objects.filter(action=AuditLog.Action.REPORT_SUBMIT).count() == 1


def test_returned_with_a_comment_edited_and_resubmitted_with_a_new_snapshot(
    world, city, city_regulator, province_regulator
):
    report = report_submit(region=city, year=YEAR, user=city_regulator)
    with pytest.raises(ReportRefused):
        report_return(report=report, user=province_regulator, comment="  ")
    report = report_return(report=report, user=province_regulator, comment="请补充下一年计划")
    assert report.status == AnnualReport.Status.RETURNED

    trained(world["people"][3], datetime.date(2026, 11, 1), "course:7")
    report_draft_save(
        region=city, year=YEAR, user=city_regulator, achievements="", problems="", plan="明年计划"
    )
    report = report_submit(region=city, year=YEAR, user=city_regulator)

    assert report.snapshot["coverage"]["percent"] == 100.0
    assert report.snapshot["text"]["plan"] == "明年计划"
    events = list(report.events.order_by("created_at", "pk"))
    assert [e.action for e in events] == ["submit", "return", "submit"]
    assert events[1].comment == "请补充下一年计划"
    assert events[0].snapshot["coverage"]["percent"] == 75.0  # the first submission, as it was
    assert AuditLog.objects.filter(action=AuditLog.Action.REPORT_RETURN).count() == 1


def test_a_submitted_report_cannot_be_edited_or_submitted_twice(world, city, city_regulator):
    report_submit(region=city, year=YEAR, user=city_regulator)
    with pytest.raises(ReportRefused):
        report_draft_save(
            region=city, year=YEAR, user=city_regulator, achievements="x", problems="", plan=""
        )
    with pytest.raises(ReportRefused):
        report_submit(region=city, year=YEAR, user=city_regulator)
    assert ReportEvent.objects.count() == 1


def test_the_city_writes_and_submits_through_the_pages(world, city_regulator, client):
    client.force_login(city_regulator)
    response = client.post(
        page("220100"), {"achievements": "全市培训", "problems": "问题", "plan": "计划"}
    )
    assert response.status_code == 302
    assert client.post(page("220100", "submit")).status_code == 302
    report = AnnualReport.objects.get(region__code="220100", year=YEAR)
    assert report.status == "submitted"
    assert report.snapshot["text"] == {
        "achievements": "全市培训",
        "problems": "问题",
        "plan": "计划",
    }
    assert report.snapshot["submitted"]["by"] == str(city_regulator)


def test_another_citys_regulator_gets_404_everywhere(world, city_regulator, client):
    report_submit(region=world["regions"]["220100"], year=YEAR, user=city_regulator)
    client.force_login(regulator_of(world["regions"]["220200"]))
    for name in ("detail", "submit", "return", "submissions"):
        assert client.post(page("220100", name)).status_code == 404
        assert client.get(page("220100", name)).status_code in (404, 405)
    url = reverse("reports:download", kwargs={"code": "220100", "year": YEAR, "fmt": "pdf"})
    assert client.get(url).status_code == 404


def test_a_county_submits_to_its_city_which_may_return_it_and_the_province_may_not(
    world, city_regulator, province_regulator, client
):
    county = world["regions"]["220102"]
    county_regulator = regulator_of(county)
    client.force_login(county_regulator)
    assert client.post(page("220102", "submit")).status_code == 302
    # The county sees neither its city's report nor may it return anything.
    assert client.get(page("220100")).status_code == 404

    client.force_login(province_regulator)
    assert client.post(page("220102", "return"), {"comment": "不行"}).status_code == 403
    assert client.post(page("220100", "submit")).status_code == 403  # not the province's own
    assert client.post(page("220100"), {"achievements": "x"}).status_code == 403

    client.force_login(city_regulator)
    assert client.post(page("220102", "return"), {"comment": "请补充"}).status_code == 302
    assert AnnualReport.objects.get(region=county, year=YEAR).status == "returned"
    assert client.post(page("220100", "return"), {"comment": "自己退回"}).status_code == 404


def test_the_province_returns_a_citys_report_and_a_future_year_is_404(
    world, city, city_regulator, province_regulator, client
):
    report_submit(region=city, year=YEAR, user=city_regulator)
    client.force_login(province_regulator)
    html = client.get(page("220100")).content.decode()
    assert 'name="comment"' in html  # the return form
    client.post(page("220100", "return"), {"comment": "数据需核实"})
    assert AnnualReport.objects.get(region=city, year=YEAR).status == "returned"
    assert client.get(page("220100", year=YEAR + 1)).status_code == 404


def test_the_report_page_reads_a_constant_number_of_queries(
    world, city_regulator, client, django_assert_max_num_queries
):
    client.force_login(city_regulator)
    client.get(page("220100"))
    with django_assert_max_num_queries(45):
        assert client.get(page("220100")).status_code == 200
    report_submit(region=world["regions"]["220100"], year=YEAR, user=city_regulator)
    with django_assert_max_num_queries(12):  # a submitted report: its snapshot only
        assert client.get(page("220100")).status_code == 200
