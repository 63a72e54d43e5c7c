"""The coverage report of a region against a target: the annual implementation report (due
before 20 December each year) and `manage.py coverage_report` are built on it.

The figures come from coverage.selectors, so the report shows the same numbers as the
dashboards and the API, in a constant number of queries whatever the number of enterprises.
"""

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from coverage.forecast.selectors import enterprise_forecasts
from coverage.models import Enterprise, Region, TrainingTarget
from coverage.models.people import KEY_ROLES
from coverage.selectors import (
    ROLE_LABELS,
    Figures,
    enterprise_role_figures,
    enterprises_with_coverage,
    region_figures,
)
from coverage.services import JILIN_CODE


def _percent(value) -> float | None:
    # PostgreSQL's ROUND answers with a numeric (Decimal), which JSON cannot carry.
    return None if value is None else float(value)


def _figures(figures: Figures) -> dict:
    return {"required": figures.required, "covered": figures.covered, "percent": figures.percent}


def coverage_report(
    *,
    target: TrainingTarget,
    region: Region | None,
    enterprises: QuerySet[Enterprise] | None = None,
    today: datetime.date | None = None,
) -> dict:
    """The region's (None: the province's) figures and every key enterprise's, worst first,
    as plain JSON-ready data; `enterprises` narrows the scope (default: all). The forecast
    at the deadline is at the pace of the weeks before `today` (coverage/forecast/)."""
    scope = Enterprise.objects.all() if enterprises is None else enterprises
    if region is not None:
        scope = scope.filter(region__path__startswith=region.path)
    labelled = region or Region.objects.filter(code=JILIN_CODE).first()
    people = region_figures(target=target, region=None, enterprises=scope).people
    rows = list(enterprises_with_coverage(target=target, enterprises=scope))
    by_role = enterprise_role_figures(target=target, enterprises=scope)
    nobody = {role: Figures(0, 0) for role in target.required_roles}
    forecast, forecasts = enterprise_forecasts(target=target, enterprises=scope, today=today)
    return {
        "target": {
            "code": target.code,
            "name": target.name,
            "start": target.start_date.isoformat(),
            "end": target.end_date.isoformat(),
        },
        "region": {
            "code": labelled.code if labelled else None,
            "name": labelled.name if labelled else None,
        },
        **_figures(people),
        "forecast_percent_at_deadline": forecast.percent_at_deadline,
        "enterprises": [
            {
                "credit_code": enterprise.credit_code,
                "name": enterprise.name,
                "required": enterprise.required,
                "covered": enterprise.covered,
                "percent": _percent(enterprise.percent),
                "forecast_percent_at_deadline": (
                    forecasts[enterprise.pk].percent_at_deadline
                    if enterprise.pk in forecasts
                    else None
                ),
                "by_role": {
                    role: _figures(figures)
                    for role, figures in by_role.get(enterprise.pk, nobody).items()
                },
            }
            for enterprise in rows
        ],
    }


def coverage_report_table(report: dict) -> tuple[list[str], list[list]]:
    """The report as one sheet: the region's total first, then one row per enterprise."""
    enterprises = report["enterprises"]
    roles = list(enterprises[0]["by_role"]) if enterprises else [str(r) for r in KEY_ROLES]
    headers = [
        _("Unified social credit code"),
        _("Enterprise"),
        _("Key-role people"),
        _("Trained"),
        _("Coverage (%)"),
        _("Remarks"),
    ]
    for role in roles:
        label = ROLE_LABELS.get(role, role)
        headers += [
            _("%(role)s: people") % {"role": label},
            _("%(role)s: trained") % {"role": label},
        ]

    def note(row: dict) -> str:
        if row["percent"] is None:
            return _("Roster missing: no key-role people on the active roster")
        return ""

    total = [
        report["region"]["code"] or "",
        _("%(region)s, all key enterprises") % {"region": report["region"]["name"] or ""},
        report["required"],
        report["covered"],
        report["percent"],
        note(report),
    ]
    for role in roles:
        total += [
            sum(row["by_role"][role]["required"] for row in enterprises),
            sum(row["by_role"][role]["covered"] for row in enterprises),
        ]
    rows = [total]
    for row in enterprises:
        cells = [
            row["credit_code"],
            row["name"],
            row["required"],
            row["covered"],
            row["percent"],
            note(row),
        ]
        for role in roles:
            cells += [row["by_role"][role]["required"], row["by_role"][role]["covered"]]
        rows.append(cells)
    return headers, rows
