"""Honest progress: what the server credits from the player's heartbeats."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from courses.learning.progress import (
    intervals_clean,
    intervals_length,
    intervals_merge,
    intervals_trim,
    video_beat,
    video_play,
    video_progress_for,
)
from courses.learning.services import course_enrol
from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    LessonProgress,
    PlaybackLease,
    VideoProgress,
)
from demo.installers.coverage import demo_id_number
from tests.factories import MediaItemFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- interval arithmetic -------------------------------------------------------------------


def test_intervals_merge_joins_overlapping_and_touching_intervals():
    assert intervals_merge([[30, 40], [0, 10], [5, 12], [12, 20], [50, 50]]) == [
        [0, 20],
        [30, 40],
    ]


def test_intervals_merge_is_idempotent_so_a_resent_interval_adds_nothing():
    once = intervals_merge([[0, 10], [20, 30]])
    assert intervals_merge([*once, [0, 10]]) == once
    assert intervals_length(once) == 20


def test_intervals_trim_keeps_the_earliest_seconds():
    assert intervals_trim([[0, 10], [20, 30]], 15) == [[0, 10], [20, 25]]
    assert intervals_trim([[0, 10]], 0) == []


def test_intervals_clean_drops_garbage_and_clamps_to_the_video():
    raw = [[-5, 10], ["x", 3], [90, 150], [7], [40, 30], None, [1, 2]]
    assert intervals_clean(raw, 100) == [[0, 10], [90, 100]]
    assert intervals_clean("not a list", 100) == []


# --- heartbeats through the service --------------------------------------------------------


@pytest.fixture
def course(db):
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="重点行业安全培训", slug="key", credit_hours=2, summary="…")
    )
    return course


@pytest.fixture
def media(db):
    return MediaItemFactory(
        title="事故警示片", type="video", duration=100, file="media/original.mp4", status="ready"
    )


@pytest.fixture
def lesson(course, media):
    return course.add_child(
        instance=LessonPage(
            title="第一课",
            slug="one",
            body=[{"type": "video", "value": {"item": media.pk, "caption": ""}}],
        )
    )


@pytest.fixture
def learner(db):
    user = UserFactory()
    PersonFactory(id_number=demo_id_number(1, "220102"), name="张伟", user=user)
    return user


@pytest.fixture
def video(learner, course, lesson, media):
    enrolment, _ = course_enrol(person=learner.person, course=course)
    return video_progress_for(enrolment=enrolment, lesson=lesson, media=media)


def _age_lease(user, seconds):
    """The lease as if it had started `seconds` ago (what real time the player has had)."""
    earlier = timezone.now() - datetime.timedelta(seconds=seconds)
    PlaybackLease.objects.filter(user=user).update(
        started_at=earlier, last_presence_at=earlier, credit_clock=earlier
    )


def beat(user, video, lease, seq, intervals, elapsed, position=None, present=True):
    return video_beat(
        user=user,
        video=video,
        token=str(lease.token),
        seq=seq,
        intervals=intervals,
        elapsed=elapsed,
        position=position if position is not None else intervals[-1][1],
        present=present,
    )


def test_video_counts_as_watched_at_90_percent_of_merged_intervals(learner, video):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 200)
    result = beat(learner, video, lease, 1, [[0, 50]], 50)
    assert result.state == "ok" and result.video.watched_seconds == 50
    # Re-watching the first half again adds nothing to the union.
    result = beat(learner, video, lease, 2, [[10, 45], [50, 89]], 74)
    assert result.video.watched_seconds == 89 and result.video.completed_at is None
    result = beat(learner, video, lease, 3, [[89, 90]], 1)
    video.refresh_from_db()
    assert video.watched_seconds == 90 and video.completed_at is not None
    assert result.as_json()["completed"] is True


def test_video_without_video_blocks_needing_more_is_done_when_watched(learner, video, lesson):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 200)
    beat(learner, video, lease, 1, [[0, 95]], 95)
    progress = LessonProgress.objects.get(enrolment=video.enrolment, lesson=lesson)
    assert progress.completed_at is not None


def test_seeking_ahead_does_not_count_the_skipped_part(learner, video):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 200)
    beat(learner, video, lease, 1, [[0, 10]], 10)
    # The learner drags to 80 s and plays to the end: 20 s played, 70 s skipped.
    result = beat(learner, video, lease, 2, [[80, 100]], 20)
    assert result.video.watched_seconds == 30
    assert result.video.intervals == [[0, 10], [80, 100]]
    assert result.video.completed_at is None


def test_playing_faster_than_real_time_earns_only_wall_clock_time(learner, video):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 200)
    # 2x playback: 40 s of video in 20 s of the player's wall clock.
    result = beat(learner, video, lease, 1, [[0, 40]], 20)
    assert result.video.watched_seconds <= 21
    assert result.video.intervals == [[0, 21]]


def test_a_lease_never_earns_more_than_the_time_since_it_started(learner, video):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 30)
    # A script claims the whole video at once, lying about its own clock too.
    result = beat(learner, video, lease, 1, [[0, 100]], 100)
    assert result.accepted <= 34
    result = beat(learner, video, lease, 2, [[40, 100]], 60)
    assert result.accepted <= 1
    video.refresh_from_db()
    assert video.watched_seconds <= 34 and video.completed_at is None


def test_a_second_device_takes_over_and_the_first_earns_nothing(learner, video):
    first = video_play(user=learner, video=video)
    _age_lease(learner, 100)
    assert beat(learner, video, first, 1, [[0, 10]], 10).state == "ok"
    second = video_play(user=learner, video=video)
    _age_lease(learner, 100)
    refused = beat(learner, video, first, 2, [[10, 60]], 50)
    assert refused.state == "taken_over"
    assert beat(learner, video, second, 1, [[10, 20]], 10).state == "ok"
    video.refresh_from_db()
    assert video.watched_seconds == 20


def test_a_retried_heartbeat_is_acknowledged_not_counted_twice(learner, video):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 200)
    beat(learner, video, lease, 1, [[0, 10]], 10)
    beat(learner, video, lease, 2, [[10, 20]], 10)
    retried = beat(learner, video, lease, 2, [[10, 20]], 10)
    assert retried.state == "duplicate"
    assert PlaybackLease.objects.get(user=learner).credited_seconds == 20


def test_heartbeats_queued_offline_count_when_they_arrive_together(learner, video):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 35)
    # Three heartbeats kept in the phone's queue during a dead spot, sent on reconnect.
    for seq, interval in enumerate([[0, 10], [10, 20], [20, 30]], start=1):
        assert beat(learner, video, lease, seq, [interval], 10).state == "ok"
    video.refresh_from_db()
    assert video.watched_seconds == 30


def test_no_sign_of_the_learner_for_too_long_earns_nothing_until_confirmed(
    learner, video, settings
):
    settings.COURSES_IDLE_SECONDS = 60
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 120)
    idle = beat(learner, video, lease, 1, [[0, 50]], 50, present=False)
    assert idle.state == "idle"
    video.refresh_from_db()
    assert video.watched_seconds == 0
    # "还在学习吗？" → 继续学习: a new lease; playing counts again.
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 20)
    assert beat(learner, video, lease, 1, [[0, 15]], 15).state == "ok"


def test_position_is_kept_for_resuming_on_any_device(learner, video, client):
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 100)
    beat(learner, video, lease, 1, [[0, 42.5]], 42.5)
    client.force_login(learner)
    lesson = video.lesson
    response = client.post(reverse("courses:video_play", args=[lesson.pk, video.media_id]))
    assert response.status_code == 200
    assert response.json()["position"] == 42.5
    page = client.get(lesson.url)
    assert page.context["players"][str(video.media_id)]["position"] == 42.5


# --- the HTTP endpoints --------------------------------------------------------------------


def test_heartbeat_endpoint_refuses_the_old_device_with_409(learner, video, client):
    client.force_login(learner)
    lesson = video.lesson
    play_url = reverse("courses:video_play", args=[lesson.pk, video.media_id])
    beat_url = reverse("courses:video_beat", args=[lesson.pk, video.media_id])
    old_token = client.post(play_url).json()["token"]
    client.post(play_url)  # the same account on a second phone
    response = client.post(
        beat_url,
        json.dumps({"token": old_token, "seq": 1, "intervals": [[0, 5]], "elapsed": 5}),
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["state"] == "taken_over"
    bad = client.post(beat_url, "{not json", content_type="application/json")
    assert bad.status_code == 400


def test_someone_not_enrolled_cannot_report_progress(video, client):
    stranger = UserFactory()
    client.force_login(stranger)
    url = reverse("courses:video_play", args=[video.lesson_id, video.media_id])
    assert client.post(url).status_code == 404
    assert not VideoProgress.objects.exclude(pk=video.pk).exists()


def test_lessons_in_order_redirect_to_the_first_unfinished_one(learner, course, lesson, client):
    second = course.add_child(
        instance=LessonPage(title="第二课", slug="two", min_minutes=0, body=[])
    )
    course_enrol(person=learner.person, course=course)
    client.force_login(learner)
    response = client.get(second.url)
    assert response.status_code == 302 and response.url == lesson.url


def test_a_lesson_page_asks_strangers_to_enrol(course, lesson, client):
    client.force_login(UserFactory())
    response = client.get(lesson.url)
    assert response.status_code == 302 and response.url == course.url
    client.logout()
    assert "/accounts/login/" in client.get(lesson.url).url


def test_restarting_playback_again_and_again_earns_no_more_than_real_time(learner, video):
    # A script pressing play, claiming the next 3 s, pressing play again, as fast as it can.
    started = timezone.now()
    for number in range(40):
        lease = video_play(user=learner, video=video)
        beat(learner, video, lease, 1, [[number * 3, number * 3 + 3]], 3)
    video.refresh_from_db()
    real_time = (timezone.now() - started).total_seconds()
    assert video.watched_seconds <= real_time + 3 + 1
    assert video.completed_at is None


def test_one_heartbeat_after_a_long_silence_earns_nothing(learner, video, settings):
    settings.COURSES_IDLE_SECONDS = 600
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 20 * 60)
    result = beat(learner, video, lease, 1, [[0, 100]], 100, present=True)
    assert result.state == "idle"
    video.refresh_from_db()
    assert video.watched_seconds == 0


def test_credit_banked_over_a_dead_spot_is_capped(learner, video, settings):
    settings.COURSES_CREDIT_BANK_SECONDS = 60
    settings.COURSES_IDLE_SECONDS = 3600
    lease = video_play(user=learner, video=video)
    _age_lease(learner, 15 * 60)
    result = beat(learner, video, lease, 1, [[0, 100]], 100)
    assert result.accepted <= 60 + 3


def test_heartbeats_with_impossible_numbers_are_refused_not_a_500(learner, video, client):
    client.force_login(learner)
    url = reverse("courses:video_beat", args=[video.lesson_id, video.media_id])
    token = client.post(reverse("courses:video_play", args=[video.lesson_id, video.media_id]))
    for body in (
        '{"seq": 1, "elapsed": Infinity}',
        '{"seq": 1, "elapsed": NaN}',
        '{"seq": Infinity}',
        '{"seq": 1, "elapsed": 1' + "0" * 400 + "}",
        '{"seq": 99999999999999999999}',
        '{"seq": 0}',
    ):
        assert client.post(url, body, content_type="application/json").status_code == 400
    garbage = [[1e400, 5], ["NaN", "Infinity"], [0, 2]]
    ok = client.post(
        url,
        json.dumps({"token": token.json()["token"], "seq": 1, "intervals": garbage}),
        content_type="application/json",
    )
    assert ok.status_code == 200


def test_a_later_lessons_video_cannot_be_played_out_of_order(
    learner, course, lesson, media, client
):
    later = course.add_child(
        instance=LessonPage(
            title="第二课",
            slug="two",
            body=[{"type": "video", "value": {"item": media.pk, "caption": ""}}],
        )
    )
    course_enrol(person=learner.person, course=course)
    client.force_login(learner)
    assert client.post(reverse("courses:video_play", args=[later.pk, media.pk])).status_code == 404
    assert client.post(reverse("courses:video_play", args=[lesson.pk, media.pk])).status_code == 200


def test_a_replaced_video_file_changes_what_90_percent_means(learner, video, media):
    media.duration = 200
    media.save()
    again = video_progress_for(enrolment=video.enrolment, lesson=video.lesson, media=media)
    assert again.pk == video.pk and again.duration == 200
