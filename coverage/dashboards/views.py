from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from coverage.audit.exports import table_export
from coverage.dashboards.departments import regulator_departments
from coverage.dashboards.filters import EnterpriseFilterForm, enterprises_filtered, target_choice
from coverage.dashboards.tables import (
    Table,
    at_risk_enterprise_table,
    at_risk_subregion_table,
    breakdown_table,
    enterprise_table,
    subregion_table,
    trend_table,
)
from coverage.designations.selectors import enterprise_is_key
from coverage.forecast.selectors import coverage_trend, region_forecast, region_trend
from coverage.forecast.trend_scope import region_view
from coverage.integrity.selectors import integrity_open_count
from coverage.jurisdiction import (
    enterprise_in_scope_or_404,
    enterprises_in_scope,
    region_ancestors_in_scope,
    region_in_scope_or_404,
    sees_full_identifiers,
)
from coverage.models import Enterprise, Industry, Role, RosterEntry, TrainingTarget
from coverage.selectors import (
    coverage_by_industry,
    coverage_by_role,
    coverage_by_subregion,
    coverage_totals,
    days_to_deadline,
    enterprises_with_coverage,
    frequency_by_role,
    people_not_covered,
    region_figures,
)

ROLE_LABELS = dict(Role.choices)
PAGE_SIZE = 50
# The page shows the worst of the enterprises at risk; the export holds all of them.
AT_RISK_SHOWN = 20


def _export(request, table: Table, *, subject: str, filename: str, personal: bool = False):
    return table_export(
        request=request,
        subject=subject,
        headers=table.headers,
        rows=table.rows,
        fmt=request.GET.get("export", "xlsx"),
        filename=filename,
        contains_personal_data=personal,
    )


def _trend_role(request, target: TrainingTarget) -> str | None:
    role = request.GET.get("trend_role")
    return role if role in target.required_roles else None


def _trend_context(target: TrainingTarget, trend, trend_role: str | None) -> dict:
    return {
        "trend": trend,
        "trend_role": trend_role,
        "trend_roles": [(role, ROLE_LABELS[role]) for role in target.required_roles],
    }


def _trend_chart(trend) -> list:
    return [[point.month_end.strftime("%Y-%m"), point.figures.percent or 0] for point in trend]


def _no_target(request):
    return render(request, "coverage/no_target.html", status=200)


@login_required
def region_detail(request, code):
    region = region_in_scope_or_404(request.user, code=code)
    target = target_choice(request.GET.get("target"))
    if target is None:
        return _no_target(request)
    scope = enterprises_in_scope(request.user)
    view = region_view(request.user, region)
    in_region = view.enterprises
    form = EnterpriseFilterForm(
        request.GET or None,
        region=region,
        industries=Industry.objects.filter(pk__in=in_region.values("industry_id"))
        if view.key
        else None,
    )
    enterprises = enterprises_filtered(
        enterprises_with_coverage(target=target, enterprises=in_region), form
    )
    subregions = coverage_by_subregion(target=target, region=region, enterprises=scope)
    by_role = [
        (ROLE_LABELS[role], figures)
        for role, figures in coverage_by_role(target=target, enterprises=in_region).items()
    ]
    by_industry = [
        (name or _("No industry"), figures)
        for _code, name, figures in coverage_by_industry(target=target, enterprises=in_region)
    ]
    forecast = region_forecast(target=target, region=region, enterprises=scope)
    trend_role = _trend_role(request, target)
    trend = region_trend(
        target=target,
        region=region,
        role=trend_role,
        enterprises=in_region,
        scope_key=view.key,
    )

    tables = {
        "enterprises": lambda: enterprise_table(enterprises),
        "subregions": lambda: subregion_table(subregions),
        "roles": lambda: breakdown_table(_("Role"), by_role),
        "industries": lambda: breakdown_table(_("Industry"), by_industry),
        "trend": lambda: trend_table(trend),
        "at_risk_enterprises": lambda: at_risk_enterprise_table(forecast.enterprises),
        "at_risk_subregions": lambda: at_risk_subregion_table(forecast.subregions),
    }
    if request.GET.get("export") and request.GET.get("table") in tables:
        name = request.GET["table"]
        return _export(
            request,
            tables[name](),
            subject=f"{region.name} {target.code} {name}",
            filename=f"{region.name}-{name}",
        )

    return render(
        request,
        "coverage/region_dashboard.html",
        {
            "region": region,
            "ancestors": region_ancestors_in_scope(request.user, region),
            "departments": regulator_departments(request.user),
            "target": target,
            "targets": TrainingTarget.objects.all(),
            "summary": region_figures(target=target, region=region, enterprises=scope),
            "days_left": days_to_deadline(target),
            "subregions": subregions,
            "by_role": by_role,
            "by_industry": by_industry,
            "form": form,
            # Unreviewed integrity signals per enterprise: a subquery in the page's own query.
            "page": Paginator(
                enterprises.annotate(integrity_open=integrity_open_count()), PAGE_SIZE
            ).get_page(request.GET.get("page")),
            "forecast": forecast.overall,
            "at_risk_subregions": forecast.subregions,
            "at_risk_enterprises": forecast.enterprises[:AT_RISK_SHOWN],
            "at_risk_count": len(forecast.enterprises),
            **_trend_context(target, trend, trend_role),
            "chart_data": {
                "trend": _trend_chart(trend),
                "subregions": [
                    [f.region.name, f.people.percent or 0] for f in subregions if f.people.required
                ],
                "roles": [[label, f.percent or 0] for label, f in by_role],
                "industries": [[label, f.percent or 0] for label, f in by_industry],
            },
            "query": request.GET.copy(),
        },
    )


@login_required
def enterprise_detail(request, credit_code):
    enterprise = enterprise_in_scope_or_404(request.user, credit_code=credit_code)
    target = target_choice(request.GET.get("target"))
    if target is None:
        return _no_target(request)
    one = Enterprise.objects.filter(pk=enterprise.pk)
    full = sees_full_identifiers(request.user, enterprise)
    missing = people_not_covered(target=target, enterprises=one)
    show_history = request.GET.get("history") == "1"
    roster = (
        RosterEntry.objects.filter(enterprise=enterprise)
        .filter(Q() if show_history else Q(end_date__isnull=True))
        .select_related("person")
        .order_by("end_date", "role", "person__name")
    )

    trend_role = _trend_role(request, target)
    trend = coverage_trend(target=target, enterprises=one, role=trend_role)
    if request.GET.get("export") and request.GET.get("table") == "trend":
        return _export(
            request,
            trend_table(trend),
            subject=f"{enterprise.name} trend",
            filename=f"{enterprise.name}-trend",
        )
    if request.GET.get("export") and request.GET.get("table") in ("missing", "roster"):
        name = request.GET["table"]
        entries = missing if name == "missing" else roster
        return _export(
            request,
            person_table(entries, full=full),
            subject=f"{enterprise.name} {name}",
            filename=f"{enterprise.name}-{name}",
            personal=True,
        )

    per_year = frequency_by_role(target=target, industry_id=enterprise.industry_id)
    by_role = [
        (ROLE_LABELS[role], figures, per_year.get(role))
        for role, figures in coverage_by_role(target=target, enterprises=one).items()
    ]
    return render(
        request,
        "coverage/enterprise_dashboard.html",
        {
            "enterprise": enterprise,
            "is_key": enterprise_is_key(enterprise=enterprise, target=target),
            "target": target,
            "targets": TrainingTarget.objects.all(),
            "totals": coverage_totals(target=target, enterprises=one),
            "days_left": days_to_deadline(target),
            "by_role": by_role,
            "missing": Paginator(missing, PAGE_SIZE).get_page(request.GET.get("missing_page")),
            "roster": Paginator(roster, PAGE_SIZE).get_page(request.GET.get("roster_page")),
            "show_history": show_history,
            "full_identifiers": full,
            "imports": enterprise.imports.select_related("uploaded_by")[:5],
            "forecast": region_forecast(target=target, region=None, enterprises=one).overall,
            **_trend_context(target, trend, trend_role),
            "chart_data": {"trend": _trend_chart(trend)},
            "query": request.GET.copy(),
        },
    )


def person_table(entries, *, full: bool) -> Table:
    """People rows for export; full identifiers only for the organisation's administrators."""
    return Table(
        headers=[
            _("Name"),
            _("ID number"),
            _("Mobile number"),
            _("Role"),
            _("Department"),
            _("Start"),
            _("End"),
        ],
        rows=[
            [
                entry.person.name,
                entry.person.id_number if full else entry.person.id_number_masked,
                entry.person.phone if full else entry.person.phone_masked,
                ROLE_LABELS[entry.role],
                entry.department,
                entry.start_date,
                entry.end_date or "",
            ]
            for entry in entries
        ],
    )
