"""The supervision pages of 人社 and 社保: their region's projects by status with the overdue
steps highlighted, and the yearly list per region with its xlsx export (audited by
coverage.audit.exports.table_export). Anyone who supervises nothing gets a 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.audit.exports import table_export
from coverage.jurisdiction import regulated_scopes
from coverage.models import Region
from projects.models import Project
from projects.supervision.selectors import (
    SUPERVISING,
    projects_supervised,
    status_counts,
    supervision_condition,
    yearly_by_region,
)


def _supervised_or_404(user):
    condition = supervision_condition(user)
    if condition is None:
        raise Http404
    return projects_supervised(condition)


@login_required
def supervision(request):
    projects = _supervised_or_404(request.user)
    counts = status_counts(projects)
    statuses = [
        (value, label, counts.get(value, {"total": 0, "overdue": 0}))
        for value, label in Project.Status.choices
    ]
    status = request.GET.get("status", "")
    shown = projects.select_related("applicant", "region")
    if status:
        shown = shown.filter(status=status)
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        shown = shown.exclude(overdue_step="")
    page = Paginator(shown.order_by("-year", "code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/supervision.html",
        {
            "statuses": statuses,
            "status": status,
            "overdue_only": overdue_only,
            "page": page,
            "year": timezone.localdate().year,
        },
    )


def _region_or_404(user, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    if not user.is_superuser and not any(
        s.department in SUPERVISING and region.path.startswith(s.path)
        for s in regulated_scopes(user)
    ):
        raise Http404
    return region


@login_required
def yearly(request, year: int):
    projects = _supervised_or_404(request.user)
    region = None
    if request.GET.get("region"):
        region = _region_or_404(request.user, request.GET["region"])
        projects = projects.filter(region__path__startswith=region.path)
    rows = yearly_by_region(projects, year=year)
    if request.GET.get("format") == "xlsx":
        headers = [
            _("Region"),
            _("Projects"),
            _("Budget (yuan)"),
            _("Paid (yuan)"),
            _("People trained"),
        ]
        return table_export(
            request=request,
            subject=f"projects yearly list {year} {region.code if region else 'all'}",
            headers=headers,
            rows=[[r.region.name, r.projects, r.budget, r.paid, r.people] for r in rows],
            fmt="xlsx",
            filename=f"projects-{year}",
            contains_personal_data=False,
        )
    totals = {
        "projects": sum(r.projects for r in rows),
        "budget": sum(r.budget for r in rows),
        "paid": sum(r.paid for r in rows),
        "people": sum(r.people for r in rows),
    }
    return render(
        request,
        "projects/supervision_yearly.html",
        {"rows": rows, "totals": totals, "year": year, "region": region},
    )
