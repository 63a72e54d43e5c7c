"""The project page's evidence section: the applicant links sessions and courses, the panel
accepts or strikes flagged check-ins. Views ask projects.permissions and call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import CoursePage
from coverage.audit.client_ip import client_ip
from coverage.models import Attendance, TrainingSession
from projects.declarations.services import ProjectRefused
from projects.evidence.services import flag_decide, project_course_link, project_session_link
from projects.models import FlagDecision
from projects.permissions import project_visible_or_404


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def evidence_link(request, code: str):
    project = project_visible_or_404(request.user, code=code)
    ip = client_ip(request)
    try:
        if session_id := _int(request.POST.get("session")):
            session = get_object_or_404(TrainingSession, pk=session_id)
            project_session_link(project=project, user=request.user, session=session, ip_address=ip)
        elif course_id := _int(request.POST.get("course")):
            course = get_object_or_404(CoursePage, pk=course_id)
            project_course_link(project=project, user=request.user, course=course, ip_address=ip)
        else:
            raise ProjectRefused(_("Choose a session or a course."))
    except ProjectRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Done."))
    return redirect(project)


@login_required
@require_POST
def flag_decide_view(request, code: str, pk: int):
    project = project_visible_or_404(request.user, code=code)
    attendance = get_object_or_404(Attendance, pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in FlagDecision.Decision.values:
        messages.error(request, _("Choose accept or strike."))
        return redirect(project)
    try:
        flag_decide(
            project=project,
            user=request.user,
            attendance=attendance,
            decision=decision,
            reason=request.POST.get("reason", ""),
            ip_address=client_ip(request),
        )
    except ProjectRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Done."))
    return redirect(project)


FLAGGED_SHOWN = 200  # the page lists this many; the pack counts them all


def evidence_context(project, user, roles: set[str]) -> dict:
    """The evidence section of the project page (its pack, links, flagged check-ins)."""
    from projects.evidence.selectors import project_evidence, project_flagged
    from projects.evidence.services import LINKABLE
    from projects.permissions import Role, acts_as

    flagged = list(project_flagged(project=project)[:FLAGGED_SHOWN])
    for attendance in flagged:
        attendance.flag_labels = [Attendance.Flag(f).label for f in attendance.flags]
    context = {
        "evidence": project_evidence(project=project),
        "flagged": flagged,
        "linked_sessions": TrainingSession.objects.filter(project_links__project=project),
        "linked_courses": CoursePage.objects.filter(
            pk__in=project.course_links.values("course")
        ).only("pk", "title", "credit_hours"),
        "may_decide": project.status == "delivered" and acts_as(user, project, Role.PANEL),
        "may_link": "applicant" in roles and project.status in LINKABLE,
    }
    if context["may_link"]:
        context["session_choices"] = (
            TrainingSession.objects.filter(organiser=project.applicant)
            .exclude(project_links__project=project)
            .order_by("-starts_at")[:50]
        )
        context["course_choices"] = (
            CoursePage.objects.live()
            .exclude(pk__in=project.course_links.values("course"))
            .only("pk", "title")[:100]
        )
    return context
