"""The figures of a region's annual implementation report, one function per section, each a
few SQL aggregates: the whole report costs a constant number of queries whatever the number of
enterprises, people and records (tests/reports/test_figures.py asserts it).

Every section is plain JSON-ready data (numbers, strings, ISO dates), so a submitted report
freezes it as it is (reports.snapshot) and the page, the PDF and the xlsx draw from either.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.organisations.selectors import (
    school_courses,
    school_totals,
    schools_with_course_figures,
)
from coverage.accidents.rates import YearRate, percent, rounded
from coverage.accidents.selectors import accident_overview
from coverage.dashboards.report import coverage_report
from coverage.forecast.selectors import region_forecast
from coverage.models import (
    Attendance,
    CoveredPerson,
    Enterprise,
    Region,
    RosterEntry,
    TrainingRecord,
    TrainingSession,
    TrainingTarget,
)
from coverage.selectors import (
    ROLE_LABELS,
    Figures,
    coverage_by_industry,
    coverage_by_subregion,
    enterprises_with_coverage,
    key_enterprises,
    target_current,
)
from publicity.selectors import base_tracking, campaign_tracking
from reports.models import AnnualReport

# R9: each city reports to the province before 20 December.
DEADLINE_MONTH, DEADLINE_DAY = 12, 20


def report_deadline(year: int) -> datetime.date:
    return datetime.date(year, DEADLINE_MONTH, DEADLINE_DAY)


def report_target(*, year: int, today: datetime.date) -> TrainingTarget | None:
    """The target the year is measured against: the one running at the year's end (today,
    for the year under way)."""
    return target_current(today=min(today, datetime.date(year, 12, 31)))


def _figures(figures: Figures) -> dict:
    return {"required": figures.required, "covered": figures.covered, "percent": figures.percent}


def _change(now: float | None, then: float | None) -> float | None:
    """Percentage points gained since last year."""
    return None if now is None or then is None else round(now - then, 1)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year in local time (Asia/Shanghai): a session at 07:00 on 1 January counts."""
    zone = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(
        year + 1, 1, 1, tzinfo=zone
    )


def coverage_as_of(
    *, target: TrainingTarget, region: Region, day: datetime.date
) -> dict[tuple[str, str, str], Figures]:
    """Required and covered per (role, industry code, region path) as of `day`, counted like
    coverage.forecast's trend: entries active that day, covered when the person's first
    qualifying training is dated on or before it (one grouped query)."""
    covered_by = CoveredPerson.objects.filter(
        target=target, person=OuterRef("person_id"), first_on__lte=day
    )
    rows = (
        RosterEntry.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day),
            role__in=target.required_roles,
            start_date__lte=day,
            enterprise__in=key_enterprises(
                Enterprise.objects.filter(region__path__startswith=region.path)
            ),
        )
        .annotate(done=Exists(covered_by))
        .order_by()
        .values("role", "enterprise__industry__code", "enterprise__region__path")
        .annotate(required=Count("pk"), covered=Count("pk", filter=Q(done=True)))
    )
    return {
        (row["role"], row["enterprise__industry__code"] or "", row["enterprise__region__path"]): (
            Figures(row["required"], row["covered"])
        )
        for row in rows
    }


def _summed(groups: dict[tuple, Figures], key) -> dict:
    sums: dict = {}
    for group, figures in groups.items():
        name = key(group)
        if name is None:
            continue
        before = sums.get(name, Figures(0, 0))
        sums[name] = Figures(before.required + figures.required, before.covered + figures.covered)
    return sums


def last_year_section(
    *, region: Region, year: int, target: TrainingTarget, children: list[Region]
) -> dict:
    """Last year's coverage: its submitted report's frozen figures when it was measured
    against the same target, else counted as of 31 December from the training dates."""
    previous = (
        AnnualReport.objects.filter(
            region=region, year=year - 1, status=AnnualReport.Status.SUBMITTED
        )
        .only("snapshot")
        .first()
    )
    frozen = previous.snapshot.get("coverage") if previous else None
    if frozen and previous.snapshot.get("target", {}).get("code") == target.code:
        return {
            "source": "snapshot",
            "percent": frozen["percent"],
            "by_role": {role: row["percent"] for role, row in frozen["by_role"].items()},
            "by_industry": {row["code"]: row["percent"] for row in frozen["by_industry"]},
            "by_subregion": {row["code"]: row["percent"] for row in frozen["by_subregion"]},
        }
    day = datetime.date(year - 1, 12, 31)
    groups = coverage_as_of(target=target, region=region, day=day)
    by_child = {child.path: child.code for child in children}

    def child_of(group: tuple) -> str | None:
        path = group[2]
        return next((code for prefix, code in by_child.items() if path.startswith(prefix)), None)

    total = _summed(groups, lambda group: "all").get("all", Figures(0, 0))
    return {
        "source": "computed",
        "as_of": day.isoformat(),
        "percent": total.percent,
        "by_role": {k: f.percent for k, f in _summed(groups, lambda g: g[0]).items()},
        "by_industry": {k: f.percent for k, f in _summed(groups, lambda g: g[1]).items()},
        "by_subregion": {k: f.percent for k, f in _summed(groups, child_of).items()},
    }


def coverage_section(
    *, region: Region, year: int, target: TrainingTarget, today: datetime.date
) -> dict:
    """Coverage of the three key groups: totals (coverage_report, as the coverage_report
    command gives them), by role, industry and sub-region, each beside last year's figure."""
    report = coverage_report(target=target, region=region, today=today)
    in_region = Enterprise.objects.filter(region__path__startswith=region.path)
    subregions = coverage_by_subregion(
        target=target, region=region, enterprises=Enterprise.objects.all()
    )
    last = last_year_section(
        region=region, year=year, target=target, children=[f.region for f in subregions]
    )
    enterprises = report["enterprises"]
    by_role = {}
    for role in target.required_roles:
        required = sum(row["by_role"][role]["required"] for row in enterprises)
        covered = sum(row["by_role"][role]["covered"] for row in enterprises)
        figures = _figures(Figures(required, covered))
        then = last["by_role"].get(role)
        by_role[role] = {
            "label": str(ROLE_LABELS.get(role, role)),
            **figures,
            "last_year_percent": then,
            "change": _change(figures["percent"], then),
        }
    by_industry = []
    for code, name, figures in coverage_by_industry(target=target, enterprises=in_region):
        then = last["by_industry"].get(code)
        by_industry.append(
            {
                "code": code,
                "name": name,
                **_figures(figures),
                "last_year_percent": then,
                "change": _change(figures.percent, then),
            }
        )
    by_subregion = []
    for row in subregions:
        then = last["by_subregion"].get(row.region.code)
        by_subregion.append(
            {
                "code": row.region.code,
                "name": row.region.name,
                **_figures(row.people),
                "key_enterprises": row.key_enterprises,
                "complete_enterprises": row.complete_enterprises,
                "roster_missing": row.roster_missing,
                "last_year_percent": then,
                "change": _change(row.people.percent, then),
            }
        )
    return {
        "required": report["required"],
        "covered": report["covered"],
        "percent": report["percent"],
        "key_enterprises": len(enterprises),
        "complete_enterprises": sum(
            1 for row in enterprises if row["required"] and row["covered"] == row["required"]
        ),
        "roster_missing": sum(1 for row in enterprises if not row["required"]),
        "last_year": {
            "source": last["source"],
            "as_of": last.get("as_of"),
            "percent": last["percent"],
        },
        "change": _change(report["percent"], last["percent"]),
        "by_role": by_role,
        "by_industry": by_industry,
        "by_subregion": by_subregion,
    }


def roster_missing_section(*, region: Region, target: TrainingTarget) -> list[dict]:
    """Key enterprises with no key-role people on their active roster, with how many people
    (any role) are on it: 0 means no roster at all (one query)."""
    active = (
        RosterEntry.objects.filter(enterprise=OuterRef("pk"), end_date__isnull=True)
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        enterprises_with_coverage(
            target=target,
            enterprises=Enterprise.objects.filter(region__path__startswith=region.path),
        )
        .filter(required=0)
        .annotate(active_entries=Coalesce(Subquery(active, output_field=IntegerField()), 0))
        .order_by("region__path", "name", "pk")
        .values("credit_code", "name", "region__name", "industry__name", "active_entries")
    )
    return [
        {
            "credit_code": row["credit_code"],
            "name": row["name"],
            "region": row["region__name"],
            "industry": row["industry__name"] or "",
            "active_entries": row["active_entries"],
        }
        for row in rows
    ]


def sessions_section(*, region: Region, year: int) -> dict:
    """Offline sessions held in the region in the year, and their verified attendance (two
    queries: sessions, attendances)."""
    start, end = _year_bounds(year)
    sessions = TrainingSession.objects.filter(
        region__path__startswith=region.path, starts_at__gte=start, starts_at__lt=end
    )
    held = sessions.aggregate(
        sessions=Count("pk"),
        verified_sessions=Count("pk", filter=Q(verified_at__isnull=False)),
        hours=Coalesce(Sum("hours"), Decimal(0)),
    )
    verified = Attendance.objects.filter(
        session__in=sessions, verified_at__isnull=False, removed_at__isnull=True
    ).aggregate(
        attendances=Count("pk"),
        people=Count("person", distinct=True),
        person_hours=Coalesce(Sum("session__hours"), Decimal(0)),
    )
    return {
        "sessions": held["sessions"],
        "verified_sessions": held["verified_sessions"],
        "hours": float(held["hours"]),
        "verified_attendances": verified["attendances"],
        "people": verified["people"],
        "person_hours": float(verified["person_hours"]),
    }


def online_section(*, region: Region, year: int) -> dict:
    """Online courses completed in the year by people on an active roster in the region, and
    their study hours (one query over the training records)."""
    on_roster = RosterEntry.objects.filter(
        person=OuterRef("person_id"),
        end_date__isnull=True,
        enterprise__region__path__startswith=region.path,
    )
    found = TrainingRecord.objects.filter(
        Exists(on_roster),
        kind=TrainingRecord.Kind.ONLINE,
        occurred_on__gte=datetime.date(year, 1, 1),
        occurred_on__lte=datetime.date(year, 12, 31),
    ).aggregate(
        completions=Count("pk"),
        people=Count("person", distinct=True),
        hours=Coalesce(Sum("hours"), Decimal(0)),
    )
    return {**found, "hours": float(found["hours"])}


def schools_section(*, region: Region) -> dict:
    """Technical schools in the region offering the work-injury prevention course, and their
    students' completion (two queries)."""
    schools = Enterprise.objects.filter(region__path__startswith=region.path)
    courses = school_courses()
    totals = school_totals(schools=schools, courses=courses)
    rows = schools_with_course_figures(schools=schools, courses=courses)
    return {
        "schools": totals.schools,
        "offering": totals.offering,
        "students": totals.students,
        "enrolled": totals.enrolled,
        "completed": totals.completed,
        "percent": totals.percent,
        "list": [
            {
                "name": school.name,
                "region": school.region.name,
                "offers": bool(school.offers),
                "students": school.students,
                "completed": school.completed,
                "percent": school.percent,
            }
            for school in rows
        ],
    }


def campaigns_section(*, region: Region, year: int) -> dict:
    """Live publicity campaigns in the year per key industry, and the industries lacking one."""
    tracking = campaign_tracking(region=region, year=year)
    return {
        "industries": [
            {"code": i.code, "name": i.name, "campaigns": i.campaign_count}
            for i in sorted(tracking.covered + tracking.lacking, key=lambda i: i.code)
        ],
        "lacking": [industry.name for industry in tracking.lacking],
    }


def bases_section(*, region: Region) -> dict:
    """Warning-education bases filed by the region's cities and counties, and those lacking."""
    tracking = base_tracking(region=region)

    def names(regions: list[Region]) -> list[str]:
        return [place.name for place in regions]

    return {
        "cities_with": names(tracking.cities_with),
        "cities_without": names(tracking.cities_without),
        "counties_with": names(tracking.counties_with),
        "counties_without": names(tracking.counties_without),
    }


def _rate(rate: YearRate) -> dict:
    totals = rate.totals
    incidence = rounded(rate.incidence, 3)
    return {
        "year": rate.year,
        "injuries": totals.injuries,
        "deaths": totals.deaths,
        "occupational_diseases": totals.occupational_diseases,
        "pneumoconiosis": totals.pneumoconiosis,
        "insured": totals.insured,
        "incidence": None if incidence is None else float(incidence),
        "yearly_change": _float(percent(rate.yearly_change)),
        "meets_yearly_target": rate.meets_yearly_target,
        "cumulative_change": _float(percent(rate.cumulative_change)),
        "on_five_year_track": rate.on_five_year_track,
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def accidents_section(*, region: Region, target: TrainingTarget | None, year: int) -> dict:
    """The region's accident figures up to the year (R10): every year's total, and each key
    industry's latest year (four queries, coverage.accidents)."""
    overview = accident_overview(region=region, target=target)
    years = [y for y in overview.years if y <= year]
    latest = years[-1] if years else None
    industries = []
    for series in overview.industries:
        rate = next((r for r in series.trend if r.year == latest), None)
        if rate is not None:
            industries.append({"code": series.code, "name": series.name, **_rate(rate)})
    return {
        "base_year": overview.base_year,
        "latest_year": latest,
        "total": [_rate(rate) for rate in overview.total.trend if rate.year <= year],
        "industries": industries,
    }


def forecast_section(*, region: Region, target: TrainingTarget, today: datetime.date) -> dict:
    """Where the pace of the last weeks leads by the deadline (coverage.forecast)."""
    forecast = region_forecast(
        target=target, region=region, enterprises=Enterprise.objects.all(), today=today
    )
    overall = forecast.overall
    return {
        "deadline": target.end_date.isoformat(),
        "percent_now": None if overall.percent_now is None else round(overall.percent_now, 1),
        "pace": None if overall.pace is None else round(overall.pace, 2),
        "percent_at_deadline": overall.percent_at_deadline,
        "date_full": overall.date_full.isoformat() if overall.date_full else None,
        "subregions_at_risk": [
            {"code": child.code, "name": child.name, "percent_at_deadline": f.percent_at_deadline}
            for child, f in forecast.subregions
        ],
    }


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
