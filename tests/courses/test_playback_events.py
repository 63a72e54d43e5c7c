"""What the player's refusals leave behind for the integrity detectors: a takeover from a
device still playing, and a heartbeat refused credit, each logged with its devices."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Site

from courses.learning.progress import video_beat, video_play, video_progress_for
from courses.learning.services import course_enrol
from courses.models import CourseIndexPage, CoursePage, LessonPage, PlaybackEvent, PlaybackLease
from tests.factories import MediaItemFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- what the player's refusals leave behind ------------------------------------------------


@pytest.fixture
def video(db):
    media = MediaItemFactory(type="video", duration=100, file="media/x.mp4", status="ready")
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="安全", slug="c", credit_hours=2, summary="…")
    )
    lesson = course.add_child(
        instance=LessonPage(
            title="第一课",
            slug="one",
            body=[{"type": "video", "value": {"item": media.pk, "caption": ""}}],
        )
    )
    user = UserFactory()
    person = PersonFactory(user=user)
    enrolment, _ = course_enrol(person=person, course=course)
    return user, video_progress_for(enrolment=enrolment, lesson=lesson, media=media)


def test_a_takeover_from_a_device_still_playing_is_logged_with_both_devices(video):
    user, progress = video
    video_play(user=user, video=progress, device="phone")
    video_play(user=user, video=progress, device="pc")

    takeover = PlaybackEvent.objects.get(kind=PlaybackEvent.Kind.TAKEOVER)
    assert (takeover.device, takeover.other_device) == ("pc", "phone")
    assert PlaybackEvent.objects.filter(kind=PlaybackEvent.Kind.PLAY).count() == 2


def test_playing_again_on_the_same_device_or_after_the_other_stopped_is_no_takeover(video):
    user, progress = video
    video_play(user=user, video=progress, device="phone")
    video_play(user=user, video=progress, device="phone")
    PlaybackLease.objects.filter(user=user).update(
        last_beat_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    video_play(user=user, video=progress, device="pc")

    assert not PlaybackEvent.objects.filter(kind=PlaybackEvent.Kind.TAKEOVER).exists()


def test_a_heartbeat_claiming_more_than_real_time_is_logged_as_refused(video):
    user, progress = video
    lease = video_play(user=user, video=progress, device="phone")
    # Just started: real time allows a few seconds, the player claims a minute.
    result = video_beat(
        user=user,
        video=progress,
        token=str(lease.token),
        seq=1,
        intervals=[[0, 60]],
        elapsed=60,
        position=60,
        present=True,
    )

    refused = PlaybackEvent.objects.get(kind=PlaybackEvent.Kind.REFUSED)
    assert refused.claimed_seconds == 60 and refused.accepted_seconds == result.accepted < 10
    assert refused.device == "phone"
