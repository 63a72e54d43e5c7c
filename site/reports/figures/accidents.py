"""Accident statistics up to the report's year (coverage.accidents, R10)."""

from decimal import Decimal

from coverage.accidents.rates import YearRate, percent, rounded
from coverage.accidents.selectors import accident_overview
from coverage.models import Region, TrainingTarget


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
