"""“我已学完本课” on a video lesson: disabled, with the share still to watch, until the server
counts the video as watched (the browser side: tests/e2e/test_lesson_video.py)."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.models import Site

from courses.learning.progress import (
    video_beat,
    video_play,
    video_progress_for,
    video_share_missing,
)
from courses.learning.services import course_enrol
from courses.models import CourseIndexPage, CoursePage, LessonPage, PlaybackLease, VideoProgress
from demo.installers.coverage import demo_id_number
from tests.factories import MediaItemFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _video(percent: float, completed: bool = False) -> VideoProgress:
    return VideoProgress(
        duration=100,
        watched_seconds=percent,
        completed_at=timezone.now() if completed else None,
    )


def test_share_missing_is_what_the_least_watched_video_lacks_of_90_percent():
    assert video_share_missing(videos=[]) == 0
    assert video_share_missing(videos=[None]) == 90
    assert video_share_missing(videos=[_video(55)]) == 35
    assert video_share_missing(videos=[_video(55), _video(20), _video(95, completed=True)]) == 70
    assert video_share_missing(videos=[_video(90, completed=True)]) == 0


def test_share_missing_never_reads_zero_before_the_server_counts_the_video():
    # 89.6 % shows as 89 %: one point still missing, not zero, since 90 % is not reached.
    assert video_share_missing(videos=[_video(89.6)]) == 1


@pytest.fixture
def lesson(db):
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="重点行业安全培训", slug="key", credit_hours=2, summary="…")
    )
    media = MediaItemFactory(duration=100, file="media/original.mp4", status="ready")
    return course.add_child(
        instance=LessonPage(
            title="第一课",
            slug="one",
            body=[{"type": "video", "value": {"item": media.pk, "caption": ""}}],
        )
    )


@pytest.fixture
def learner(lesson):
    user = UserFactory()
    PersonFactory(id_number=demo_id_number(1, "220102"), name="张伟", user=user)
    course_enrol(person=user.person, course=lesson.get_parent().specific)
    return user


def _watch(user, lesson, seconds: float) -> None:
    media = lesson.videos()[0]
    enrolment = user.person.enrolments.get()
    video = video_progress_for(enrolment=enrolment, lesson=lesson, media=media)
    lease = video_play(user=user, video=video)
    earlier = timezone.now() - datetime.timedelta(seconds=seconds + 10)
    PlaybackLease.objects.filter(user=user).update(
        started_at=earlier, last_presence_at=earlier, credit_clock=earlier
    )
    video_beat(
        user=user,
        video=video,
        token=str(lease.token),
        seq=1,
        intervals=[[0, seconds]],
        elapsed=seconds,
        position=seconds,
        present=True,
    )


def _done_button(client, lesson) -> str | None:
    page = client.get(lesson.url).content.decode()
    found = re.search(r"<button [^>]*data-done-button[^>]*>", page)
    return found.group(0) if found else None


def test_the_button_is_disabled_with_the_share_to_watch_until_the_video_counts(
    client, lesson, learner
):
    client.force_login(learner)
    button = _done_button(client, lesson)
    assert " disabled" in button and 'data-missing="90"' in button
    assert "{percent}" in re.search(r'data-missing-text="([^"]*)"', button).group(1)

    _watch(learner, lesson, 55)
    assert 'data-missing="35"' in _done_button(client, lesson)

    _watch(learner, lesson, 95)
    page = client.get(lesson.url).content.decode()
    assert "data-done-button" not in page  # the server counted it (and finished the lesson)
