"""The organiser's check-in desk in Chromium: the tablet's camera (fed a video of a worker's
personal QR code through Chromium's fake capture device) reads the code in the page (jsQR) and
checks the worker in; the ID number typed at the desk does the same."""

import datetime

import pytest
import qrcode
from django.utils import timezone

from coverage.models import Attendance, Membership, Role, RosterEntry, TrainingSession
from coverage.services import person_save
from coverage.sessions.personal_codes import personal_code_issue
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.helpers.identities import id_number
from tests.helpers.media import video_make

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


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
    MembershipFactory(
        enterprise=organiser,
        role=Membership.Role.ENTERPRISE_ADMIN,
        user=UserFactory(email="desk@example.cn", password="s3cret-passphrase"),
    )
    return session


def worker_on_roster(session, n: int, name: str):
    person, _ = person_save(id_number=id_number(n), name=name)
    RosterEntry.objects.create(
        person=person,
        enterprise=session.organiser,
        role=Role.TEAM_LEADER,
        start_date=datetime.date(2021, 1, 1),
    )
    return person


def camera_video_of(code: str, folder) -> str:
    """A Y4M video showing the code as the worker's screen or card would: Chromium plays it in
    a loop as the camera."""
    png = folder / "personal-code.png"
    qrcode.make(code, box_size=10, border=4).save(png)
    scale = "scale=480:480,pad=640:480:80:0:white,format=yuv420p"
    args = ["-loop", "1", "-i", str(png), "-t", "2", "-r", "5", "-vf", scale]
    return str(video_make(folder / "camera.y4m", *args))


@pytest.fixture
def camera_page(request, browser_type, browser_type_launch_args, tmp_path, artifacts_dir):
    """A desktop page in a Chromium of its own whose camera shows the file made by the test
    (camera_page(code)): the fake capture device is chosen when the browser starts."""
    launched = []

    def open_with_camera(code: str):
        video = camera_video_of(code, tmp_path)
        args = [
            *browser_type_launch_args["args"],
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
        launched.append(browser)
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        return context.new_page()

    yield open_with_camera
    for browser in launched:
        try:
            page = browser.contexts[0].pages[0]
            page.screenshot(path=str(artifacts_dir / "desk_camera.png"), full_page=True)
        finally:
            browser.close()


def sign_in_as_organiser(page, live_server):
    page.goto(f"{live_server.url}/accounts/staff/login/")
    page.fill("#id_username", "desk@example.cn")
    page.fill("#id_password", "s3cret-passphrase")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_the_desk_camera_scans_a_workers_personal_qr_and_checks_them_in(
    live_server, venue, camera_page
):
    worker = worker_on_roster(venue, 11, "孙七")
    page = camera_page(personal_code_issue(person=worker))
    sign_in_as_organiser(page, live_server)
    page.goto(f"{live_server.url}/coverage/sessions/{venue.pk}/desk/")
    page.wait_for_selector("#desk[data-camera=on]", timeout=15_000)
    page.wait_for_function(
        "document.querySelector('[data-testid=desk-result]').textContent.includes('孙七')",
        timeout=20_000,
    )
    assert worker.id_number_masked in page.inner_text("[data-testid=desk-result]")
    assert page.inner_text("[data-testid=desk-count]") == "1"
    attendance = Attendance.objects.get(session=venue)
    assert attendance.person == worker
    assert attendance.checkin_method == Attendance.Method.PERSONAL_CODE
    assert attendance.flags == [Attendance.Flag.PERSONAL_CODE]

    # The card held up for seconds is one check-in; a colleague without a card gives the
    # ID number instead.
    colleague = worker_on_roster(venue, 12, "周八")
    page.fill("#id_id_number", colleague.id_number)
    page.click("#desk-id-form button")
    page.wait_for_function(
        "document.querySelector('[data-testid=desk-result]').textContent.includes('周八')"
    )
    page.wait_for_function("document.querySelector('[data-testid=desk-count]').textContent == '2'")
    methods = dict(Attendance.objects.values_list("person__name", "checkin_method"))
    assert methods == {"孙七": "personal_code", "周八": "id_number"}
