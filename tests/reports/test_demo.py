"""The demo holds one city that has submitted this year's report, and the others have not."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from coverage.models import Region
from reports.models import AnnualReport
from reports.selectors import report_submissions

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_has_changchuns_report_submitted_and_the_other_cities_not():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # safe to re-run: still one submission
    year = timezone.localdate().year
    report = AnnualReport.objects.get(region__code="220100", year=year)
    assert report.status == AnnualReport.Status.SUBMITTED
    assert report.events.count() == 1
    assert report.snapshot["coverage"]["required"] > 0
    assert "一线班组长" in report.snapshot["text"]["plan"]
    submissions = report_submissions(region=Region.objects.get(code="220000"), year=year)
    assert [row.region.code for row in submissions.submitted] == ["220100"]
    assert len(submissions.missing) >= 8
