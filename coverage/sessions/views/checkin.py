"""Offline sessions, the worker's check-in flow: scan → sign in → confirm identity → checked in."""

import secrets
import time

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coverage.audit.client_ip import client_ip
from coverage.models import Attendance, Person, TrainingSession
from coverage.sessions import tokens
from coverage.sessions.selectors import checkin_session_find
from coverage.sessions.services import (
    REFUSALS,
    CheckinRefused,
    Location,
    attendance_check_in,
    attendance_check_out,
    checkin_window_check,
)

PENDING_KEY = "pending_checkin"
PENDING_MAX_AGE = 10 * 60  # a scan keeps its place while the worker signs in and binds
DEVICE_COOKIE = "yf_device"
# Refusals the worker can fix on the spot (type the number again, allow the location, walk
# into the hall): the confirm page again, with the message, not a dead end.
RETRYABLE = {"confirmation_wrong", "location_missing", "location_outside"}


def _refusal(request, message, *, status=200, session=None):
    return render(
        request,
        "coverage/checkin_refused.html",
        {"message": message, "session": session},
        status=status,
    )


def checkin_scan(request, pk, direction, token):
    """What the QR code opens: the token is checked now, at the venue, then kept for the
    few minutes that signing in and confirming identity may take."""
    session = TrainingSession.objects.filter(pk=pk).first()
    method = session and tokens.token_check(session, direction, token)
    if not method:
        # Forged, expired, or for a session that does not exist: one message for all.
        return _refusal(request, REFUSALS["expired"], status=403)
    try:
        checkin_window_check(session=session, direction=direction)
    except CheckinRefused as refusal:
        return _refusal(request, refusal.message, session=session)
    request.session[PENDING_KEY] = {
        "session": session.pk,
        "direction": direction,
        "method": method,
        "scanned_at": time.time(),
    }
    response = redirect("coverage:checkin_confirm", pk=session.pk)
    if DEVICE_COOKIE not in request.COOKIES:
        # Tells one phone from another, to flag one phone checking in a whole team.
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=2 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _pending(request, session) -> dict | None:
    pending = request.session.get(PENDING_KEY)
    if (
        not pending
        or pending.get("session") != session.pk
        or time.time() - pending.get("scanned_at", 0) > PENDING_MAX_AGE
    ):
        return None
    return pending


@login_required
def checkin_confirm(request, pk):
    # A check-in POST is what a whole hall sends within a minute: the session and the
    # person come in one query, and the POST writes nothing but the check-in (budget and
    # why: tests/coverage/test_checkin_queries.py, docs/coverage.md).
    session = checkin_session_find(pk=pk, user=request.user)
    if session is None:
        raise Http404
    pending = _pending(request, session)
    if pending is None:
        existing = _attendance_of(session)
        if existing:
            return render(request, "coverage/checkin_done.html", {"attendance": existing})
        return _refusal(request, REFUSALS["expired"], session=session)
    if session.person_pk is None:
        return redirect(f"{reverse('coverage:identity_bind')}?next={request.path}")

    direction = pending["direction"]
    if request.method != "POST":
        existing = _attendance_of(session)
        if direction == "in" and existing and not existing.removed_at:
            return render(request, "coverage/checkin_done.html", {"attendance": existing})
        return _confirm_page(request, session, direction)
    # The services need only the person's key; the pages that show the name read the person.
    person = Person(pk=session.person_pk)
    try:
        if direction == "out":
            attendance = attendance_check_out(
                session=session, person=person, method=pending["method"]
            )
            request.session.pop(PENDING_KEY, None)
            return redirect("coverage:checkin_done", pk=attendance.pk)
        attendance, created = attendance_check_in(
            session=session,
            person=person,
            method=pending["method"],
            device=request.COOKIES.get(DEVICE_COOKIE, ""),
            ip_address=client_ip(request),
            location=_location(request.POST),
            confirmation=request.POST.get("confirmation", ""),
        )
    except CheckinRefused as refusal:
        if refusal.code in RETRYABLE:
            return _confirm_page(request, session, direction, error=refusal.message)
        return _refusal(request, refusal.message, session=session)
    if not created:
        # A double tap, a rescan or a retry after an error page: the check-in already made.
        return render(request, "coverage/checkin_done.html", {"attendance": attendance})
    # The scan is left in the session to expire (PENDING_MAX_AGE): removing it would write
    # the session, a database write under cached_db, on every check-in, and any repeat of
    # this scan finds the check-in just made.
    return redirect("coverage:checkin_done", pk=attendance.pk)


def _confirm_page(request, session, direction, *, error=None):
    return render(
        request,
        "coverage/checkin_confirm.html",
        {
            "session": session,
            "person": Person.objects.get(pk=session.person_pk),
            "direction": direction,
            "error": error,
            # Only a check-in asks for them (coverage/sessions/services.py _check_presence).
            "asks_confirmation": direction == "in" and session.confirmation_required,
            "asks_location": direction == "in"
            and session.location_required
            and session.latitude is not None,
        },
    )


def _attendance_of(session) -> Attendance | None:
    if session.person_pk is None:
        return None
    return (
        Attendance.objects.select_related("session", "person")
        .filter(session=session, person=session.person_pk)
        .first()
    )


def _location(data) -> Location | None:
    try:
        latitude, longitude = float(data["latitude"]), float(data["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return Location(latitude, longitude)
    return None


@login_required
def checkin_done(request, pk):
    attendance = get_object_or_404(
        Attendance.objects.select_related("session", "person"), pk=pk, person__user=request.user
    )
    return render(request, "coverage/checkin_done.html", {"attendance": attendance})
