"""Incidence per 1,000 insured and its change against the −5 %/year and −20 %/5-year targets,
on a known table (exact Decimals; rounding only for display)."""

from decimal import Decimal

from coverage.accidents.rates import (
    Totals,
    base_year_choose,
    change,
    five_year_goal,
    incidence,
    percent,
    rate_trend,
    rounded,
)

# Injuries and insured per year: 3‰, 2.85‰ (−5 %), 2.8‰ (−1/57), 2.4‰ (−14.29 %), 2.3‰.
KNOWN = {
    2021: Totals(injuries=120, insured=40_000),
    2022: Totals(injuries=114, insured=40_000),
    2023: Totals(injuries=112, insured=40_000),
    2024: Totals(injuries=96, insured=40_000),
    2026: Totals(injuries=92, insured=40_000),
}


def test_incidence_is_exact_per_thousand_insured():
    assert incidence(cases=114, insured=40_000) == Decimal("2.85")
    # 1000/3 to 28 significant digits, not a float's 17.
    assert incidence(cases=1, insured=3) == Decimal("333.3333333333333333333333333")
    assert incidence(cases=5, insured=0) is None


def test_display_rounds_half_up_not_to_even():
    assert rounded(incidence(cases=2345, insured=1_000_000)) == Decimal("2.35")
    assert percent(Decimal("-0.0125")) == Decimal("-1.3")
    assert rounded(None) is None


def test_change_is_relative_and_missing_without_a_comparison():
    assert change(current=Decimal("2.85"), previous=Decimal("3")) == Decimal("-0.05")
    assert change(current=Decimal("1"), previous=Decimal("0")) is None
    assert change(current=None, previous=Decimal("3")) is None


def test_five_year_goal_spreads_twenty_percent_over_five_years_then_stays():
    assert five_year_goal(years_since_base=2) == Decimal("-0.08")
    assert five_year_goal(years_since_base=5) == Decimal("-0.20")
    assert five_year_goal(years_since_base=7) == Decimal("-0.20")


def test_base_year_is_the_target_start_when_present_else_the_earliest():
    assert base_year_choose(years=[2020, 2021, 2022], target_start_year=2021) == 2021
    assert base_year_choose(years=[2022, 2023], target_start_year=2021) == 2022
    assert base_year_choose(years=[2023, 2022], target_start_year=None) == 2022
    assert base_year_choose(years=[], target_start_year=2021) is None


def test_trend_on_the_known_table():
    trend = {rate.year: rate for rate in rate_trend(series=KNOWN, base_year=2021)}

    base = trend[2021]
    assert base.incidence == Decimal(3)
    assert base.yearly_change is None and base.meets_yearly_target is None
    assert base.cumulative_change is None and base.on_five_year_track is None

    # Exactly −5 % meets the yearly target; −5 % after one year beats the −4 % due.
    assert trend[2022].yearly_change == Decimal("-0.05")
    assert trend[2022].meets_yearly_target is True
    assert trend[2022].five_year_goal == Decimal("-0.04")
    assert trend[2022].on_five_year_track is True

    # 2.8 ÷ 2.85 − 1 = −1/57: misses the yearly target; −6.67 % is short of the −8 % due.
    assert abs(trend[2023].yearly_change * 57 + 1) < Decimal("1E-25")
    assert percent(trend[2023].yearly_change) == Decimal("-1.8")
    assert trend[2023].meets_yearly_target is False
    assert percent(trend[2023].cumulative_change) == Decimal("-6.7")
    assert trend[2023].on_five_year_track is False

    # −20 % after three years: ahead of the −12 % due.
    assert trend[2024].cumulative_change == Decimal("-0.2")
    assert trend[2024].meets_yearly_target is True
    assert trend[2024].on_five_year_track is True

    # 2025 is missing: 2026 has no yearly change, but still its five-year comparison.
    assert trend[2026].yearly_change is None and trend[2026].meets_yearly_target is None
    assert trend[2026].five_year_goal == Decimal("-0.20")
    assert percent(trend[2026].cumulative_change) == Decimal("-23.3")
    assert trend[2026].on_five_year_track is True


def test_totals_add_up_every_figure():
    total = Totals(1, 2, 3, 4, 5) + Totals(10, 20, 30, 40, 50)
    assert total == Totals(11, 22, 33, 44, 55)
    assert total.incidence == Decimal(11) * 1000 / Decimal(55)
