"""Incidence and its change against the plan's accident targets (R10): pure arithmetic on
Decimals, exact to 28 significant digits; rounding is for display only.

The base year is the first year of the training target's period when figures exist for it,
else the earliest year with figures. A year meets the yearly target when its incidence is at
least 5 % below the year before's; it is on the five-year track when its incidence is at
least 20 % × (years since base ÷ 5) below the base year's (the whole 20 % from the fifth
year on).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

PER_INSURED = Decimal(1000)
YEARLY_TARGET = Decimal("-0.05")
FIVE_YEAR_TARGET = Decimal("-0.20")
FIVE_YEARS = 5


@dataclass(frozen=True, slots=True)
class Totals:
    injuries: int = 0
    deaths: int = 0
    occupational_diseases: int = 0
    pneumoconiosis: int = 0
    insured: int = 0

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(
            self.injuries + other.injuries,
            self.deaths + other.deaths,
            self.occupational_diseases + other.occupational_diseases,
            self.pneumoconiosis + other.pneumoconiosis,
            self.insured + other.insured,
        )

    @property
    def incidence(self) -> Decimal | None:
        return incidence(cases=self.injuries, insured=self.insured)


@dataclass(frozen=True, slots=True)
class YearRate:
    year: int
    totals: Totals
    incidence: Decimal | None
    yearly_change: Decimal | None  # against the year before: -0.05 is 5 % lower
    meets_yearly_target: bool | None
    cumulative_change: Decimal | None  # against the base year
    five_year_goal: Decimal | None  # the cumulative change due by this year
    on_five_year_track: bool | None


def incidence(*, cases: int, insured: int) -> Decimal | None:
    """Cases per 1,000 insured workers; None without insured workers."""
    if insured <= 0:
        return None
    with localcontext(prec=28):
        return Decimal(cases) * PER_INSURED / Decimal(insured)


def change(*, current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Relative change (current ÷ previous − 1); None when either is missing or previous is 0."""
    if current is None or previous is None or previous == 0:
        return None
    with localcontext(prec=28):
        return current / previous - 1


def five_year_goal(*, years_since_base: int) -> Decimal:
    """The cumulative change due after so many years: −20 % spread evenly over five years."""
    years = min(max(years_since_base, 0), FIVE_YEARS)
    return FIVE_YEAR_TARGET * years / FIVE_YEARS


def base_year_choose(*, years: Iterable[int], target_start_year: int | None) -> int | None:
    """The target period's first year when it has figures, else the earliest year present."""
    present = sorted(set(years))
    if not present:
        return None
    if target_start_year is not None and target_start_year in present:
        return target_start_year
    return present[0]


def rate_trend(*, series: Mapping[int, Totals], base_year: int | None) -> list[YearRate]:
    """Each year's incidence with its change against the year before and the base year."""
    base = series.get(base_year) if base_year is not None else None
    base_rate = base.incidence if base else None
    trend = []
    for year in sorted(series):
        rate = series[year].incidence
        previous = series.get(year - 1)
        yearly = change(current=rate, previous=previous.incidence if previous else None)
        cumulative = goal = None
        if base_year is not None and year > base_year:
            cumulative = change(current=rate, previous=base_rate)
            goal = five_year_goal(years_since_base=year - base_year)
        trend.append(
            YearRate(
                year=year,
                totals=series[year],
                incidence=rate,
                yearly_change=yearly,
                meets_yearly_target=None if yearly is None else yearly <= YEARLY_TARGET,
                cumulative_change=cumulative,
                five_year_goal=goal,
                on_five_year_track=None if cumulative is None else cumulative <= goal,
            )
        )
    return trend


def rounded(value: Decimal | None, places: int = 2) -> Decimal | None:
    """For display: half up (2.345 → 2.35), as the statistics yearbooks round."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(value: Decimal | None, places: int = 1) -> Decimal | None:
    """A change as a rounded percentage (−0.0512 → −5.1)."""
    return None if value is None else rounded(value * 100, places)
