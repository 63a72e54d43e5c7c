"""Writes of the annual report: the draft text, submission (freezing the figures) and return.

Each locks the report's row (select_for_update) and checks its status inside the transaction,
so two regulators pressing "submit" and "return" at once cannot both win. Who may call which is
the views' question, answered by coverage.jurisdiction.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.models import AuditLog, Region
from coverage.services import audit_log
from reports.models import AnnualReport, ReportEvent
from reports.snapshot import report_snapshot_make

TEXT_MAX = 20_000


class ReportRefused(Exception):
    """The action is not possible in the report's state; `message` is shown as it is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _locked(region: Region, year: int) -> AnnualReport:
    AnnualReport.objects.get_or_create(region=region, year=year)
    return (
        AnnualReport.objects.select_for_update()
        .select_related("region")
        .get(region=region, year=year)
    )


def _user_name(user) -> str:
    return str(user)


@transaction.atomic
def report_draft_save(
    *, region: Region, year: int, user, achievements: str, problems: str, plan: str
) -> AnnualReport:
    """Save the region's free text as a draft; refused while the report stands submitted."""
    report = _locked(region, year)
    if report.status == AnnualReport.Status.SUBMITTED:
        raise ReportRefused(
            _("The report has been submitted and cannot be changed unless it is returned.")
        )
    for name, value in (("achievements", achievements), ("problems", problems), ("plan", plan)):
        if len(value) > TEXT_MAX:
            raise ReportRefused(
                _("%(field)s is too long: at most %(max)d characters.")
                % {"field": AnnualReport._meta.get_field(name).verbose_name, "max": TEXT_MAX}
            )
    report.achievements, report.problems, report.plan = (
        achievements.strip(),
        problems.strip(),
        plan.strip(),
    )
    report.updated_by = user
    report.save()
    return report


@transaction.atomic
def report_submit(
    *,
    region: Region,
    year: int,
    user,
    ip_address: str | None = None,
    today: datetime.date | None = None,
) -> AnnualReport:
    """Freeze the figures and text as they are now and submit them to the level above
    (a draft or a returned report only); the submission is kept in the history and audited."""
    report = _locked(region, year)
    if region.parent_id is None:
        raise ReportRefused(_("The province's report is not submitted to a level above."))
    if report.status == AnnualReport.Status.SUBMITTED:
        raise ReportRefused(_("The report has already been submitted."))
    snapshot = report_snapshot_make(report=report, submitted_by=_user_name(user), today=today)
    report.snapshot = snapshot
    report.status = AnnualReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.save()
    ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.SUBMIT, user=user, snapshot=snapshot
    )
    audit_log(
        user=user,
        action=AuditLog.Action.REPORT_SUBMIT,
        subject=f"annual report {region.code} {region.name} {year}",
        ip_address=ip_address,
    )
    return report


@transaction.atomic
def report_return(
    *, report: AnnualReport, user, comment: str, ip_address: str | None = None
) -> AnnualReport:
    """Send a submitted report back to its region with the reviewer's comment; the region
    edits and submits again (a new snapshot). The snapshot of the return stays in history."""
    comment = comment.strip()
    if not comment:
        raise ReportRefused(_("Say what should be changed: the comment is required."))
    report = AnnualReport.objects.select_for_update().select_related("region").get(pk=report.pk)
    if report.status != AnnualReport.Status.SUBMITTED:
        raise ReportRefused(_("Only a submitted report can be returned."))
    report.status = AnnualReport.Status.RETURNED
    report.save(update_fields=["status", "updated_at"])
    ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.RETURN, user=user, comment=comment
    )
    audit_log(
        user=user,
        action=AuditLog.Action.REPORT_RETURN,
        subject=f"annual report {report.region.code} {report.region.name} {report.year}",
        ip_address=ip_address,
    )
    return report
