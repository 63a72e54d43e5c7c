"""Courses with lessons and a question bank, learners, and finished lessons, built quickly."""

import datetime
import itertools

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from tests.factories import UserFactory
from wagtail.models import Site

from courses.models import Choice, CourseIndexPage, CoursePage, Enrolment, LessonPage, Question
from courses.services import enrolment_start, lesson_complete, lesson_progress_open
from coverage.models import TrainingTarget
from coverage.services import person_save
from demo.installers.coverage import demo_id_number

_serials = itertools.count(1)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    kind = Question.Kind.SINGLE
    text = factory.Sequence(lambda n: f"第{n}题：发生工伤事故后应当怎么做？")
    explanation = factory.Sequence(lambda n: f"解析{n}：依据《工伤保险条例》。")


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    text = factory.Sequence(lambda n: f"选项{n}")
    is_correct = False


def question_add(course: CoursePage, *, kind: str = Question.Kind.SINGLE, correct=(0,), n=4):
    """A question with `n` answers (two for true/false), those at the `correct` indexes right."""
    if kind == Question.Kind.TRUE_FALSE:
        n = 2
    question = QuestionFactory(course=course, kind=kind)
    for index in range(n):
        ChoiceFactory(question=question, is_correct=index in correct, sort_order=index)
    return question


def course_index() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index:
        return index
    root = Site.objects.get(is_default_site=True).root_page
    return root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))


def course_build(
    *,
    lessons: int = 2,
    questions: int = 10,
    title: str = "工伤预防基础知识",
    **exam_settings,
) -> CoursePage:
    """A live course of text-only lessons (done at once) and a bank of single-choice questions."""
    settings = {
        "credit_hours": 2,
        "pass_mark": 80,
        "paper_size": 5,
        "max_attempts": 3,
        "retry_wait_minutes": 30,
        "exam_minutes": 30,
        **exam_settings,
    }
    course = course_index().add_child(
        instance=CoursePage(title=title, slug=f"course-{next(_serials)}", summary="…", **settings)
    )
    for number in range(lessons):
        course.add_child(
            instance=LessonPage(
                title=f"第{number + 1}课",
                slug=f"lesson-{number + 1}",
                min_minutes=0,
                body=[{"type": "paragraph", "value": "<p>预防为主。</p>"}],
            )
        )
    for _ in range(questions):
        question_add(course)
    return course


def learner_make(name: str = "张伟"):
    """A signed-in account bound to a person; returns (user, person)."""
    user = UserFactory()
    person, _ = person_save(id_number=demo_id_number(next(_serials), "220102"), name=name)
    person.user = user
    person.save(update_fields=["user"])
    return user, person


def enrolment_make(course: CoursePage, person, *, lessons_done: bool = True) -> Enrolment:
    enrolment, _ = enrolment_start(person=person, course=course)
    if lessons_done:
        for lesson in course.lessons():
            assert lesson_complete(
                progress=lesson_progress_open(enrolment=enrolment, lesson=lesson)
            )
    return enrolment


def target_this_year() -> TrainingTarget:
    """A target whose period holds today, so a completion today counts toward it."""
    today = timezone.localdate()
    target, _ = TrainingTarget.objects.get_or_create(
        code=f"test-{today.year}",
        defaults={
            "name": "测试目标",
            "start_date": datetime.date(today.year, 1, 1),
            "end_date": datetime.date(today.year, 12, 31),
            "required_roles": ["manager", "safety_head", "team_leader"],
            "qualifying_kinds": [],
        },
    )
    return target
