"""Exam rules and writes: who may sit a paper, drawing it, saving and grading answers.

Time rules, kept simple on purpose:
- An attempt must be handed in by `deadline_at` (start + the course's time allowed). The page
  hands in by itself when the clock runs out, so a hand-in up to `LATE_GRACE` after the
  deadline (a slow phone network) is graded as handed in.
- A hand-in later than that is not accepted as it stands: the attempt is graded on the
  answers the server had saved for it by then (the paper saves each answer as it is chosen),
  and it counts as an attempt, deemed handed in at its deadline. An abandoned attempt is
  closed the same way the next time the learner opens the exam.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage, Enrolment, ExamAttempt, Question
from courses.selectors import course_lessons_done
from courses.services import course_complete_if_done

LATE_GRACE = datetime.timedelta(seconds=60)
# A course whose time allowed is 0 has no clock; a day bounds an abandoned attempt.
UNTIMED = datetime.timedelta(days=1)


class ExamRefused(Exception):
    """The learner may not start an attempt now; `message` is shown as it is."""

    def __init__(self, message: str, *, code: str, next_at: datetime.datetime | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.next_at = next_at


def local_time_text(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def question_choices_problems(*, kind: str, correct: list[bool]) -> list[str]:
    """What is wrong with a question's answers (one flag per answer: is it correct?)."""
    problems = []
    right = sum(correct)
    if kind == Question.Kind.TRUE_FALSE and len(correct) != 2:
        problems.append(_("A true-or-false question has exactly two answers (true and false)."))
    if kind == Question.Kind.MULTIPLE and len(correct) < 2:
        problems.append(_("A multiple-choice question needs at least two answers."))
    if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and right != 1:
        problems.append(
            _("Mark exactly one answer as correct (this question has %(count)d).")
            % {"count": right}
        )
    if kind == Question.Kind.SINGLE and len(correct) < 2:
        problems.append(_("A single-choice question needs at least two answers."))
    if kind == Question.Kind.MULTIPLE and right < 1:
        problems.append(_("Mark at least one answer as correct."))
    return problems


def exam_time_allowed(course: CoursePage) -> datetime.timedelta:
    return datetime.timedelta(minutes=course.exam_minutes) if course.exam_minutes else UNTIMED


def exam_refusal(
    *, enrolment: Enrolment, now: datetime.datetime | None = None
) -> ExamRefused | None:
    """Why the learner may not start a new attempt now, or None when they may.

    Closed attempts only: an open attempt is resumed, not refused (see exam_start).
    """
    now = now or timezone.now()
    course = enrolment.course
    if not course_lessons_done(enrolment=enrolment):
        return ExamRefused(
            _("Finish all lessons of the course before taking the exam."), code="lessons"
        )
    closed = list(
        ExamAttempt.objects.filter(enrolment=enrolment, submitted_at__isnull=False).order_by(
            "-submitted_at"
        )
    )
    if any(attempt.passed for attempt in closed):
        return ExamRefused(_("You have already passed this exam."), code="passed")
    if course.max_attempts and len(closed) >= course.max_attempts:
        return ExamRefused(
            _("You have used all %(count)d attempts allowed for this exam.")
            % {"count": course.max_attempts},
            code="attempts",
        )
    if closed and course.retry_wait_minutes:
        next_at = closed[0].submitted_at + datetime.timedelta(minutes=course.retry_wait_minutes)
        if now < next_at:
            return ExamRefused(
                _("You can take the exam again from %(time)s (Beijing time).")
                % {"time": local_time_text(next_at)},
                code="wait",
                next_at=next_at,
            )
    if not course.questions.exists():
        return ExamRefused(_("This course has no exam questions yet."), code="empty")
    return None


def _paper_draw(course: CoursePage) -> list[dict]:
    rng = secrets.SystemRandom()
    bank = [
        question
        for question in course.questions.prefetch_related("choices")
        if any(choice.is_correct for choice in question.choices.all())
    ]
    size = min(course.paper_size or len(bank), len(bank))
    paper = []
    for question in rng.sample(bank, size):
        choice_ids = [choice.pk for choice in question.choices.all()]
        if question.kind != Question.Kind.TRUE_FALSE:  # "true" then "false" reads naturally
            rng.shuffle(choice_ids)
        paper.append({"question": question.pk, "choices": choice_ids})
    return paper


def exam_expired_close(*, enrolment: Enrolment) -> None:
    """Grade attempts left open past their deadline on the answers saved for them."""
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        expired = ExamAttempt.objects.select_for_update().filter(
            enrolment=enrolment,
            submitted_at__isnull=True,
            deadline_at__lt=timezone.now() - LATE_GRACE,
        )
        for attempt in expired:
            _grade(attempt, attempt.answers, handed_in_at=attempt.deadline_at)
            if attempt.passed:
                course_complete_if_done(enrolment=enrolment)


def exam_start(*, enrolment: Enrolment) -> ExamAttempt:
    """The learner's running attempt if there is one, else a newly drawn paper.

    Raises ExamRefused when the rules do not allow a new attempt now.
    """
    with transaction.atomic():
        # One paper at a time, however many tabs press "start".
        enrolment = (
            Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment.pk)
        )
        exam_expired_close(enrolment=enrolment)
        running = ExamAttempt.objects.filter(enrolment=enrolment, submitted_at__isnull=True).first()
        if running:
            return running
        refusal = exam_refusal(enrolment=enrolment)
        if refusal:
            raise refusal
        now = timezone.now()
        return ExamAttempt.objects.create(
            enrolment=enrolment,
            paper=_paper_draw(enrolment.course),
            started_at=now,
            deadline_at=now + exam_time_allowed(enrolment.course),
        )


def _clean_answers(attempt: ExamAttempt, answers: dict[int, list[int]]) -> dict[str, list[int]]:
    """Only questions and choices that are on the paper, stored with string keys (JSON)."""
    on_paper = {int(item["question"]): set(item["choices"]) for item in attempt.paper}
    cleaned = {}
    for question_id, chosen in answers.items():
        allowed = on_paper.get(int(question_id))
        if allowed is None:
            continue
        picked = sorted({int(choice) for choice in chosen} & allowed)
        if picked:
            cleaned[str(int(question_id))] = picked
    return cleaned


def _grade(attempt: ExamAttempt, answers: dict, *, handed_in_at: datetime.datetime) -> None:
    question_ids = [int(item["question"]) for item in attempt.paper]
    questions = Question.objects.filter(pk__in=question_ids).prefetch_related("choices")
    correct_sets = {
        question.pk: {choice.pk for choice in question.choices.all() if choice.is_correct}
        for question in questions
    }
    # A question deleted from the bank after the draw no longer counts either way.
    total = sum(1 for pk in question_ids if pk in correct_sets)
    right = sum(
        1
        for pk in question_ids
        if pk in correct_sets and set(answers.get(str(pk), [])) == correct_sets[pk]
    )
    attempt.answers = answers
    attempt.score = right * 100 // total if total else 0
    attempt.passed = attempt.score >= attempt.enrolment.course.pass_mark
    attempt.submitted_at = handed_in_at
    attempt.save(update_fields=["answers", "score", "passed", "submitted_at"])


def exam_answers_save(*, attempt: ExamAttempt, answers: dict[int, list[int]]) -> bool:
    """Keep the answers chosen so far while the attempt runs; False once it is over."""
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at or timezone.now() > attempt.deadline_at + LATE_GRACE:
            return False
        attempt.answers = _clean_answers(attempt, answers)
        attempt.save(update_fields=["answers"])
        return True


def exam_submit(*, attempt: ExamAttempt, answers: dict[int, list[int]]) -> ExamAttempt:
    """Grade the attempt once (question id → chosen choice ids); later calls change nothing.

    Right means the chosen set equals the correct set; the score is the percentage of right
    answers rounded down; passing completes the course when its lessons are done too.
    """
    with transaction.atomic():
        # Enrolment first, attempt second: the same order as exam_start, so no deadlock.
        Enrolment.objects.select_for_update().filter(pk=attempt.enrolment_id).first()
        attempt = (
            ExamAttempt.objects.select_for_update()
            .select_related("enrolment__course")
            .get(pk=attempt.pk)
        )
        if attempt.submitted_at:
            return attempt
        now = timezone.now()
        if now <= attempt.deadline_at + LATE_GRACE:
            _grade(attempt, _clean_answers(attempt, answers), handed_in_at=now)
        else:
            _grade(attempt, attempt.answers, handed_in_at=attempt.deadline_at)
        if attempt.passed:
            course_complete_if_done(enrolment=attempt.enrolment)
    return attempt
