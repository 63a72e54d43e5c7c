"""Offline sessions, the organiser's and regulator's pages: list and calendar, form, QR
screen and print-out, attendance."""

import calendar
import datetime
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.audit.exports import table_export
from coverage.dashboards.tables import Table
from coverage.jurisdiction import (
    administers,
    enterprise_in_scope_or_404,
    enterprises_administered,
    sessions_in_scope,
)
from coverage.models import Attendance, Enterprise, TrainingSession
from coverage.sessions import services, tokens
from coverage.sessions.forms import ManualAttendanceForm, RemovalForm, SessionForm
from coverage.sessions.qr import qr_svg
from coverage.sessions.selectors import (
    session_attendance_count,
    sessions_in_period,
    sessions_listed,
    sessions_period_counts,
)
from coverage.sessions.services import (
    CheckinRefused,
    attendance_manual_add,
    attendance_remove,
    minutes_present,
)
from coverage.sessions.waiting import session_unverified_explain


def _visible_session(user, pk) -> TrainingSession:
    sessions = sessions_in_scope(user)
    return get_object_or_404(sessions.select_related("organiser", "region"), pk=pk)


def _organised_session(user, pk) -> TrainingSession:
    session = _visible_session(user, pk)
    if not administers(user, session.organiser):
        raise Http404
    return session


# The list's tabs; "list" and "past=1" are the addresses before the tabs, still bookmarked.
SESSION_TABS = ("current", "past", "calendar")


@login_required
def session_list(request):
    sessions = sessions_listed(user=request.user)
    now = timezone.now()
    today = timezone.localdate()
    try:
        month = datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = today.replace(day=1)
    view = request.GET.get("view", "")
    if view not in SESSION_TABS:
        view = "past" if request.GET.get("past") == "1" else "current"
    context = {
        "view": view,
        "now": now,
        "counts": sessions_period_counts(user=request.user, now=now),
        "organisers": list(enterprises_administered(request.user)[:20]),
    }
    if view == "calendar":
        first = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
        days = calendar.monthrange(month.year, month.month)[1]
        in_month = sessions.filter(
            starts_at__gte=first, starts_at__lt=first + datetime.timedelta(days=days)
        )
        by_day: dict[int, list] = {}
        for session in in_month:
            by_day.setdefault(timezone.localtime(session.starts_at).day, []).append(session)
        weeks = [
            [(day, by_day.get(day, [])) if day else (None, []) for day in week]
            for week in calendar.Calendar().monthdayscalendar(month.year, month.month)
        ]
        previous = (month - datetime.timedelta(days=1)).replace(day=1)
        following = (month + datetime.timedelta(days=31)).replace(day=1)
        context |= {"month": month, "weeks": weeks, "previous": previous, "following": following}
    else:
        context["sessions"] = sessions_in_period(sessions, period=view, now=now)[:200]
    return render(request, "coverage/session_list.html", context)


@login_required
def session_create(request, credit_code):
    organiser = enterprise_in_scope_or_404(request.user, credit_code=credit_code)
    if not administers(request.user, organiser):
        raise Http404
    form = SessionForm(
        request.POST or None, organiser=organiser, enterprises=Enterprise.objects.all()
    )
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.organiser = organiser
        session.created_by = request.user
        session.save()
        form.save_m2m()
        messages.success(request, _("The session was created."))
        return redirect(session)
    return render(request, "coverage/session_form.html", {"form": form, "organiser": organiser})


@login_required
def session_edit(request, pk):
    session = _organised_session(request.user, pk)
    form = SessionForm(
        request.POST or None,
        instance=session,
        organiser=session.organiser,
        enterprises=Enterprise.objects.all(),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The session was saved."))
        return redirect(session)
    return render(
        request,
        "coverage/session_form.html",
        {"form": form, "organiser": session.organiser, "session": session},
    )


def _attendance_rows(session, attendances):
    now = timezone.now()
    return Table(
        headers=[
            _("Name"),
            _("ID number"),
            _("Check-in time"),
            _("Check-out time"),
            _("Method"),
            _("Minutes present"),
            _("Verified"),
            _("Flags"),
            _("Removed"),
        ],
        rows=[
            [
                a.person.name,
                a.person.id_number_masked,
                timezone.localtime(a.checked_in_at).strftime("%Y-%m-%d %H:%M:%S"),
                timezone.localtime(a.checked_out_at).strftime("%H:%M:%S")
                if a.checked_out_at
                else "",
                a.get_checkin_method_display(),
                minutes_present(a, now=now),
                _("Yes") if a.verified_at else _("No"),
                _flags_text(a),
                _("Yes") if a.removed_at else "",
            ]
            for a in attendances
        ],
    )


def _flags_text(attendance) -> str:
    labels = [str(Attendance.Flag(flag).label) for flag in attendance.flags]
    far = attendance.flag_details.get(Attendance.Flag.FAR_APART)
    if far:
        labels.append(
            _("%(distance)s m from another check-in, %(seconds)s s apart")
            % {"distance": far["distance_m"], "seconds": far["seconds"]}
        )
    return "; ".join(labels)


@login_required
def session_detail(request, pk):
    session = _visible_session(request.user, pk)
    organiser = administers(request.user, session.organiser)
    attendances = session.attendances.select_related("person").prefetch_related("changes")
    if request.GET.get("export") in ("xlsx", "csv"):
        return table_export(
            request=request,
            subject=f"{session.title} attendance",
            headers=(table := _attendance_rows(session, attendances)).headers,
            rows=table.rows,
            fmt=request.GET["export"],
            filename=f"{session.title}-签到表",
            sheet=_("Attendance"),
            contains_personal_data=True,
        )
    return render(
        request,
        "coverage/session_detail.html",
        {
            "session": session,
            "is_organiser": organiser,
            "attendances": attendances,
            "flag_labels": dict(Attendance.Flag.choices),
            "present": sum(1 for a in attendances if not a.removed_at),
            "manual_form": ManualAttendanceForm(),
            "removal_form": RemovalForm(),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def session_attendance_add(request, pk):
    session = _organised_session(request.user, pk)
    form = ManualAttendanceForm(request.POST)
    if form.is_valid():
        try:
            attendance_manual_add(
                session=session,
                id_number=form.cleaned_data["id_number"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The attendance was added."))
        except CheckinRefused:
            messages.error(request, _("This person is not among the participants of the session."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(session)


@login_required
@require_POST
def session_attendance_remove(request, pk, attendance_pk):
    session = _organised_session(request.user, pk)
    attendance = get_object_or_404(session.attendances, pk=attendance_pk)
    form = RemovalForm(request.POST)
    if form.is_valid():
        attendance_remove(
            attendance=attendance, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The attendance was removed."))
    else:
        messages.error(request, _("Give a reason for the removal."))
    return redirect(session)


@login_required
@require_POST
def session_verify(request, pk):
    session = _organised_session(request.user, pk)
    now = timezone.now()
    count = services.session_verify(session=session, now=now)
    waiting = session_unverified_explain(session=session, now=now)
    if count:
        messages.success(request, _("%(count)d attendances are verified.") % {"count": count})
    elif not waiting:
        messages.info(request, _("Nobody is checked in, so there is nothing to verify."))
    # A bare "0 verified" reads as a fault: say why each waiting check-in waits, and until when.
    for group in waiting:
        messages.warning(request, group.message)
    return redirect(session)


def _scan_url(request, session, direction: str, token: str) -> str:
    path = reverse(
        "coverage:checkin_scan",
        kwargs={"pk": session.pk, "direction": direction, "token": token},
    )
    return request.build_absolute_uri(path)


@login_required
def session_screen(request, pk, direction="in"):
    session = _organised_session(request.user, pk)
    return render(
        request,
        "coverage/session_screen.html",
        {"session": session, "direction": direction, "step": tokens.STEP_SECONDS},
    )


@login_required
def session_qr(request, pk, direction="in"):
    """The current code for the screen, polled by it; the count of people checked in."""
    session = _organised_session(request.user, pk)
    now = time.time()  # one instant for the token, the number and the expiry
    token = tokens.rotating_token(session, direction, now=now)
    url = _scan_url(request, session, direction, token)
    count = session_attendance_count(session=session, direction=direction)
    step = tokens.STEP_SECONDS
    data = {"svg": qr_svg(url), "url": url, "count": count, "expires_in": step - now % step}
    if direction == "in" and session.confirmation_required:
        # Same time step as the token: the number changes with the code.
        data["number"] = tokens.confirmation_number(session, direction, now=now)
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def session_print(request, pk, direction="in"):
    session = _organised_session(request.user, pk)
    url = _scan_url(request, session, direction, tokens.static_token(session, direction))
    return render(
        request,
        "coverage/session_print.html",
        {"session": session, "direction": direction, "svg": qr_svg(url), "url": url},
    )
