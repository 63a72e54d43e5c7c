"""Accident figures of a region as the page, the API and the annual report show them.

A region's figure for an industry and year is its own imported row when there is one, else
the sum of its sub-regions' figures (so a city that imports per county, or only its own
total, shows either way, and nothing is counted twice)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from coverage.accidents.rates import Totals, YearRate, base_year_choose, rate_trend
from coverage.models import AccidentFigures, Industry, Region, TrainingTarget


@dataclass(frozen=True)
class AccidentSeries:
    code: str
    name: str
    trend: list[YearRate]

    def by_year(self, years: list[int]) -> list[YearRate | None]:
        rates = {rate.year: rate for rate in self.trend}
        return [rates.get(year) for year in years]


@dataclass(frozen=True)
class AccidentOverview:
    region: Region
    years: list[int]
    base_year: int | None
    total: AccidentSeries
    industries: list[AccidentSeries]
    subregions: list[AccidentSeries]


def accident_overview(
    *,
    region: Region,
    target: TrainingTarget | None,
    figures: QuerySet[AccidentFigures] | None = None,
) -> AccidentOverview:
    """The region's figures by industry and by direct sub-region, each year with its rate and
    its change against the targets (four queries, whatever the depth). `figures` narrows the
    rows read (a viewer's, `jurisdiction.accident_figures_in_scope`: a department sees its
    industries); default: all."""
    rows = AccidentFigures.objects.all() if figures is None else figures
    below = list(Region.objects.filter(path__startswith=region.path).only("pk", "parent_id"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for item in below:
        children[item.parent_id].append(item.pk)
    own: dict[tuple[int, int, int], Totals] = {}
    industry_ids = set()
    for row in rows.filter(region__path__startswith=region.path).values_list(
        "region_id",
        "industry_id",
        "year",
        "injuries",
        "deaths",
        "occupational_diseases",
        "pneumoconiosis",
        "insured",
    ):
        own[row[:3]] = Totals(*row[3:])
        industry_ids.add(row[1])

    rolled: dict[int, dict[tuple[int, int], Totals]] = {}

    def roll_up(region_id: int) -> dict[tuple[int, int], Totals]:
        # Bottom-up: a sub-region's sums are made once and reused by every ancestor.
        if region_id not in rolled:
            sums: dict[tuple[int, int], Totals] = defaultdict(Totals)
            for child in children.get(region_id, []):
                for key, totals in roll_up(child).items():
                    sums[key] += totals
            for (owner, industry, year), totals in own.items():
                if owner == region_id:
                    sums[(industry, year)] = totals
            rolled[region_id] = dict(sums)
        return rolled[region_id]

    figures = roll_up(region.pk)
    years = sorted({year for _industry, year in figures})
    base_year = base_year_choose(
        years=years, target_start_year=target.start_date.year if target else None
    )
    industries = {i.pk: i for i in Industry.objects.filter(pk__in=industry_ids)}

    def series(code: str, name: str, values: dict[int, Totals]) -> AccidentSeries:
        return AccidentSeries(code, name, rate_trend(series=values, base_year=base_year))

    def all_industries(sums: dict[tuple[int, int], Totals]) -> dict[int, Totals]:
        per_year: dict[int, Totals] = defaultdict(Totals)
        for (_industry, year), totals in sums.items():
            per_year[year] += totals
        return dict(per_year)

    by_industry = []
    for industry in sorted(industries.values(), key=lambda i: i.code):
        values = {year: t for (i, year), t in figures.items() if i == industry.pk}
        by_industry.append(series(industry.code, industry.name, values))
    subregions = []
    for child in sorted(
        Region.objects.filter(parent=region, pk__in=[pk for pk in rolled if rolled[pk]]),
        key=lambda r: r.path,
    ):
        subregions.append(series(child.code, child.name, all_industries(rolled[child.pk])))
    return AccidentOverview(
        region=region,
        years=years,
        base_year=base_year,
        total=series(region.code, region.name, all_industries(figures)),
        industries=by_industry,
        subregions=subregions,
    )
