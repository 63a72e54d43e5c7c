"""Courses' words for lessons: 课时, never the accident case's 教训 (lessons learned)."""

import pytest
from django.utils import translation
from wagtail.models import Site

from courses.models import CourseIndexPage, CoursePage, LessonPage
from publicity.models import CasePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="班组长安全培训", slug="leaders", credit_hours=2, summary="…")
    )
    course.add_child(instance=LessonPage(title="隐患排查", slug="one", min_minutes=0, body=[]))
    return course


def test_a_course_page_calls_its_lessons_keshi(course, client):
    with translation.override("zh-hans"):
        page = client.get(course.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h2>课时</h2>" in page
    assert "<dt>课时</dt>" in page
    assert "教训" not in page


def test_lesson_pages_and_case_lessons_have_their_own_words_in_the_admin():
    with translation.override("zh-hans"):
        assert str(LessonPage._meta.verbose_name) == "课时"
        assert str(LessonPage._meta.verbose_name_plural) == "课时"
        assert str(CasePage._meta.get_field("lessons").verbose_name) == "教训"
