"""The worker's check-in on a phone, end to end in Chromium: the organiser's screen shows the
code, the worker opens it, signs in with the SMS code, confirms identity and is checked in."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts import sms
from coverage.models import Attendance, Membership, Role, RosterEntry, TrainingSession
from coverage.services import person_save
from coverage.sessions import tokens as checkin_tokens
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.helpers.identities import id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main button[type=submit]"


@pytest.fixture
def venue(jilin):
    organiser = EnterpriseFactory(region=jilin["220102"], name="长春示范建工集团有限公司")
    now = timezone.now()
    session = TrainingSession.objects.create(
        organiser=organiser,
        title="一线班组长安全培训",
        venue="南关区建工大厦三楼",
        region=jilin["220102"],
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(hours=2),
    )
    worker, _ = person_save(id_number=id_number(7), name="赵六", phone="13800000007")
    RosterEntry.objects.create(
        person=worker,
        enterprise=organiser,
        role=Role.TEAM_LEADER,
        start_date=datetime.date(2021, 1, 1),
    )
    UserFactory(phone="+8613800000007")
    MembershipFactory(
        enterprise=organiser,
        role=Membership.Role.ENTERPRISE_ADMIN,
        user=UserFactory(email="organiser@example.cn", password="s3cret-passphrase"),
    )
    sms.outbox.clear()
    return session


def organiser_screen_link(page, live_server, session) -> str:
    page.goto(f"{live_server.url}/accounts/staff/login/")
    page.fill("#id_username", "organiser@example.cn")
    page.fill("#id_password", "s3cret-passphrase")
    page.click(SUBMIT)
    page.goto(f"{live_server.url}/coverage/sessions/{session.pk}/screen/in/")
    page.wait_for_selector("#qr svg")
    return page.get_attribute("#scan-link", "href")


def test_worker_checks_in_by_scanning_the_organisers_code(
    live_server, venue, desktop_page, phone_page
):
    link = organiser_screen_link(desktop_page, live_server, venue)
    assert f"/coverage/s/{venue.pk}/in/" in link

    phone_page.goto(link)
    phone_page.fill("input[name=login]", "138 0000 0007")
    phone_page.click(SUBMIT)
    phone_page.wait_for_selector("input[name=code]")
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms.outbox[-1].text).group(1)
    phone_page.fill("input[name=code]", code)
    phone_page.click(SUBMIT)

    phone_page.wait_for_selector("input[name=id_number]")
    phone_page.fill("input[name=name]", "赵六")
    phone_page.fill("input[name=id_number]", id_number(7))
    phone_page.click(SUBMIT)
    phone_page.wait_for_selector("#checkin-form")
    phone_page.click("#checkin-form button")
    phone_page.wait_for_selector("[data-testid=checkin-time]")
    assert "签到成功" in phone_page.content()
    first_time = phone_page.inner_text("[data-testid=checkin-time]")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360

    # Scanning again (a fresh code from the screen) shows the same check-in.
    desktop_page.wait_for_timeout(100)
    phone_page.goto(desktop_page.get_attribute("#scan-link", "href"))
    phone_page.wait_for_selector("[data-testid=checkin-time]")
    assert phone_page.inner_text("[data-testid=checkin-time]") == first_time
    assert Attendance.objects.filter(session=venue).count() == 1
    desktop_page.wait_for_function("document.getElementById('count').textContent === '1'")


def test_expired_code_is_rejected_on_the_phone(live_server, venue, phone_page):
    old = checkin_tokens.rotating_token(venue, "in", now=timezone.now().timestamp() - 60)
    phone_page.goto(f"{live_server.url}/coverage/s/{venue.pk}/in/{old}/")
    assert "无法签到" in phone_page.content()
    assert "过期" in phone_page.inner_text("main")
    assert Attendance.objects.count() == 0


def test_organiser_sees_running_sessions_first_and_ended_ones_under_their_tab(
    live_server, venue, desktop_page
):
    ended = TrainingSession.objects.create(
        organiser=venue.organiser,
        title="上月的班组长培训",
        venue="南关区建工大厦三楼",
        region=venue.region,
        starts_at=venue.starts_at - datetime.timedelta(days=30),
        ends_at=venue.starts_at - datetime.timedelta(days=30) + datetime.timedelta(hours=2),
    )
    page = desktop_page
    organiser_screen_link(page, live_server, venue)
    page.goto(f"{live_server.url}/coverage/sessions/")
    table = page.locator("[data-testid=session-table]")
    assert table.locator("tbody tr").count() == 1
    row = table.locator("tbody tr").first
    assert venue.title in row.inner_text()
    assert row.locator("[data-status=running]").is_visible()
    assert ended.title not in table.inner_text()

    page.click("[data-testid=session-tabs] [data-tab=past]")
    page.wait_for_url("**/coverage/sessions/?view=past")
    assert page.get_attribute("[data-tab=past]", "aria-current") == "page"
    row = page.locator("[data-testid=session-table] tbody tr").first
    assert ended.title in row.inner_text()
    assert row.locator("[data-status=ended]").is_visible()
    row.locator(f"a:has-text('{ended.title}')").click()
    page.wait_for_url(f"**{ended.get_absolute_url()}")
