"""Reads of the annual reports: one region's report and history, and the sub-regions'
submissions to a region (the province's overview of its cities)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from coverage.models import Region
from reports.figures import report_deadline
from reports.models import AnnualReport, ReportEvent


def report_find(*, region: Region, year: int) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(region=region, year=year)
        .select_related("region", "submitted_by")
        .first()
    )


def report_events(*, report: AnnualReport | None) -> list[ReportEvent]:
    """The report's submissions and returns, latest first."""
    if report is None:
        return []
    return list(report.events.select_related("user"))


def days_left(*, year: int, today: datetime.date | None = None) -> int:
    """Days until the 20 December deadline in Asia/Shanghai (negative once it has passed)."""
    return (report_deadline(year) - (today or timezone.localdate())).days


@dataclass(frozen=True)
class Submission:
    region: Region
    report: AnnualReport | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else AnnualReport.Status.DRAFT

    @property
    def submitted(self) -> bool:
        return self.status == AnnualReport.Status.SUBMITTED


@dataclass(frozen=True)
class Submissions:
    region: Region
    year: int
    deadline: datetime.date
    days_left: int
    rows: list[Submission]

    @property
    def submitted(self) -> list[Submission]:
        return [row for row in self.rows if row.submitted]

    @property
    def missing(self) -> list[Submission]:
        return [row for row in self.rows if not row.submitted]


def report_submissions(
    *, region: Region, year: int, today: datetime.date | None = None
) -> Submissions:
    """The region's direct sub-regions (a province's cities and zones, a city's counties)
    with their report for the year, submitted or not (two queries)."""
    children = list(region.children.order_by("path"))
    reports = {
        report.region_id: report
        for report in AnnualReport.objects.filter(region__parent=region, year=year).select_related(
            "submitted_by"
        )
    }
    return Submissions(
        region=region,
        year=year,
        deadline=report_deadline(year),
        days_left=days_left(year=year, today=today),
        rows=[Submission(child, reports.get(child.pk)) for child in children],
    )
