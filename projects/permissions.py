"""Who may see a project and who may move it: built only from coverage.jurisdiction's answers
(the regulator scopes and the administered organisations) and the panels' seats.

Seen by: the applicant's administrators; the regulators of the project's region or above (a
department restricted to some industries sees the projects of those industries); the experts
serving on one of its panels. Everyone else gets a 404."""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from coverage.jurisdiction import administers, enterprises_administered, regulated_scopes
from coverage.models import Department
from projects.models import PanelMember, Project


class Role:
    APPLICANT = "applicant"
    HRSS = "hrss"
    SOCIAL_INSURANCE = "social_insurance"
    PANEL = "panel"
    SYSTEM = "system"


def projects_visible(user) -> QuerySet[Project]:
    """The projects the user may open."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    condition = Q(applicant__in=enterprises_administered(user).values("pk"))
    scopes = regulated_scopes(user)
    if scopes:
        condition |= reduce(
            or_,
            (s.condition(path_field="region__path", industry_field="industry_id") for s in scopes),
        )
    condition |= Q(
        pk__in=PanelMember.objects.filter(
            expert__user=user, status=PanelMember.Status.ACTIVE
        ).values("panel__project")
    )
    return Project.objects.filter(condition)


def project_visible_or_404(user, **lookup) -> Project:
    project = (
        projects_visible(user).select_related("applicant", "region", "industry").filter(**lookup)
    ).first()
    if project is None:
        raise Http404
    return project


def _department_over(user, project: Project, department: str) -> bool:
    if user.is_superuser:
        return True
    return any(
        scope.department == department and project.region.path.startswith(scope.path)
        for scope in regulated_scopes(user)
    )


def acts_as(user, project: Project, role: str) -> bool:
    """Whether the user holds `role` for this project: the applicant's administrator, 人社
    (a regulator of the hrss department over the region), the social-insurance agency (社保,
    the same with that department), or a serving member of one of its panels."""
    if not user.is_authenticated:
        return False
    if role == Role.APPLICANT:
        return administers(user, project.applicant)
    if role == Role.HRSS:
        return _department_over(user, project, Department.HUMAN_RESOURCES)
    if role == Role.SOCIAL_INSURANCE:
        return _department_over(user, project, Department.SOCIAL_INSURANCE)
    if role == Role.PANEL:
        return PanelMember.objects.filter(
            panel__project=project, expert__user=user, status=PanelMember.Status.ACTIVE
        ).exists()
    return False


def panel_seat(user, panel) -> PanelMember | None:
    """The user's serving seat on the panel, if any."""
    if not user.is_authenticated:
        return None
    return (
        PanelMember.objects.filter(panel=panel, expert__user=user, status=PanelMember.Status.ACTIVE)
        .select_related("expert")
        .first()
    )
