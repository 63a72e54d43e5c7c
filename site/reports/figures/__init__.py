"""The figures of a region's annual implementation report, one function per section (grouped
by subject: coverage.py, delivery.py, publicity.py, accidents.py), each a few SQL aggregates:
the whole report costs a constant number of queries whatever the number of enterprises, people
and records (tests/reports/test_figures.py asserts it).

Every section is plain JSON-ready data (numbers, strings, ISO dates), so a submitted report
freezes it as it is (reports.snapshot) and the page, the PDF and the xlsx draw from either.
"""

import datetime

from django.utils import timezone

from coverage.models import Region, TrainingTarget
from coverage.selectors import target_current
from reports.figures.accidents import accidents_section
from reports.figures.coverage import coverage_section, forecast_section, roster_missing_section
from reports.figures.delivery import online_section, schools_section, sessions_section
from reports.figures.publicity import bases_section, campaigns_section

# R9: each city reports to the province before 20 December.
DEADLINE_MONTH, DEADLINE_DAY = 12, 20


def report_deadline(year: int) -> datetime.date:
    return datetime.date(year, DEADLINE_MONTH, DEADLINE_DAY)


def report_target(*, year: int, today: datetime.date) -> TrainingTarget | None:
    """The target the year is measured against: the one running at the year's end (today,
    for the year under way)."""
    return target_current(today=min(today, datetime.date(year, 12, 31)))


def report_figures(
    *, region: Region, year: int, text: dict | None = None, today: datetime.date | None = None
) -> dict:
    """Every section of the region's report for the year, as of today."""
    today = today or timezone.localdate()
    target = report_target(year=year, today=today)
    figures = {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "year": year,
        "period": {
            "start": datetime.date(year, 1, 1).isoformat(),
            "end": datetime.date(year, 12, 31).isoformat(),
        },
        "deadline": report_deadline(year).isoformat(),
        "as_of": today.isoformat(),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "target": None,
        "coverage": None,
        "roster_missing": [],
        "forecast": {"percent_at_deadline": None, "date_full": None},
        "sessions": sessions_section(region=region, year=year),
        "online": online_section(region=region, year=year),
        "schools": schools_section(region=region),
        "campaigns": campaigns_section(region=region, year=year),
        "bases": bases_section(region=region),
        "accidents": accidents_section(region=region, target=target, year=year),
        "text": text or {"achievements": "", "problems": "", "plan": ""},
    }
    if target is not None:
        figures["target"] = {
            "code": target.code,
            "name": target.name,
            "start": target.start_date.isoformat(),
            "end": target.end_date.isoformat(),
        }
        figures["coverage"] = coverage_section(region=region, year=year, target=target, today=today)
        figures["roster_missing"] = roster_missing_section(region=region, target=target)
        figures["forecast"] = forecast_section(region=region, target=target, today=today)
    return figures
