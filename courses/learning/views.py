"""Learner views: enrol, lessons, progress heartbeats, 我的学习."""

import json
import math
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

# Modules for the writes: the views are named for the actions they call.
from courses.learning import progress, services
from courses.learning.selectors import (
    course_progress,
    learner_enrolments,
    lesson_blocked_by,
    lesson_ready_at,
    lesson_requirements_missing,
)
from courses.models import CourseIndexPage, CoursePage, LessonPage, VideoProgress
from courses.selectors import enrolment_for
from coverage.identity.views import identity_bind_page
from coverage.jurisdiction import self_enrolment_allowed
from coverage.models import Person
from coverage.sessions.views.checkin import DEVICE_COOKIE

MISSING_MESSAGES = {
    "video": lambda: _("Watch at least 90 percent of the lesson's video first."),
    "time": lambda: _("Take a little more time with this lesson before marking it done."),
    "checks": lambda: _("Answer the lesson's questions correctly first."),
}


def _index(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 4 else None


def _wrong_key(lesson) -> str:
    return f"courses:lesson:{lesson.pk}:wrong"


def _identity_bind_url(next_url: str) -> str:
    return f"{reverse('coverage:identity_bind')}?next={next_url}"


@login_required
def my_learning(request):
    person = Person.objects.filter(user=request.user).first()
    enrolments = learner_enrolments(person=person) if person else []
    return TemplateResponse(
        request,
        "courses/my_learning.html",
        {
            "person": person,
            "enrolments": enrolments,
            "course_index": CourseIndexPage.objects.live().first(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def course_enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        # A course counts toward coverage and ends in a certificate with the learner's name:
        # both need to know who the learner is, once.
        messages.info(request, _("Confirm your name and ID number once before you start."))
        if course.is_public:
            return redirect("courses:course_identity", course_id=course.pk)
        return redirect(_identity_bind_url(course.url))
    if not self_enrolment_allowed(person, open_course=course.is_public):
        messages.error(
            request,
            _(
                "This course is for people on an organisation's roster: ask your enterprise to "
                "assign it to you. Open courses (公开课) are open to everyone."
            ),
        )
        return redirect(course.url)
    _enrolment, created = services.course_enrol(person=person, course=course)
    if created:
        messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect(course.url)


@login_required
def course_identity(request, course_id: int):
    """Name and ID number for an open course: someone on no roster becomes a person here."""
    course = get_object_or_404(CoursePage.objects.live().filter(is_public=True), pk=course_id)
    return identity_bind_page(request, next_url=course.url, create=True, course_title=course.title)


def course_open(request, course: CoursePage, *args, **kwargs):
    """A course page, with the visitor's own progress when they are enrolled.

    Wagtail serves course pages through this view (courses.wagtail_hooks, on_serve_page).
    """
    request.is_preview = False
    context = course.get_context(request, *args, **kwargs)
    context.update(course_progress(course=course, user=request.user, lessons=context["lessons"]))
    if request.user.is_authenticated and not course.is_public and not context["enrolment"]:
        person = Person.objects.filter(user=request.user).first()
        context["enrolment_closed"] = person is not None and not self_enrolment_allowed(
            person, open_course=False
        )
    return TemplateResponse(request, course.get_template(request, *args, **kwargs), context)


def lesson_open(request, lesson: LessonPage, *args, **kwargs):
    """A lesson page, for enrolled learners only, in order when the course asks for it.

    Wagtail serves lesson pages through this view (courses.wagtail_hooks, on_serve_page);
    an editor's preview is the page's own template and context, counting nothing.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = lesson.get_context(request, *args, **kwargs)
    course = context["course"]
    enrolment = enrolment_for(user=request.user, course=course)
    if enrolment is None:
        messages.info(request, _("Enrol in the course to open its lessons."))
        return redirect(course.url)
    blocked_by = lesson_blocked_by(enrolment=enrolment, lesson=lesson)
    if blocked_by:
        messages.info(request, _("Finish “%(lesson)s” first.") % {"lesson": blocked_by.title})
        return redirect(blocked_by.url)
    progress_row = services.lesson_progress_open(enrolment=enrolment, lesson=lesson)
    videos = {
        video.media_id: video
        for video in VideoProgress.objects.filter(enrolment=enrolment, lesson=lesson)
    }
    lesson_videos = lesson.videos()
    players = {
        str(media.pk): {
            "play": reverse("courses:video_play", args=[lesson.pk, media.pk]),
            "beat": reverse("courses:video_beat", args=[lesson.pk, media.pk]),
            "position": videos[media.pk].position if media.pk in videos else 0,
            "percent": videos[media.pk].percent if media.pk in videos else 0,
            "completed": bool(media.pk in videos and videos[media.pk].completed_at),
        }
        for media in lesson_videos
    }
    wrong_checks = set(request.session.pop(_wrong_key(lesson), []))
    context.update(
        {
            "wrong_checks": wrong_checks,
            "enrolment": enrolment,
            "progress": progress_row,
            "players": players,
            "player_settings": {
                "heartbeat": settings.COURSES_HEARTBEAT_SECONDS,
                "idle": settings.COURSES_IDLE_SECONDS,
                "watched_percent": round(progress.WATCHED_SHARE * 100),
            },
            "video_missing": progress.video_share_missing(
                videos=[videos.get(media.pk) for media in lesson_videos]
            ),
            "missing": lesson_requirements_missing(progress=progress_row),
            "ready_at": lesson_ready_at(progress_row),
            "next_lesson": lesson.get_next_siblings().live().specific().first(),
        }
    )
    return TemplateResponse(request, lesson.get_template(request), context)


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = lesson.get_parent().specific
    enrolment = enrolment_for(user=request.user, course=course)
    if enrolment is None or lesson_blocked_by(enrolment=enrolment, lesson=lesson):
        raise Http404
    progress_row = services.lesson_progress_open(enrolment=enrolment, lesson=lesson)
    if lesson.check_questions() and not progress_row.checks_passed:
        answers = {
            number: {_index(value) for value in request.POST.getlist(f"check-{number}")} - {None}
            for number in range(len(lesson.check_questions()))
        }
        wrong = services.lesson_checks_answer(progress=progress_row, answers=answers)
        if wrong:
            messages.error(
                request,
                _("Question %(numbers)s is not right yet; read the explanation and try again.")
                % {"numbers": "、".join(str(number + 1) for number in wrong)},
            )
            # The explanations show after a wrong answer, never from a link.
            request.session[_wrong_key(lesson)] = wrong
            return redirect(f"{lesson.url}#checks")
    if not services.lesson_complete(progress=progress_row):
        for reason in lesson_requirements_missing(progress=progress_row):
            messages.error(request, MISSING_MESSAGES[reason]())
        return redirect(lesson.url)
    messages.success(request, _("Lesson done."))
    following = lesson.get_next_siblings().live().first()
    return redirect(following.url if following else course.url)


def _video_for(request, lesson_id: int, media_id: int) -> VideoProgress:
    """The learner's progress in a video of a lesson they may open now (404 otherwise)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    media = next((item for item in lesson.videos() if item.pk == media_id), None)
    enrolment = enrolment_for(user=request.user, course=lesson.get_parent().specific)
    if media is None or not media.duration or enrolment is None:
        raise Http404
    if lesson_blocked_by(enrolment=enrolment, lesson=lesson):
        raise Http404
    return progress.video_progress_for(enrolment=enrolment, lesson=lesson, media=media)


@login_required
@require_POST
def video_play(request, lesson_id: int, media_id: int):
    video = _video_for(request, lesson_id, media_id)
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    lease = progress.video_play(user=request.user, video=video, device=device)
    response = JsonResponse(
        {
            "token": str(lease.token),
            "position": video.position,
            "percent": video.percent,
            "completed": video.completed_at is not None,
        }
    )
    if not device:
        # The check-in's device cookie: the integrity detectors tell devices apart by it.
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=2 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@login_required
@require_POST
def video_beat(request, lesson_id: int, media_id: int):
    try:
        beat = json.loads(request.body)
        seq = int(beat["seq"])
        elapsed = float(beat.get("elapsed", 0))
        position = float(beat.get("position", 0))
    except (ValueError, KeyError, TypeError, OverflowError):
        return HttpResponseBadRequest("bad heartbeat")
    if not (0 < seq < 2**53 and math.isfinite(elapsed) and math.isfinite(position)):
        return HttpResponseBadRequest("bad heartbeat")
    video = _video_for(request, lesson_id, media_id)
    result = progress.video_beat(
        user=request.user,
        video=video,
        token=str(beat.get("token", "")),
        seq=seq,
        intervals=beat.get("intervals"),
        elapsed=elapsed,
        position=position,
        present=bool(beat.get("present")),
    )
    status = 409 if result.state == "taken_over" else 200
    return JsonResponse(result.as_json(), status=status)
