"""The annual report in Chromium: a city regulator writes the text, downloads the PDF (its
text names the city and shows the coverage), submits; the province sees the city submitted."""

import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from coverage.models import Membership, Role
from coverage.services import training_record
from reports.models import AnnualReport
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    RosterEntryFactory,
    UserFactory,
    target_this_year,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main button[type=submit]"
PASSWORD = "s3cret-passphrase"


def regulator(region, email):
    return MembershipFactory(
        role=Membership.Role.REGULATOR,
        enterprise=None,
        region=region,
        user=UserFactory(email=email, password=PASSWORD),
    ).user


@pytest.fixture
def changchun(jilin):
    target_this_year()
    enterprise = EnterpriseFactory(region=jilin["220102"], name="长春示范建工集团有限公司")
    manager = RosterEntryFactory(enterprise=enterprise, role=Role.MANAGER).person
    RosterEntryFactory(enterprise=enterprise, role=Role.TEAM_LEADER)
    training_record(
        person=manager,
        kind="online",
        occurred_on=timezone.localdate(),
        title="工伤预防课程",
        source_key="course:1",
    )
    regulator(jilin["220100"], "changchun@example.cn")
    regulator(jilin["220000"], "province@example.cn")
    return jilin["220100"]


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/staff/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_load_state()


def test_a_city_writes_downloads_and_submits_and_the_province_sees_it(
    live_server, changchun, browser, desktop_page, tmp_path
):
    page = desktop_page
    year = timezone.localdate().year
    sign_in(page, live_server, "changchun@example.cn")
    page.goto(f"{live_server.url}/reports/")
    assert page.url.endswith(f"/reports/220100/{year}/")
    page.fill("#id_achievements", "全市重点企业关键岗位人员培训稳步推进")
    page.fill("#id_plan", "明年完成一线班组长轮训")
    page.click("[data-testid=report-text] button[type=submit]")
    page.wait_for_selector(".message--success")
    assert page.input_value("#id_plan") == "明年完成一线班组长轮训"

    with page.expect_download() as download:
        page.click("[data-testid=download-pdf]")
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "长春市" in text
    assert "50.0" in text  # 1 of 2 key-role people covered
    assert "全市重点企业关键岗位人员培训稳步推进" in text

    page.click("[data-testid=submit-report]")
    page.wait_for_selector("[data-testid=report-status] .status--filed")
    report = AnnualReport.objects.get(region=changchun, year=year)
    assert report.status == AnnualReport.Status.SUBMITTED
    assert report.snapshot["coverage"]["percent"] == 50.0
    assert page.locator("#id_plan").count() == 0  # frozen: no form any more

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        province = context.new_page()
        sign_in(province, live_server, "province@example.cn")
        province.goto(f"{live_server.url}/reports/220000/{year}/submissions/")
        assert province.locator("tr[data-code='220100'] .status--filed").count() == 1
        assert province.locator("tr[data-code='220200'] .status--not_filed").count() == 1
        deadline = datetime.date(year, 12, 20)
        days = (deadline - timezone.localdate()).days
        assert province.inner_text("[data-testid=days-left] strong") == str(days)
        assert province.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()


def test_the_report_fits_a_phone(live_server, changchun, phone_page):
    sign_in(phone_page, live_server, "changchun@example.cn")
    phone_page.goto(f"{live_server.url}/reports/220100/")
    phone_page.wait_for_selector("[data-testid=report-text]")
    # Wide tables scroll inside their own box; the page itself does not scroll sideways.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
