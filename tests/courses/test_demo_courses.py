"""The demo has two complete courses in Chinese: key-enterprise staff and technical schools."""

import pytest
from django.core.management import call_command

from courses.models import CourseAssignment, CoursePage, Enrolment, Question
from courses.organisations.selectors import school_courses

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_demo_courses_are_complete_and_the_school_course_has_the_plans_content():
    call_command("load_demo", verbosity=0)
    key_staff = CoursePage.objects.live().get(audience=CoursePage.Audience.KEY_STAFF)
    school = CoursePage.objects.live().get(audience=CoursePage.Audience.SCHOOL)
    assert key_staff.is_public and not school.is_public  # one open course (公开课)
    for course in (key_staff, school):
        lessons = list(course.lessons().specific())
        assert len(lessons) >= 3
        assert all(lesson.body for lesson in lessons)
        assert Question.objects.filter(course=course).count() >= course.paper_size
        assert {q.kind for q in course.questions.all()} == {"single", "multiple", "true_false"}
    # R4: law and policy, accident prevention, warning education — each a lesson.
    titles = " ".join(lesson.title for lesson in school.lessons())
    for subject in ("法律政策", "事故预防", "警示教育"):
        assert subject in titles
    # A warning film made by the real media pipeline plays in the warning-education lesson.
    warning = school.lessons().specific().get(title="警示教育")
    assert warning.videos() and warning.videos()[0].status == "ready"
    # The demo school offers the course and some of its students completed it.
    assert CourseAssignment.objects.filter(course=school, organisation__kind="school").exists()
    assert Enrolment.objects.filter(course=school, completed_at__isnull=False).exists()
    assert school in school_courses()
