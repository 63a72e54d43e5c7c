"""The organiser's check-in desk: the tablet's camera reads workers' personal codes (decoded in
the browser by the vendored jsQR, site/static/vendor/jsqr/), or the organiser types the ID
number. The page posts each code as it is read and shows who was checked in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.sessions.desk import attendance_desk_check_in, desk_person_shown
from coverage.sessions.forms import DeskForm
from coverage.sessions.selectors import session_attendance_count
from coverage.sessions.services import CheckinRefused
from coverage.sessions.views.organiser import _organised_session


@login_required
def session_desk(request, pk):
    session = _organised_session(request.user, pk)
    return render(
        request,
        "coverage/session_desk.html",
        {
            "session": session,
            "form": DeskForm(),
            "count": session_attendance_count(session=session, direction="in"),
        },
    )


@login_required
@require_POST
def session_desk_check_in(request, pk):
    """A JSON answer for the desk's script; without the script (the ID-number form posted as
    a page) a message and back to the desk."""
    session = _organised_session(request.user, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = DeskForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for field in form.errors.values() for error in field]
        return _answer(request, session, wants_json, ok=False, message=" ".join(errors))
    try:
        attendance, created = attendance_desk_check_in(
            session=session,
            code=form.cleaned_data["code"],
            id_number=form.cleaned_data["id_number"],
        )
    except CheckinRefused as refusal:
        return _answer(request, session, wants_json, ok=False, message=str(refusal.message))
    # The service loads the person by key; the desk shows the name to compare with who is there.
    person = attendance.person
    return _answer(
        request,
        session,
        wants_json,
        ok=True,
        created=created,
        person=desk_person_shown(person),
        method=attendance.get_checkin_method_display(),
        checked_in_at=attendance.checked_in_at.isoformat(),
        count=session_attendance_count(session=session, direction="in"),
    )


def _answer(request, session, wants_json: bool, *, ok: bool, **data):
    if wants_json:
        return JsonResponse({"ok": ok, **data}, status=200 if ok else 400)
    if ok:
        shown = data["person"]
        message = (
            _("%(name)s (%(id_number)s) is checked in.")
            if data["created"]
            else _("%(name)s (%(id_number)s) was already checked in.")
        )
        messages.success(
            request, message % {"name": shown["name"], "id_number": shown["id_number_masked"]}
        )
    else:
        messages.error(request, data["message"])
    return redirect("coverage:session_desk", pk=session.pk)
