"""Coverage of the three key groups for the report: totals, by role, industry and sub-region
beside last year's figure, the enterprises without a roster, and the forecast."""

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from coverage.dashboards.report import coverage_report
from coverage.forecast.selectors import region_forecast
from coverage.models import CoveredPerson, Enterprise, Region, RosterEntry, TrainingTarget
from coverage.selectors import (
    ROLE_LABELS,
    Figures,
    coverage_by_industry,
    coverage_by_subregion,
    enterprises_with_coverage,
    key_enterprises,
)
from reports.models import AnnualReport


def _figures(figures: Figures) -> dict:
    return {"required": figures.required, "covered": figures.covered, "percent": figures.percent}


def _change(now: float | None, then: float | None) -> float | None:
    """Percentage points gained since last year."""
    return None if now is None or then is None else round(now - then, 1)


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
                Enterprise.objects.filter(region__path__startswith=region.path), target=target
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
