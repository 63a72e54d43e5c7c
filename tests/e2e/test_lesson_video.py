"""A worker's video lesson on a 360 px phone: nothing heavy before play, a big play button a
thumb can hit, and "我已学完本课" held back until the server counts the video as watched."""

import re

import pytest

from courses.learning.services import course_enrol
from courses.models import LessonProgress
from tests.helpers.lessons import course_with_film_build, film_transcode, worker_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.e2e.urls"),
]

# The lesson page with its poster, before play: hls.js alone is ~620 KB.
BEFORE_PLAY_BUDGET = 60 * 1024
HEAVY = re.compile(r"hls\.min\.js|\.m3u8|\.ts$|\.mp4$")


@pytest.fixture
def lesson(tmp_path, settings, live_server, phone_page):
    settings.MEDIA_URL = "/uploads/"  # served with our headers by tests/e2e/urls.py
    settings.COURSES_HEARTBEAT_SECONDS = 1
    course = course_with_film_build(film_transcode(tmp_path))
    worker = worker_sign_in(phone_page.context, live_server.url)
    course_enrol(person=worker.person, course=course)
    return course.lessons().first().specific


def _start_button_centre(page) -> tuple[float, float]:
    video = page.locator("figure[data-player] video").bounding_box()
    return video["x"] + video["width"] / 2, video["y"] + video["height"] / 2


def test_before_play_the_lesson_loads_no_player_engine_and_a_press_plays_it(
    live_server, phone_page, lesson
):
    page = phone_page
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(f"{live_server.url}{lesson.url}", wait_until="networkidle")

    before = list(finished)
    weight = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in before)
    print(f"\nvideo lesson before play: {weight / 1024:.1f} KB in {len(before)} requests")
    assert not [r.url for r in before if HEAVY.search(r.url)]
    assert weight < BEFORE_PLAY_BUDGET
    assert page.evaluate("() => YufangPlayer.all()[0].engine") == "pending"

    page.get_by_role("button", name=re.compile("播放|Play")).click()
    page.wait_for_function("() => document.querySelector('video').currentTime > 1", timeout=20_000)
    after = [r.url for r in finished[len(before) :]]
    assert any("hls.min.js" in url for url in after)
    assert any(".m3u8" in url for url in after)
    assert page.evaluate("() => YufangPlayer.all()[0].engine") == "hls.js"


def test_a_tap_in_the_middle_of_the_video_starts_it_on_a_phone(
    live_server, phone_page, artifacts_dir, lesson
):
    page = phone_page
    page.goto(f"{live_server.url}{lesson.url}")
    video = page.locator("figure[data-player] video")
    button = page.locator("[data-player-start]")
    assert button.is_visible()
    assert video.get_attribute("controls") is None  # its own tap would play the MP4 instead

    icon = page.locator(".player__start-icon").bounding_box()
    x, y = _start_button_centre(page)
    assert icon["width"] >= 64 and icon["height"] >= 64
    assert (
        abs(icon["x"] + icon["width"] / 2 - x) < 2 and abs(icon["y"] + icon["height"] / 2 - y) < 2
    )
    page.screenshot(path="var/test-artifacts/lesson_video_play_button.png")

    page.touchscreen.tap(x, y)
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 0.5", timeout=20_000
    )
    assert not page.evaluate("() => document.querySelector('video').paused")
    assert button.count() == 0
    assert video.get_attribute("controls") is not None


def test_lesson_done_stays_disabled_with_the_share_to_watch_until_the_server_counts_it(
    live_server, phone_page, lesson
):
    page = phone_page
    page.goto(f"{live_server.url}{lesson.url}")
    done = page.locator("[data-done-button]")
    assert done.is_disabled()
    assert done.get_attribute("data-missing") == "90"
    template = done.get_attribute("data-missing-text")
    assert done.inner_text() == template.replace("{percent}", "90")

    page.evaluate("() => { YufangPlayer.all()[0].media.muted = true; }")
    page.get_by_role("button", name=re.compile("播放|Play")).click()
    # Part-way: still disabled, with what the server counted so far.
    page.wait_for_function(
        "() => { const m = +document.querySelector('[data-done-button]').dataset.missing;"
        " return m > 0 && m < 90; }",
        timeout=20_000,
    )
    assert done.is_disabled()
    missing = done.get_attribute("data-missing")
    assert done.inner_text() == template.replace("{percent}", missing)
    assert not LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()

    page.wait_for_selector("[data-done-button]:not([disabled])", timeout=40_000)
    assert done.inner_text() == done.get_attribute("data-ready-text")
    assert done.get_attribute("data-missing") == "0"
    done.click()
    page.wait_for_url(re.compile(r"/hazards/$"))
    assert LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).exists()
