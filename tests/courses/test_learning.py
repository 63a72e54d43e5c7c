"""Enrolling, finishing lessons and 我的学习, through the learner's pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from courses.learning.services import course_enrol, lesson_complete, lesson_progress_open
from courses.models import CourseIndexPage, CoursePage, Enrolment, LessonPage, LessonProgress
from courses.services import course_complete_if_done
from coverage.models import TrainingRecord
from demo.installers.coverage import demo_id_number
from tests.factories import (
    LessonProgressFactory,
    PersonFactory,
    RosterEntryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHECK = {
    "type": "check_question",
    "value": {
        "question": "发现隐患后应当？",
        "choices": [
            {"text": "立即报告", "correct": True},
            {"text": "等下班再说", "correct": False},
        ],
        "explanation": "隐患要及时报告。",
    },
}


@pytest.fixture
def course(db):
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="班组长安全培训", slug="leaders", credit_hours=2, summary="…")
    )
    course.add_child(
        instance=LessonPage(
            title="隐患排查",
            slug="one",
            min_minutes=5,
            body=[{"type": "paragraph", "value": "<p>班前会。</p>"}, CHECK],
        )
    )
    course.add_child(instance=LessonPage(title="应急处置", slug="two", min_minutes=0, body=[]))
    return course


def _learner(serial=1, name="张伟"):
    """A worker on a roster: courses that are not open are for them (test_open_courses.py)."""
    user = UserFactory()
    person = PersonFactory(id_number=demo_id_number(serial, "220102"), name=name, user=user)
    RosterEntryFactory(person=person)
    return user


def test_enrolling_without_a_confirmed_identity_asks_for_it_first(course, client):
    client.force_login(UserFactory())
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("coverage:identity_bind"))
    assert not Enrolment.objects.exists()


def test_enrolling_twice_keeps_one_enrolment(course, client):
    user = _learner()
    client.force_login(user)
    for _ in range(2):
        assert client.post(reverse("courses:enrol", args=[course.pk])).status_code == 302
    assert Enrolment.objects.filter(person=user.person, course=course).count() == 1


def test_a_text_lesson_needs_its_study_time_and_right_answers(course, client):
    user = _learner()
    enrolment, _ = course_enrol(person=user.person, course=course)
    lesson = course.lessons().first().specific
    client.force_login(user)
    assert client.get(lesson.url).status_code == 200
    done_url = reverse("courses:lesson_done", args=[lesson.pk])

    # Explanations are not in the page before an answer, nor reachable through a link.
    assert "隐患要及时报告" not in client.get(f"{lesson.url}?wrong=0").content.decode()
    wrong = client.post(done_url, {"check-0": "1"})
    assert "隐患要及时报告" in client.get(wrong.url).content.decode()
    assert client.post(done_url, {"check-0": "²"}).status_code == 302
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)
    assert not progress.checks_passed

    too_soon = client.post(done_url, {"check-0": "0"}, follow=True)
    progress.refresh_from_db()
    assert progress.checks_passed and progress.completed_at is None
    assert too_soon.redirect_chain[-1][0] == lesson.url

    LessonProgress.objects.filter(pk=progress.pk).update(
        opened_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    response = client.post(done_url)
    progress.refresh_from_db()
    assert progress.completed_at is not None
    assert response.url == course.lessons().last().url


def test_finishing_the_last_lesson_of_a_course_without_exam_records_training_once(course, client):
    user = _learner()
    enrolment, _ = course_enrol(person=user.person, course=course)
    first, second = (lesson.specific for lesson in course.lessons())
    progress = lesson_progress_open(enrolment=enrolment, lesson=first)
    LessonProgress.objects.filter(pk=progress.pk).update(
        opened_at=timezone.now() - datetime.timedelta(minutes=6), checks_passed=True
    )
    progress.refresh_from_db()
    assert lesson_complete(progress=progress)
    client.force_login(user)
    for _ in range(2):
        client.post(reverse("courses:lesson_done", args=[second.pk]))
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    records = TrainingRecord.objects.filter(person=user.person, source_key=f"course:{course.pk}")
    assert records.count() == 1
    assert records.get().kind == TrainingRecord.Kind.ONLINE
    assert enrolment.certificate.serial.startswith("YF")


def test_my_learning_lists_courses_with_progress_in_constant_queries(
    course, client, django_assert_max_num_queries
):
    user = _learner()
    client.force_login(user)
    index = course.get_parent()
    for number in range(5):
        other = index.add_child(
            instance=CoursePage(
                title=f"课程{number}", slug=f"c{number}", credit_hours=1, summary="…"
            )
        )
        other.add_child(instance=LessonPage(title="一", slug="one", min_minutes=0, body=[]))
        course_enrol(person=user.person, course=other)
    enrolment, _ = course_enrol(person=user.person, course=course)
    second = course.lessons().last().specific
    LessonProgressFactory(enrolment=enrolment, lesson=second, completed_at=timezone.now())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("courses:my_learning"))
    listed = {e.course_id: e for e in response.context["enrolments"]}
    assert len(listed) == 6
    assert (listed[course.pk].lessons_done, listed[course.pk].lesson_count) == (1, 2)
    assert "班组长安全培训" in response.content.decode()


def test_my_learning_asks_an_unconfirmed_account_to_confirm_identity(client):
    client.force_login(UserFactory())
    response = client.get(reverse("courses:my_learning"))
    assert reverse("coverage:identity_bind") in response.content.decode()


def test_a_lesson_of_someone_elses_enrolment_is_not_completable(course, client):
    owner = _learner()
    course_enrol(person=owner.person, course=course)
    client.force_login(_learner(2, "李娜"))
    lesson = course.lessons().last()
    assert client.post(reverse("courses:lesson_done", args=[lesson.pk])).status_code == 404


def test_a_completed_course_stays_in_my_learning_after_it_is_withdrawn(course, client):
    user = _learner()
    enrolment, _ = course_enrol(person=user.person, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    course.unpublish()
    client.force_login(user)
    response = client.get(reverse("courses:my_learning"))
    assert [e.pk for e in response.context["enrolments"]] == [enrolment.pk]
    assert "班组长安全培训" in response.content.decode()


def test_a_course_without_lessons_cannot_be_completed(course, client):
    empty = course.get_parent().add_child(
        instance=CoursePage(title="筹备中的课程", slug="empty", credit_hours=1, summary="…")
    )
    user = _learner()
    enrolment, _ = course_enrol(person=user.person, course=empty)
    assert course_complete_if_done(enrolment=enrolment) is None
    client.force_login(user)
    assert "正在准备" in client.get(empty.url).content.decode()


def test_an_editors_preview_of_a_lesson_shows_it_and_counts_nothing(course):
    lesson = course.lessons().first().specific
    response = lesson.make_preview_request()
    assert response.status_code == 200
    page = response.content.decode()
    assert "班前会" in page and "发现隐患后应当？" in page
    assert course.url in page
    assert not LessonProgress.objects.exists()


def test_a_course_page_shows_an_enrolled_learner_their_next_lesson(course, client):
    user = _learner()
    enrolment, _ = course_enrol(person=user.person, course=course)
    first, second = (lesson.specific for lesson in course.lessons())
    progress = lesson_progress_open(enrolment=enrolment, lesson=first)
    LessonProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    client.force_login(user)
    response = client.get(course.url)
    assert response.context["enrolment"] == enrolment
    assert response.context["lessons_done"] == {first.pk}
    assert response.context["next_lesson"] == second
    client.force_login(UserFactory())
    response = client.get(course.url)
    assert response.context["enrolment"] is None
    assert response.context["next_lesson"] == first
