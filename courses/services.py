"""Writes of the courses part: enrolment, lesson completion, course completion."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import (
    Certificate,
    CourseAssignment,
    CoursePage,
    Enrolment,
    ExamAttempt,
    LessonPage,
    LessonProgress,
    VideoProgress,
)
from coverage.models import Person, TrainingRecord
from coverage.services import training_record

# No 0/O/1/I: serials are read aloud and typed from paper.
SERIAL_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def enrolment_start(
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


def lesson_requirements_missing(*, progress: LessonProgress) -> list[str]:
    """What still stands between the learner and a finished lesson (empty: nothing)."""
    from courses.selectors import lesson_ready_at

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


def course_complete_if_done(*, enrolment: Enrolment) -> Certificate | None:
    """Complete the course once all lessons are done and the exam is passed.

    Completion records the training with coverage and issues the certificate, exactly once
    however many requests race to it (the row lock, then the training record's own
    uniqueness per source).
    """
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("person", "course")
            .get(pk=enrolment.pk)
        )
        if enrolment.completed_at:
            return Certificate.objects.filter(enrolment=enrolment).first()
        if not (
            course_lessons_done(enrolment=enrolment) and course_exam_passed(enrolment=enrolment)
        ):
            return None
        course = enrolment.course
        now = timezone.now()
        today = timezone.localdate(now)
        record, _ = training_record(
            person=enrolment.person,
            kind=TrainingRecord.Kind.ONLINE,
            occurred_on=today,
            title=course.title,
            source_key=f"course:{course.pk}",
            hours=course.credit_hours,
            targets=_course_targets(course, today),
        )
        enrolment.completed_at = now
        enrolment.training_record = record
        enrolment.save(update_fields=["completed_at", "training_record"])
        return certificate_issue(enrolment=enrolment)


def _course_targets(course: CoursePage, day) -> list | None:
    """The ticked targets a completion on `day` can count toward: in their period and taking
    online training. None (nothing ticked) lets coverage pick every current target."""
    ticked = list(course.targets.all())
    if not ticked:
        return None
    kind = TrainingRecord.Kind.ONLINE
    return [
        target
        for target in ticked
        if target.start_date <= day <= target.end_date
        and (not target.qualifying_kinds or kind in target.qualifying_kinds)
    ]


def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """The enrolment's certificate, issued once with a serial nobody can guess."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    issued_on = timezone.localdate(enrolment.completed_at)
    while True:
        serial = f"YF{issued_on:%Y}" + "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(10))
        if not Certificate.objects.filter(serial=serial).exists():
            break
    return Certificate.objects.create(
        enrolment=enrolment,
        serial=serial,
        holder_name=enrolment.person.name,
        course_title=enrolment.course.title,
        hours=enrolment.course.credit_hours,
        issued_on=issued_on,
    )
