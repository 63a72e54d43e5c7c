"""A project's status machine: one service per transition.

Each locks the project's row (select_for_update), checks the caller's role for this project
(projects.permissions, which asks coverage.jurisdiction) and the current status inside the
transaction, then records a dated ProjectEvent and an audit-log entry. A wrong role or a wrong
state is refused with a Chinese message (ProjectRefused); nothing is written then.

    draft → submitted → under review → approved | rejected
    approved → agreement filed → in execution → delivered → accepted | not accepted
    accepted → paid
The panels' votes decide "approved / rejected" and "accepted / not accepted"
(projects.panels.services.panel_vote); 人社 opens the review by drawing its panel."""

from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coverage.models import AuditLog
from coverage.services import audit_log
from projects.models import BudgetLine, PaymentStandard, Project, ProjectAttachment, ProjectEvent
from projects.permissions import Role, acts_as

Status = Project.Status

AUDIT_PROJECT = AuditLog.Action.PROJECT
AUDIT_PANEL_DRAW = AuditLog.Action.PANEL_DRAW

ROLE_LABELS = {
    Role.APPLICANT: gettext_lazy("the applicant's administrator"),
    Role.HRSS: gettext_lazy("the region's human resources and social security bureau"),
    Role.SOCIAL_INSURANCE: gettext_lazy("the region's social insurance agency"),
    Role.PANEL: gettext_lazy("the project's expert panel"),
}


class ProjectRefused(Exception):
    """The action is not possible (wrong role or state); `message` is shown as it is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update().select_related("applicant", "region").get(pk=project.pk)
    )


def step_check(*, project: Project, user, role: str, to: str) -> None:
    """Refuse (ProjectRefused) unless `role` may move the project from its status to `to`
    and the user holds that role for it; services check this before their own input."""
    allowed = TRANSITIONS.get((project.status, to))
    if allowed is None:
        raise ProjectRefused(
            _("A project that is “%(current)s” cannot become “%(target)s”.")
            % {"current": project.get_status_display(), "target": Status(to).label}
        )
    # The panels' votes pass Role.PANEL after checking the voter's seat themselves.
    if role != allowed or (role != Role.PANEL and not acts_as(user, project, role)):
        raise ProjectRefused(
            _("Only %(role)s may make a “%(current)s” project “%(target)s”.")
            % {
                "role": ROLE_LABELS[allowed],
                "current": project.get_status_display(),
                "target": Status(to).label,
            }
        )


def project_transition(
    *,
    project: Project,
    user,
    role: str,
    to: str,
    comment: str = "",
    ip_address: str | None = None,
    **changes,
) -> Project:
    """Move a locked project (the caller holds the lock) to `to`, if `role` may from its
    current status; record the event and the audit entry. Used by the services below."""
    step_check(project=project, user=user, role=role, to=to)
    before = project.status
    project.status = to
    project.status_changed_at = timezone.now()
    for name, value in changes.items():
        setattr(project, name, value)
    project.save(update_fields=["status", "status_changed_at", *changes])
    ProjectEvent.objects.create(
        project=project,
        user=user if getattr(user, "is_authenticated", False) else None,
        role=role,
        from_status=before,
        to_status=to,
        comment=comment,
    )
    audit_log(
        user=user,
        action=AUDIT_PROJECT,
        subject=f"project {project.code}: {before} → {to} as {role}",
        ip_address=ip_address,
    )
    return project


# (from, to) → the role that may make the step.
TRANSITIONS = {
    (Status.DRAFT, Status.SUBMITTED): Role.APPLICANT,
    (Status.SUBMITTED, Status.UNDER_REVIEW): Role.HRSS,
    (Status.UNDER_REVIEW, Status.APPROVED): Role.PANEL,
    (Status.UNDER_REVIEW, Status.REJECTED): Role.PANEL,
    (Status.APPROVED, Status.AGREEMENT_FILED): Role.SOCIAL_INSURANCE,
    (Status.AGREEMENT_FILED, Status.IN_EXECUTION): Role.APPLICANT,
    (Status.IN_EXECUTION, Status.DELIVERED): Role.APPLICANT,
    (Status.DELIVERED, Status.ACCEPTED): Role.PANEL,
    (Status.DELIVERED, Status.NOT_ACCEPTED): Role.PANEL,
    (Status.ACCEPTED, Status.PAID): Role.SOCIAL_INSURANCE,
}


@transaction.atomic
def project_submit(*, project: Project, user, ip_address: str | None = None) -> Project:
    """The applicant submits a draft; it needs at least one budget line."""
    project = _locked(project)
    step_check(project=project, user=user, role=Role.APPLICANT, to=Status.SUBMITTED)
    if not project.budget_lines.exists():
        raise ProjectRefused(_("Add at least one budget line before submitting the project."))
    return project_transition(
        project=project, user=user, role=Role.APPLICANT, to=Status.SUBMITTED, ip_address=ip_address
    )


@transaction.atomic
def project_agreement_file(
    *, project: Project, user, agreement_number: str, ip_address: str | None = None
) -> Project:
    """社保 files the service agreement signed with the applicant (filed with 人社)."""
    project = _locked(project)
    step_check(project=project, user=user, role=Role.SOCIAL_INSURANCE, to=Status.AGREEMENT_FILED)
    agreement_number = agreement_number.strip()
    if not agreement_number:
        raise ProjectRefused(_("Enter the service agreement's number."))
    return project_transition(
        project=project,
        user=user,
        role=Role.SOCIAL_INSURANCE,
        to=Status.AGREEMENT_FILED,
        comment=agreement_number,
        ip_address=ip_address,
        agreement_number=agreement_number,
    )


@transaction.atomic
def project_execution_start(*, project: Project, user, ip_address: str | None = None) -> Project:
    """The applicant starts delivering under the filed agreement."""
    return project_transition(
        project=_locked(project),
        user=user,
        role=Role.APPLICANT,
        to=Status.IN_EXECUTION,
        ip_address=ip_address,
    )


@transaction.atomic
def project_deliver(*, project: Project, user, ip_address: str | None = None) -> Project:
    """The applicant declares the project delivered, ready for acceptance."""
    return project_transition(
        project=_locked(project),
        user=user,
        role=Role.APPLICANT,
        to=Status.DELIVERED,
        ip_address=ip_address,
    )


@transaction.atomic
def project_pay(
    *, project: Project, user, amount: Decimal, ip_address: str | None = None
) -> Project:
    """社保 records the payment (拨付) of an accepted project, at most its budget."""
    project = _locked(project)
    step_check(project=project, user=user, role=Role.SOCIAL_INSURANCE, to=Status.PAID)
    if amount <= 0:
        raise ProjectRefused(_("The amount paid must be more than zero."))
    budget = project_budget_total(project=project)
    if amount > budget:
        raise ProjectRefused(
            _("The amount paid (%(amount)s yuan) exceeds the budget (%(budget)s yuan).")
            % {"amount": amount, "budget": budget}
        )
    return project_transition(
        project=project,
        user=user,
        role=Role.SOCIAL_INSURANCE,
        to=Status.PAID,
        comment=str(amount),
        ip_address=ip_address,
        paid_amount=amount,
    )


def project_budget_total(*, project: Project) -> Decimal:
    """The sum of the budget lines (quantity × the standard's amount), in SQL."""
    line = ExpressionWrapper(
        F("quantity") * F("standard__amount"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    total = BudgetLine.objects.filter(project=project).aggregate(total=Sum(line))["total"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


@transaction.atomic
def budget_line_add(
    *, project: Project, user, standard: PaymentStandard, quantity: Decimal, note: str = ""
) -> BudgetLine:
    """The applicant adds a line to a draft's budget, at a standard in force for its year."""
    project = _locked(project)
    if not acts_as(user, project, Role.APPLICANT):
        raise ProjectRefused(_("Only the applicant's administrator may change the budget."))
    if project.status != Status.DRAFT:
        raise ProjectRefused(_("The budget can be changed only while the project is a draft."))
    if quantity <= 0:
        raise ProjectRefused(_("Budget line: the quantity must be more than zero."))
    if standard.valid_from.year > project.year or (
        standard.valid_to is not None and standard.valid_to.year < project.year
    ):
        raise ProjectRefused(
            _("Budget line: the standard “%(standard)s” is not in force in %(year)d.")
            % {"standard": standard.name, "year": project.year}
        )
    return BudgetLine.objects.create(
        project=project, standard=standard, quantity=quantity, note=note
    )


@transaction.atomic
def project_declare(
    *,
    applicant,
    user,
    year: int,
    region,
    kind: str,
    title: str,
    industry=None,
    target_groups: str = "",
    planned_people: int = 0,
    planned_sessions: int = 0,
    planned_courses: str = "",
    description: str = "",
) -> Project:
    """A new draft declared by an administrator of the applicant, for a region the applicant
    lies in (its own or one above it); coded YEAR-REGION-NNNN."""
    if not acts_as(user, Project(applicant=applicant), Role.APPLICANT):
        raise ProjectRefused(_("Only the organisation's administrator may declare its projects."))
    if not applicant.region.path.startswith(region.path):
        raise ProjectRefused(
            _("Region: %(org)s lies outside %(region)s; declare for its own region or one above.")
            % {"org": applicant.name, "region": region.name}
        )
    if not title.strip():
        raise ProjectRefused(_("Title: enter the project's title."))
    prefix = f"{year}-{region.code}-"
    # Locking the region's row serialises numbering within a region and year.
    type(region).objects.select_for_update().filter(pk=region.pk).first()
    taken = Project.objects.filter(code__startswith=prefix).count()
    return Project.objects.create(
        code=f"{prefix}{taken + 1:04d}",
        title=title.strip(),
        applicant=applicant,
        year=year,
        region=region,
        kind=kind,
        industry=industry,
        target_groups=target_groups,
        planned_people=planned_people,
        planned_sessions=planned_sessions,
        planned_courses=planned_courses,
        description=description,
        created_by=user,
    )


def project_attachment_add(*, project: Project, user, title: str, file) -> ProjectAttachment:
    """The applicant attaches a file (stored encrypted in the private store under a random
    name; the user's file name is kept in the row only)."""
    if not acts_as(user, project, Role.APPLICANT):
        raise ProjectRefused(_("Only the applicant's administrator may attach files."))
    return ProjectAttachment.objects.create(
        project=project, title=title, file=file, filename=file.name[:200], uploaded_by=user
    )
