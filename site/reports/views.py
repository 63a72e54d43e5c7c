"""Pages of the annual report: read the input, ask coverage.jurisdiction, call one service or
selector, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.audit.client_ip import client_ip
from coverage.audit.exports import CONTENT_TYPES
from coverage.jurisdiction import (
    region_ancestors_in_scope,
    region_in_scope_or_404,
    regions_in_scope,
    regulator_memberships,
    report_may_edit,
    report_may_return,
)
from coverage.models import AuditLog
from coverage.services import audit_log
from reports.figures import report_deadline
from reports.forms import ReportReturnForm, ReportTextForm
from reports.layout import report_header, report_sections, report_title
from reports.models import AnnualReport
from reports.pdf import report_pdf
from reports.selectors import days_left, report_events, report_find, report_submissions
from reports.services import ReportRefused, report_draft_save, report_return, report_submit
from reports.snapshot import report_shown, report_text
from reports.xlsx import report_xlsx, submissions_xlsx

FIRST_YEAR = 2021  # the plan's first year
PDF = "pdf"
XLSX = "xlsx"


def _region_and_year(request, code: str, year: int):
    region = region_in_scope_or_404(request.user, code=code)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return region, year


@login_required
def report_index(request):
    """The signed-in regulator's own region's report of this year; for the province, which
    writes none, its cities' submissions."""
    membership = regulator_memberships(request.user).first()
    region = membership.region if membership else regions_in_scope(request.user).first()
    if region is None:
        raise Http404
    if region.parent_id is None:
        return redirect("reports:submissions", code=region.code, year=timezone.localdate().year)
    return redirect("reports:current", code=region.code)


@login_required
def report_current(request, code):
    region = region_in_scope_or_404(request.user, code=code)
    return redirect("reports:detail", code=region.code, year=timezone.localdate().year)


@login_required
def report_detail(request, code, year):
    region, year = _region_and_year(request, code, year)
    report = report_find(region=region, year=year)
    may_edit = report_may_edit(request.user, region)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = ReportTextForm(request.POST)
        if form.is_valid():
            try:
                report_draft_save(region=region, year=year, user=request.user, **form.cleaned_data)
            except ReportRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, _("The draft is saved."))
            return redirect("reports:detail", code=region.code, year=year)
    else:
        form = ReportTextForm(initial=report_text(report))
    figures, frozen = report_shown(region=region, year=year, report=report)
    submitted = report is not None and report.status == AnnualReport.Status.SUBMITTED
    return render(
        request,
        "reports/annual_report.html",
        {
            "region": region,
            "year": year,
            "ancestors": region_ancestors_in_scope(request.user, region),
            "report": report,
            "frozen": frozen,
            "title": report_title(figures),
            "header": report_header(
                figures,
                generated_by=str(request.user),
                generated_on=timezone.localdate().isoformat(),
            ),
            "sections": report_sections(figures),
            "events": report_events(report=report),
            "deadline": report_deadline(year),
            "days_left": days_left(year=year),
            "may_edit": may_edit and not submitted,
            "may_submit": may_edit and not submitted and region.parent_id is not None,
            "may_return": submitted and report_may_return(request.user, report),
            "form": form,
            "return_form": ReportReturnForm(),
            "has_children": region.children.exists(),
        },
    )


@login_required
@require_POST
def report_submit_view(request, code, year):
    region, year = _region_and_year(request, code, year)
    if not report_may_edit(request.user, region):
        raise PermissionDenied
    try:
        report_submit(region=region, year=year, user=request.user, ip_address=client_ip(request))
    except ReportRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The report is submitted; its figures are frozen as of now."))
    return redirect("reports:detail", code=region.code, year=year)


@login_required
@require_POST
def report_return_view(request, code, year):
    region, year = _region_and_year(request, code, year)
    report = report_find(region=region, year=year)
    if report is None:
        raise Http404
    if not report_may_return(request.user, report):
        raise PermissionDenied
    form = ReportReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ReportRefused(_("Say what should be changed: the comment is required."))
        report_return(
            report=report,
            user=request.user,
            comment=form.cleaned_data["comment"],
            ip_address=client_ip(request),
        )
    except ReportRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The report is returned to %(region)s.") % {"region": region})
    return redirect("reports:detail", code=region.code, year=year)


def _attachment(request, content: bytes, *, fmt: str, filename: str, subject: str):
    audit_log(
        user=request.user,
        action=AuditLog.Action.EXPORT,
        subject=f"{subject} ({fmt})",
        ip_address=client_ip(request),
    )
    content_type = "application/pdf" if fmt == PDF else CONTENT_TYPES[XLSX]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{fmt}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report_download(request, code, year, fmt):
    """The report as PDF or xlsx: a submitted one from its snapshot (audited)."""
    region, year = _region_and_year(request, code, year)
    if fmt not in (PDF, XLSX):
        raise Http404
    report = report_find(region=region, year=year)
    figures, _frozen = report_shown(region=region, year=year, report=report)
    make = report_pdf if fmt == PDF else report_xlsx
    content = make(
        figures=figures,
        generated_by=str(request.user),
        generated_on=timezone.localdate().isoformat(),
    )
    return _attachment(
        request,
        content,
        fmt=fmt,
        filename=_("%(region)s %(year)s annual report") % {"region": region.name, "year": year},
        subject=f"annual report {region.code} {year}",
    )


@login_required
def submissions_view(request, code, year):
    """The sub-regions' reports of the year: submitted or not, and the days left."""
    region, year = _region_and_year(request, code, year)
    return render(
        request,
        "reports/submissions.html",
        {
            "region": region,
            "year": year,
            "submissions": report_submissions(region=region, year=year),
            "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
        },
    )


@login_required
def submissions_download(request, code, year):
    """Every submitted sub-region's report in one workbook, with a summary sheet (audited)."""
    region, year = _region_and_year(request, code, year)
    content = submissions_xlsx(
        submissions=report_submissions(region=region, year=year),
        generated_by=str(request.user),
        generated_on=timezone.localdate().isoformat(),
    )
    return _attachment(
        request,
        content,
        fmt=XLSX,
        filename=_("%(region)s %(year)s annual reports") % {"region": region.name, "year": year},
        subject=f"annual reports below {region.code} {year}",
    )
