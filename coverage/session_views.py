"""Offline sessions: organiser pages (list, calendar, form, QR screen, attendance) and the
worker's check-in flow (scan → sign in → confirm identity → checked in)."""

import calendar
import datetime
import secrets
import time

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage import checkin_tokens
from coverage.checkin import (
    REFUSALS,
    CheckinRefused,
    Location,
    attendance_check_in,
    attendance_check_out,
    attendance_manual_add,
    attendance_remove,
    checkin_window_check,
    minutes_present,
    session_verify,
    sessions_visible_to,
)
from coverage.client_ip import client_ip
from coverage.dashboard import Table
from coverage.exports import table_export
from coverage.jurisdiction import administers, enterprise_in_scope_or_404, enterprises_in_scope
from coverage.models import Attendance, Enterprise, Membership, Person, TrainingSession
from coverage.qr import qr_svg
from coverage.services import BindingRefused, person_bind_account
from coverage.session_forms import IdentityForm, ManualAttendanceForm, RemovalForm, SessionForm

PENDING_KEY = "pending_checkin"
PENDING_MAX_AGE = 10 * 60  # a scan keeps its place while the worker signs in and binds
DEVICE_COOKIE = "yf_device"


# --- organiser and regulator pages -------------------------------------------------------


def _visible_session(user, pk) -> TrainingSession:
    sessions = sessions_visible_to(user, enterprises_in_scope(user))
    return get_object_or_404(sessions.select_related("organiser", "region"), pk=pk)


def _organised_session(user, pk) -> TrainingSession:
    session = _visible_session(user, pk)
    if not administers(user, session.organiser):
        raise Http404
    return session


def _organisers_of(user):
    if user.is_superuser:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(
        memberships__user=user,
        memberships__role__in=[
            Membership.Role.ENTERPRISE_ADMIN,
            Membership.Role.INSTITUTION_ADMIN,
        ],
    )


@login_required
def session_list(request):
    sessions = (
        sessions_visible_to(request.user, enterprises_in_scope(request.user))
        .select_related("organiser", "region")
        .annotate(checked_in=Count("attendances", filter=Q(attendances__removed_at__isnull=True)))
        .order_by("starts_at")
    )
    today = timezone.localdate()
    try:
        month = datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = today.replace(day=1)
    view = "calendar" if request.GET.get("view") == "calendar" else "list"
    context = {"view": view, "organisers": list(_organisers_of(request.user)[:20])}
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
        show_past = request.GET.get("past") == "1"
        if not show_past:
            sessions = sessions.filter(ends_at__gte=timezone.now())
        context |= {"sessions": sessions[:200], "show_past": show_past}
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
                "; ".join(str(Attendance.Flag(flag).label) for flag in a.flags),
                _("Yes") if a.removed_at else "",
            ]
            for a in attendances
        ],
    )


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
def session_verify_now(request, pk):
    session = _organised_session(request.user, pk)
    count = session_verify(session=session)
    messages.success(request, _("%(count)d attendances are verified.") % {"count": count})
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
        {"session": session, "direction": direction, "step": checkin_tokens.STEP_SECONDS},
    )


@login_required
def session_qr(request, pk, direction="in"):
    """The current code for the screen, polled by it; the count of people checked in."""
    session = _organised_session(request.user, pk)
    token = checkin_tokens.rotating_token(session, direction)
    url = _scan_url(request, session, direction, token)
    filled = "checked_out_at__isnull" if direction == "out" else "checked_in_at__isnull"
    count = session.attendances.filter(removed_at__isnull=True, **{filled: False}).count()
    step = checkin_tokens.STEP_SECONDS
    response = JsonResponse(
        {"svg": qr_svg(url), "url": url, "count": count, "expires_in": step - time.time() % step}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def session_print(request, pk, direction="in"):
    session = _organised_session(request.user, pk)
    url = _scan_url(request, session, direction, checkin_tokens.static_token(session, direction))
    return render(
        request,
        "coverage/session_print.html",
        {"session": session, "direction": direction, "svg": qr_svg(url), "url": url},
    )


# --- the worker's check-in flow --------------------------------------------------------


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
    method = session and checkin_tokens.token_check(session, direction, token)
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
    session = get_object_or_404(TrainingSession.objects.select_related("organiser"), pk=pk)
    person = Person.objects.filter(user=request.user).first()
    existing = Attendance.objects.filter(session=session, person=person).first() if person else None
    pending = _pending(request, session)
    if pending is None:
        if existing:
            return render(request, "coverage/checkin_done.html", {"attendance": existing})
        return _refusal(request, REFUSALS["expired"], session=session)
    if person is None:
        return redirect(f"{reverse('coverage:identity_bind')}?next={request.path}")

    direction = pending["direction"]
    if direction == "in" and existing and not existing.removed_at:
        return render(request, "coverage/checkin_done.html", {"attendance": existing})
    if request.method != "POST":
        return render(
            request,
            "coverage/checkin_confirm.html",
            {"session": session, "person": person, "direction": direction},
        )
    try:
        if direction == "out":
            attendance = attendance_check_out(
                session=session, person=person, method=pending["method"]
            )
        else:
            attendance, _created = attendance_check_in(
                session=session,
                person=person,
                method=pending["method"],
                device=request.COOKIES.get(DEVICE_COOKIE, ""),
                ip_address=client_ip(request),
                location=_location(request.POST),
            )
    except CheckinRefused as refusal:
        return _refusal(request, refusal.message, session=session)
    request.session.pop(PENDING_KEY, None)
    return redirect("coverage:checkin_done", pk=attendance.pk)


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


@login_required
def identity_bind(request):
    next_url = request.GET.get("next") or request.POST.get("next") or reverse("accounts:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("accounts:home")
    if Person.objects.filter(user=request.user).exists():
        return redirect(next_url)
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="bind_identity", user=request.user):
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
        else:
            try:
                person_bind_account(
                    user=request.user,
                    id_number=form.cleaned_data["id_number"],
                    name=form.cleaned_data["name"],
                )
                return redirect(next_url)
            except BindingRefused as refusal:
                form.add_error(None, refusal.message)
    return render(request, "coverage/identity_bind.html", {"form": form, "next": next_url})
