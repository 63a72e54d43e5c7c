"""Reads of the courses part."""

import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress


def lesson_ready_at(progress: LessonProgress) -> datetime.datetime:
    """When a lesson without video may be marked done: its minimum study time after opening."""
    return progress.opened_at + datetime.timedelta(minutes=progress.lesson.min_minutes)


def enrolment_for(*, user, course: CoursePage) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    enrolment = (
        Enrolment.objects.filter(person__user=user, course=course).select_related("person").first()
    )
    if enrolment:
        enrolment.course = course  # the page the caller holds: no second query for it
    return enrolment


def course_context(*, course: CoursePage, user) -> dict:
    """What a course page shows a visitor: lessons, and their own progress when enrolled."""
    lessons = list(course.lessons().specific())
    enrolment = enrolment_for(user=user, course=course)
    done = set()
    if enrolment:
        done = set(
            LessonProgress.objects.filter(
                enrolment=enrolment, completed_at__isnull=False
            ).values_list("lesson_id", flat=True)
        )
    return {
        "lessons": lessons,
        "enrolment": enrolment,
        "lessons_done": done,
        "next_lesson": next((lesson for lesson in lessons if lesson.pk not in done), None),
    }


def lesson_blocked_by(*, enrolment: Enrolment, lesson) -> "LessonPage | None":
    """The first earlier lesson not yet done, when the course must be taken in order."""
    course = enrolment.course
    if not course.lessons_in_order:
        return None
    done = LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False)
    return (
        course.lessons()
        .filter(path__lt=lesson.path)
        .exclude(pk__in=done.values("lesson_id"))
        .specific()
        .first()
    )


def learner_enrolments(*, person) -> QuerySet[Enrolment]:
    """A learner's courses with their lesson counts, in one query (我的学习)."""
    live_lessons = (
        LessonPage.objects.live()
        .filter(path__startswith=OuterRef("course__path"), depth=OuterRef("course__depth") + 1)
        .order_by()
        .values("depth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        # A withdrawn course stays listed once completed: its certificate is still the learner's.
        Enrolment.objects.filter(
            Q(course__live=True) | Q(completed_at__isnull=False), person=person
        )
        .select_related("course", "certificate")
        .annotate(
            lesson_count=Coalesce(Subquery(live_lessons), 0),
            lessons_done=Count(
                "lesson_progress",
                filter=Q(
                    lesson_progress__completed_at__isnull=False,
                    lesson_progress__lesson__live=True,
                ),
            ),
        )
        .order_by(F("completed_at").asc(nulls_first=True), F("deadline").asc(nulls_last=True))
    )
