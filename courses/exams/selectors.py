"""Reads for the exam pages: the rules as they stand for a learner, a paper, the history."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from courses.exams.services import LATE_GRACE, ExamRefused, exam_refusal, exam_time_allowed
from courses.models import (
    Certificate,
    Choice,
    CoursePage,
    Enrolment,
    ExamAttempt,
    Question,
)


@dataclass
class ExamOverview:
    course: CoursePage
    enrolment: Enrolment
    history: list[ExamAttempt]
    running: ExamAttempt | None
    attempts_left: int | None  # None: unlimited
    refusal: ExamRefused | None
    questions_per_paper: int
    minutes: int
    certificate: Certificate | None


@dataclass
class PaperItem:
    number: int
    question: Question
    choices: list[Choice]
    chosen: set[int] = field(default_factory=set)
    correct: set[int] = field(default_factory=set)

    @property
    def right(self) -> bool:
        return self.chosen == self.correct

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question.kind == Question.Kind.MULTIPLE else "radio"


def exam_overview(*, enrolment: Enrolment) -> ExamOverview:
    course = enrolment.course
    attempts = list(ExamAttempt.objects.filter(enrolment=enrolment).order_by("-started_at"))
    history = [attempt for attempt in attempts if attempt.submitted_at]
    now = timezone.now()
    running = next(
        (
            attempt
            for attempt in attempts
            if not attempt.submitted_at and now <= attempt.deadline_at + LATE_GRACE
        ),
        None,
    )
    bank_size = course.questions.count()
    return ExamOverview(
        course=course,
        enrolment=enrolment,
        history=history,
        running=running,
        attempts_left=max(course.max_attempts - len(history), 0) if course.max_attempts else None,
        refusal=None if running else exam_refusal(enrolment=enrolment, now=now),
        questions_per_paper=min(course.paper_size or bank_size, bank_size),
        minutes=int(exam_time_allowed(course).total_seconds() // 60),
        certificate=Certificate.objects.filter(enrolment=enrolment).first(),
    )


def attempt_for_learner(*, user, attempt_id: int) -> ExamAttempt | None:
    """The attempt when it is the signed-in user's own, else None (shown as not found)."""
    if not user.is_authenticated:
        return None
    return (
        ExamAttempt.objects.select_related("enrolment__course", "enrolment__person")
        .filter(pk=attempt_id, enrolment__person__user=user)
        .first()
    )


def attempt_paper(*, attempt: ExamAttempt) -> list[PaperItem]:
    """The paper in the order drawn, with the learner's answers and the correct ones."""
    ids = [int(item["question"]) for item in attempt.paper]
    questions = Question.objects.in_bulk(ids)
    choices = {
        choice.pk: choice for choice in Choice.objects.filter(question_id__in=ids)
    }  # one query for every answer on the paper
    items = []
    for item in attempt.paper:
        question = questions.get(int(item["question"]))
        if question is None:  # deleted from the bank since the draw
            continue
        shown = [choices[pk] for pk in item["choices"] if pk in choices]
        items.append(
            PaperItem(
                number=len(items) + 1,
                question=question,
                choices=shown,
                chosen=set(attempt.answers.get(str(question.pk), [])),
                # Known to the page only once the attempt is handed in.
                correct={c.pk for c in shown if c.is_correct} if attempt.submitted_at else set(),
            )
        )
    return items


def seconds_left(attempt: ExamAttempt, *, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return max(0, int((attempt.deadline_at - now).total_seconds()))
