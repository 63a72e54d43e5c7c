"""Part-wide writes: completing a course, the one door from courses into coverage."""

from django.db import transaction
from django.utils import timezone

from courses.certificates.services import certificate_issue
from courses.models import Certificate, CoursePage, Enrolment
from courses.selectors import course_exam_passed, course_lessons_done
from coverage.models import TrainingRecord
from coverage.services import training_record


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
