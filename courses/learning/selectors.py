"""Reads of learning: a course page's lessons for a visitor, order, readiness, 我的学习."""

import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress, VideoProgress
from courses.selectors import enrolment_for


def lesson_ready_at(progress: LessonProgress) -> datetime.datetime:
    """When a lesson without video may be marked done: its minimum study time after opening."""
    return progress.opened_at + datetime.timedelta(minutes=progress.lesson.min_minutes)


def course_progress(*, course: CoursePage, user, lessons: list[LessonPage]) -> dict:
    """The visitor's own way through the course's lessons: empty unless they are enrolled."""
    enrolment = enrolment_for(user=user, course=course)
    if enrolment is None:
        return {}
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    return {
        "enrolment": enrolment,
        "lessons_done": done,
        "next_lesson": next((lesson for lesson in lessons if lesson.pk not in done), None),
    }


def lesson_requirements_missing(*, progress: LessonProgress) -> list[str]:
    """What still stands between the learner and a finished lesson (empty: nothing)."""
    lesson = progress.lesson
    missing = []
    videos = lesson.videos()
    if videos:
        watched = set(
            VideoProgress.objects.filter(
                enrolment=progress.enrolment, lesson=lesson, completed_at__isnull=False
            ).values_list("media_id", flat=True)
        )
        if any(video.pk not in watched for video in videos):
            missing.append("video")
    elif timezone.now() < lesson_ready_at(progress):
        missing.append("time")
    if lesson.check_questions() and not progress.checks_passed:
        missing.append("checks")
    return missing


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
