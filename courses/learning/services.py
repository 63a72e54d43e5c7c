"""Writes of learning: enrolment, opening and completing lessons, the lessons' questions."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.learning.selectors import lesson_requirements_missing
from courses.models import CourseAssignment, CoursePage, Enrolment, LessonPage, LessonProgress
from courses.services import course_complete_if_done
from coverage.models import Person


def course_enrol(
    *,
    person: Person,
    course: CoursePage,
    assignment: CourseAssignment | None = None,
) -> tuple[Enrolment, bool]:
    """Enrol a person once per course; an assignment later adds its deadline to it."""
    source = Enrolment.Source.ASSIGNED if assignment else Enrolment.Source.SELF
    deadline = assignment.deadline if assignment else None
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(
                person=person,
                course=course,
                defaults={"source": source, "assignment": assignment, "deadline": deadline},
            )
    except IntegrityError:  # the same person enrolling from two tabs at once
        enrolment, created = Enrolment.objects.get(person=person, course=course), False
    if not created and assignment and enrolment.assignment_id is None:
        enrolment.assignment = assignment
        enrolment.deadline = deadline
        enrolment.save(update_fields=["assignment", "deadline"])
    return enrolment, created


def lesson_progress_open(*, enrolment: Enrolment, lesson: LessonPage) -> LessonProgress:
    """The learner's progress in a lesson, started when they first open it."""
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    return progress


def lesson_complete(*, progress: LessonProgress) -> bool:
    """Mark a lesson done when its requirements are met; then try to complete the course."""
    if progress.completed_at:
        return True
    if lesson_requirements_missing(progress=progress):
        return False
    progress.completed_at = timezone.now()
    progress.save(update_fields=["completed_at"])
    course_complete_if_done(enrolment=progress.enrolment)
    return True


def lesson_checks_answer(*, progress: LessonProgress, answers: dict[int, set[int]]) -> list[int]:
    """Check the in-lesson questions (index → chosen answer indexes); returns wrong ones."""
    wrong = []
    for number, block in enumerate(progress.lesson.check_questions()):
        correct = {i for i, choice in enumerate(block.value["choices"]) if choice["correct"]}
        if answers.get(number, set()) != correct:
            wrong.append(number)
    if not wrong and not progress.checks_passed:
        progress.checks_passed = True
        progress.save(update_fields=["checks_passed"])
    return wrong
