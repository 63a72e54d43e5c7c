"""What the evidence pack is built from: the applicant links its sessions and courses while
the project runs; the panel decides on each flagged check-in during acceptance. Each write
is audited (action `project`, as the project's steps)."""

from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import CoursePage
from coverage.models import Attendance, TrainingSession
from coverage.services import audit_log
from projects.declarations.services import AUDIT_PROJECT, ProjectRefused, _locked
from projects.evidence.selectors import FLAGGED, project_attendances
from projects.models import FlagDecision, Project, ProjectCourse, ProjectSession
from projects.permissions import Role, acts_as

Status = Project.Status
# A project's deliveries may be linked from its declaration until it is declared delivered.
LINKABLE = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.APPROVED,
    Status.AGREEMENT_FILED,
    Status.IN_EXECUTION,
}


def _applicant_check(project: Project, user) -> None:
    if not acts_as(user, project, Role.APPLICANT):
        raise ProjectRefused(_("Only the applicant's administrator may link sessions and courses."))
    if project.status not in LINKABLE:
        raise ProjectRefused(
            _("A project that is “%(current)s” takes no more sessions or courses.")
            % {"current": project.get_status_display()}
        )


@transaction.atomic
def project_session_link(
    *, project: Project, user, session: TrainingSession, ip_address: str | None = None
) -> ProjectSession:
    """Link an offline session the applicant organised; linking it twice changes nothing."""
    project = _locked(project)
    _applicant_check(project, user)
    if session.organiser_id != project.applicant_id:
        raise ProjectRefused(
            _("Session “%(title)s” was not organised by the applicant.") % {"title": session.title}
        )
    link, created = ProjectSession.objects.get_or_create(project=project, session=session)
    if created:
        audit_log(
            user=user,
            action=AUDIT_PROJECT,
            subject=f"project {project.code}: session {session.pk} linked",
            ip_address=ip_address,
        )
    return link


@transaction.atomic
def project_course_link(
    *, project: Project, user, course: CoursePage, ip_address: str | None = None
) -> ProjectCourse:
    """Link a published online course; linking it twice changes nothing."""
    project = _locked(project)
    _applicant_check(project, user)
    if not course.live:
        raise ProjectRefused(_("Course “%(title)s” is not published.") % {"title": course.title})
    link, created = ProjectCourse.objects.get_or_create(project=project, course=course)
    if created:
        audit_log(
            user=user,
            action=AUDIT_PROJECT,
            subject=f"project {project.code}: course {course.pk} linked",
            ip_address=ip_address,
        )
    return link


@transaction.atomic
def flag_decide(
    *,
    project: Project,
    user,
    attendance: Attendance,
    decision: str,
    reason: str = "",
    ip_address: str | None = None,
) -> FlagDecision:
    """A serving member of the project's panels accepts or strikes one flagged check-in of
    the project while it awaits acceptance; a later decision replaces the earlier one."""
    project = _locked(project)
    if not acts_as(user, project, Role.PANEL):
        raise ProjectRefused(_("Only the project's expert panel may decide on flagged check-ins."))
    if project.status != Status.DELIVERED:
        raise ProjectRefused(
            _("Flagged check-ins are decided while the project awaits acceptance.")
        )
    if not project_attendances(project=project).filter(FLAGGED, pk=attendance.pk).exists():
        raise ProjectRefused(_("This check-in is not a flagged check-in of the project."))
    if decision == FlagDecision.Decision.STRIKE and not reason.strip():
        raise ProjectRefused(_("Give the reason for striking the check-in."))
    row, _created = FlagDecision.objects.update_or_create(
        project=project,
        attendance=attendance,
        defaults={"decision": decision, "reason": reason.strip(), "decided_by": user},
    )
    audit_log(
        user=user,
        action=AUDIT_PROJECT,
        subject=f"project {project.code}: flagged check-in {attendance.pk} {decision}",
        ip_address=ip_address,
    )
    return row
