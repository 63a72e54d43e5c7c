"""The tables the dashboards show and export alike (one row shape for screen and file).

The figures come from coverage.selectors; this module only shapes them into rows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from coverage.selectors import Figures, RegionFigures


@dataclass(frozen=True)
class Table:
    headers: list
    rows: list


def subregion_table(rows: list[RegionFigures]) -> Table:
    return Table(
        headers=[
            _("Region"),
            _("Required people"),
            _("Covered"),
            _("Coverage %"),
            _("Key enterprises"),
            _("Enterprises at 100%"),
            _("Roster missing"),
        ],
        rows=[
            [
                row.region.name,
                row.people.required,
                row.people.covered,
                row.people.percent,
                row.key_enterprises,
                row.complete_enterprises,
                row.roster_missing,
            ]
            for row in rows
        ],
    )


def enterprise_table(enterprises) -> Table:
    return Table(
        headers=[
            _("Enterprise"),
            _("Unified social credit code"),
            _("Region"),
            _("Industry"),
            _("Required people"),
            _("Covered"),
            _("Coverage %"),
        ],
        rows=[
            [
                e.name,
                e.credit_code,
                e.region.name,
                e.industry.name if e.industry else "",
                e.required,
                e.covered,
                e.percent,
            ]
            for e in enterprises
        ],
    )


def breakdown_table(first_header, rows: list[tuple[str, Figures]]) -> Table:
    """Rows of (label, figures): by role or by industry."""
    return Table(
        headers=[first_header, _("Required people"), _("Covered"), _("Coverage %")],
        rows=[[label, f.required, f.covered, f.percent] for label, f in rows],
    )


def trend_table(points) -> Table:
    """Month by month (coverage/forecast/selectors.py `coverage_trend`)."""
    return Table(
        headers=[_("Month end"), _("Required people"), _("Covered"), _("Coverage %")],
        rows=[
            [
                point.month_end.isoformat(),
                point.figures.required,
                point.figures.covered,
                point.figures.percent,
            ]
            for point in points
        ],
    )


def _forecast_cells(forecast) -> list:
    return [
        forecast.percent_now,
        round(forecast.pace, 2),
        forecast.percent_at_deadline,
        forecast.date_full.isoformat() if forecast.date_full else "",
    ]


_FORECAST_HEADERS = [
    _("Coverage %"),
    _("Pace (points per week)"),
    _("Forecast % at the deadline"),
    _("Full coverage (100%) on"),
]


def at_risk_enterprise_table(rows) -> Table:
    """Key enterprises that miss the deadline at their pace, worst first."""
    return Table(
        headers=[
            _("Enterprise"),
            _("Unified social credit code"),
            _("Region"),
            _("Required people"),
            _("Covered"),
            *_FORECAST_HEADERS,
        ],
        rows=[
            [
                row.name,
                row.credit_code,
                row.region_name,
                row.required,
                row.covered,
                *_forecast_cells(forecast),
            ]
            for row, forecast in rows
        ],
    )


def at_risk_subregion_table(rows) -> Table:
    return Table(
        headers=[_("Region"), *_FORECAST_HEADERS],
        rows=[[region.name, *_forecast_cells(forecast)] for region, forecast in rows],
    )
