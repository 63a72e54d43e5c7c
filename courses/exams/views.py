"""Learner views of a course's exam: the rules and history, the paper, the result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

# Modules, not names: the views are named for the actions they call.
from courses.exams import selectors, services
from courses.models import CoursePage, ExamAttempt
from courses.selectors import enrolment_for


def _answers_from(request: HttpRequest, attempt: ExamAttempt) -> dict[int, list[int]]:
    """The paper's inputs are named q<question id>, valued by the answer's place on this paper
    (not its id, whose order would give away the order the editor typed the answers in);
    junk is ignored."""
    answers = {}
    for item in attempt.paper:
        question_id = int(item["question"])
        shown = item["choices"]
        places = {
            int(value)
            for value in request.POST.getlist(f"q{question_id}")
            if value.isascii() and value.isdigit() and len(value) < 3
        }
        answers[question_id] = [shown[place] for place in sorted(places) if place < len(shown)]
    return answers


def _own_attempt_or_404(request: HttpRequest, attempt_id: int) -> ExamAttempt:
    attempt = selectors.attempt_for_learner(user=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    return attempt


@login_required
def exam_overview(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = enrolment_for(user=request.user, course=course)
    if enrolment:
        services.exam_expired_close(enrolment=enrolment)
    return TemplateResponse(
        request,
        "courses/exam.html",
        {
            "course": course,
            "overview": selectors.exam_overview(enrolment=enrolment) if enrolment else None,
        },
    )


@login_required
@require_POST
def exam_start(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = enrolment_for(user=request.user, course=course)
    if enrolment is None:
        messages.error(request, _("Enrol in the course before taking its exam."))
        return redirect("courses:exam", course_id=course.pk)
    try:
        attempt = services.exam_start(enrolment=enrolment)
    except services.ExamRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("courses:exam", course_id=course.pk)
    return redirect("courses:exam_attempt", attempt_id=attempt.pk)


@login_required
def exam_attempt(request, attempt_id: int):
    attempt = _own_attempt_or_404(request, attempt_id)
    if request.method == "POST" and not attempt.submitted_at:
        attempt = services.exam_submit(attempt=attempt, answers=_answers_from(request, attempt))
    if attempt.submitted_at:
        return redirect("courses:exam_result", attempt_id=attempt.pk)
    return TemplateResponse(
        request,
        "courses/exam_paper.html",
        {
            "attempt": attempt,
            "course": attempt.enrolment.course,
            "items": selectors.attempt_paper(attempt=attempt),
            "seconds_left": selectors.seconds_left(attempt),
        },
    )


@login_required
@require_POST
def exam_answers_save(request, attempt_id: int):
    attempt = _own_attempt_or_404(request, attempt_id)
    saved = services.exam_answers_save(attempt=attempt, answers=_answers_from(request, attempt))
    return JsonResponse(
        {"saved": saved, "seconds_left": selectors.seconds_left(attempt)},
        status=200 if saved else 409,
    )


@login_required
def exam_result(request, attempt_id: int):
    attempt = _own_attempt_or_404(request, attempt_id)
    if not attempt.submitted_at:
        return redirect("courses:exam_attempt", attempt_id=attempt.pk)
    overview = selectors.exam_overview(enrolment=attempt.enrolment)
    return TemplateResponse(
        request,
        "courses/exam_result.html",
        {
            "attempt": attempt,
            "course": attempt.enrolment.course,
            "items": selectors.attempt_paper(attempt=attempt),
            "overview": overview,
            # Right answers and explanations once they can no longer help on a later attempt.
            "reveal": attempt.passed or overview.attempts_left == 0,
        },
    )
