"""A report's figures as shown: frozen at submission, live before it (and once returned)."""

import datetime

from django.utils import timezone

from coverage.models import Region
from reports.figures import report_figures
from reports.models import AnnualReport

EMPTY_TEXT = {"achievements": "", "problems": "", "plan": ""}


def report_text(report: AnnualReport | None) -> dict:
    if report is None:
        return dict(EMPTY_TEXT)
    return {"achievements": report.achievements, "problems": report.problems, "plan": report.plan}


def report_snapshot_make(
    *, report: AnnualReport, submitted_by: str, today: datetime.date | None = None
) -> dict:
    """Everything the report says, now, with its text and who submitted it when: stored on the
    row and never recomputed."""
    figures = report_figures(
        region=report.region, year=report.year, text=report_text(report), today=today
    )
    figures["submitted"] = {
        "by": submitted_by,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    return figures


def report_shown(
    *, region: Region, year: int, report: AnnualReport | None, today: datetime.date | None = None
) -> tuple[dict, bool]:
    """The figures to show and whether they are frozen: a submitted report's snapshot, else
    today's figures with the text written so far."""
    if report is not None and report.status == AnnualReport.Status.SUBMITTED:
        return report.snapshot, True
    return report_figures(region=region, year=year, text=report_text(report), today=today), False
