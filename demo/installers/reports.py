"""One city's annual report for the current year, submitted (demo/content/reports.toml):
the province's overview shows it submitted and the other cities not. Safe to re-run."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coverage.identifiers import mobile_to_e164
from coverage.models import Region
from demo.content import content_load
from reports.models import AnnualReport
from reports.services import report_draft_save, report_submit

_CONTENT = content_load("reports")


@transaction.atomic
def demo_reports_install(*, today: datetime.date | None = None) -> AnnualReport:
    """Write and submit the city's report through the services (figures frozen as of the
    load); run after the accounts and the coverage data exist."""
    year = (today or timezone.localdate()).year
    region = Region.objects.get(code=_CONTENT["region"])
    existing = AnnualReport.objects.filter(region=region, year=year).first()
    if existing is not None and existing.status == AnnualReport.Status.SUBMITTED:
        return existing
    user = User.objects.get(phone=mobile_to_e164(_CONTENT["submitted_by"]))
    report_draft_save(
        region=region,
        year=year,
        user=user,
        achievements=_CONTENT["achievements"],
        problems=_CONTENT["problems"],
        plan=_CONTENT["plan"],
    )
    return report_submit(region=region, year=year, user=user, today=today)
