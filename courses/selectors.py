"""Part-wide reads: the learner's enrolment and what a course's completion waits for."""

from courses.models import CoursePage, Enrolment, ExamAttempt, LessonProgress


def enrolment_for(*, user, course: CoursePage) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    enrolment = (
        Enrolment.objects.filter(person__user=user, course=course).select_related("person").first()
    )
    if enrolment:
        enrolment.course = course  # the page the caller holds: no second query for it
    return enrolment


def course_lessons_done(*, enrolment: Enrolment) -> bool:
    """Every live lesson done; a course without lessons has nothing to complete yet."""
    lesson_ids = set(enrolment.course.lessons().values_list("pk", flat=True))
    if not lesson_ids:
        return False
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    return lesson_ids <= done


def course_exam_passed(*, enrolment: Enrolment) -> bool:
    """A course without a question bank has no exam to pass."""
    if not enrolment.course.questions.exists():
        return True
    return ExamAttempt.objects.filter(enrolment=enrolment, passed=True).exists()
