"""Regulators' pages for a region's yearly key designations: the list, add, change the
reason, remove, and the import from a file with its template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.audit.client_ip import client_ip
from coverage.designations.forms import DesignationForm, DesignationUploadForm
from coverage.designations.selectors import designations_in_force, designations_of_region
from coverage.designations.services import (
    designation_add,
    designation_change,
    designation_remove,
    designations_import,
)
from coverage.designations.template import designation_template_bytes
from coverage.jurisdiction import (
    designation_in_scope_or_404,
    is_regulator,
    region_ancestors_in_scope,
    region_in_scope_or_404,
)
from coverage.table_uploads import table_upload_page, template_download


def _year(value: str | None) -> int:
    this_year = timezone.localdate().year
    return int(value) if value and value.isdigit() and 2000 <= int(value) <= 2100 else this_year


def _list_url(designation_or_region, year: int) -> str:
    region = getattr(designation_or_region, "region", designation_or_region)
    return f"{reverse('coverage:designation_list', kwargs={'code': region.code})}?year={year}"


@login_required
def designation_list(request, code):
    region = region_in_scope_or_404(request.user, code=code)
    year = _year(request.GET.get("year"))
    return render(
        request,
        "coverage/designation_list.html",
        {
            "region": region,
            "ancestors": region_ancestors_in_scope(request.user, region),
            "year": year,
            "years": range(year - 2, year + 2),
            "designations": designations_of_region(region=region, year=year),
            "from_above": designations_in_force(region=region, year=year),
        },
    )


@login_required
def designation_create(request, code):
    region = region_in_scope_or_404(request.user, code=code)
    year = _year(request.GET.get("year"))
    form = DesignationForm(request.POST or None, region=region, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        designation = designation_add(
            user=request.user, spec=form.spec, ip_address=client_ip(request)
        )
        messages.success(request, _("Designated: %(what)s.") % {"what": designation.subject})
        return redirect(_list_url(region, designation.year))
    return render(
        request,
        "coverage/designation_form.html",
        {"form": form, "region": region, "year": year, "designation": None},
    )


@login_required
def designation_edit(request, pk):
    designation = designation_in_scope_or_404(request.user, pk=pk)
    form = DesignationForm(request.POST or None, region=designation.region, designation=designation)
    if request.method == "POST" and form.is_valid():
        designation_change(
            user=request.user,
            designation=designation,
            spec=form.spec,
            ip_address=client_ip(request),
        )
        messages.success(request, _("Reason saved."))
        return redirect(_list_url(designation, designation.year))
    return render(
        request,
        "coverage/designation_form.html",
        {
            "form": form,
            "region": designation.region,
            "year": designation.year,
            "designation": designation,
        },
    )


@login_required
@require_POST
def designation_delete(request, pk):
    designation = designation_in_scope_or_404(request.user, pk=pk)
    url = _list_url(designation, designation.year)
    designation_remove(user=request.user, designation=designation, ip_address=client_ip(request))
    messages.success(request, _("Designation removed."))
    return redirect(url)


def _regulator_only(request) -> None:
    if not is_regulator(request.user):
        raise PermissionDenied(_("Only regulators designate key industries and enterprises."))


@login_required
def designation_import(request):
    _regulator_only(request)
    return table_upload_page(
        request,
        form_class=DesignationUploadForm,
        table_import=designations_import,
        imported_message=lambda result: (
            _("Designations imported: %(created)s added, %(updated)s replaced.")
            % {"created": result.created, "updated": result.updated}
        ),
        done_url_name="coverage:designation_list",
        page_url_name="coverage:designation_import",
        template_name="coverage/designation_import.html",
    )


@login_required
def designation_template(request):
    _regulator_only(request)
    return template_download(designation_template_bytes(), "重点行业企业项目认定模板.xlsx")
