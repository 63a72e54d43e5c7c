"""A course whose first lesson is a transcoded film, and a signed-in worker, for the browser
tests of lesson pages (tests/e2e/)."""

from django.test import Client
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from courses.models import CourseIndexPage, CoursePage, LessonPage
from coverage.services import person_save
from demo.installers.coverage import demo_id_number
from demo.installers.publicity import home_page_install
from media.models import MediaItem
from media.services import media_item_transcode
from tests.factories import UserFactory
from tests.helpers.media import H264, item_create, picture, sound, video_make


def film_transcode(folder, *, seconds: int = 8, title: str = "高处坠落警示片") -> MediaItem:
    """A video through the real pipeline (HLS ladder, MP4 fallback, poster)."""
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    source = video_make(
        folder / "film.mp4", *picture("320x240", seconds), *sound(seconds), *H264, "-c:a", "aac"
    )
    item = item_create(source, media_type="video", title=title)
    MediaItem.objects.filter(pk=item.pk).update(status=MediaItem.Status.QUEUED)
    media_item_transcode(item_id=item.pk, run_id="e2e")
    item.refresh_from_db()
    assert item.status == MediaItem.Status.READY, item.failure_message
    return item


def course_with_film_build(film: MediaItem) -> CoursePage:
    """A course of two lessons: the film, then a short text lesson."""
    # Transactional tests flush the tables, Wagtail's root page and locale with them.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant("zh-hans"))
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    home = home_page_install()
    index = home.add_child(instance=CourseIndexPage(title="在线课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="班组长工伤预防培训", slug="leaders", credit_hours=2, summary="…")
    )
    course.add_child(
        instance=LessonPage(
            title="警示片",
            slug="film",
            body=[{"type": "video", "value": {"item": film.pk, "caption": "警示片"}}],
        )
    )
    course.add_child(
        instance=LessonPage(
            title="隐患排查",
            slug="hazards",
            min_minutes=0,
            body=[{"type": "paragraph", "value": "<p>班前会要讲清危险源和防范措施。</p>"}],
        )
    )
    return course


def worker_sign_in(context, base_url: str, *, serial: int = 7):
    """A worker with a confirmed identity, signed in in the browser context."""
    user = UserFactory()
    person, _ = person_save(id_number=demo_id_number(serial, "220102"), name="张伟")
    person.user = user
    person.save()
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return user
