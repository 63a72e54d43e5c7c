"""Regulators' pages for a region's yearly key designations: the list, add, change the
reason, remove, and the import from a file with its template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.audit.client_ip import client_ip
from coverage.audit.exports import CONTENT_TYPES, XLSX
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
    regulator_memberships,
)
from coverage.rosters.files import RosterFileError


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
    form = DesignationUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = designations_import(
                user=request.user, file=upload, filename=upload.name, ip_address=client_ip(request)
            )
        except RosterFileError as error:
            form.add_error("file", str(error))
        else:
            if result.imported:
                messages.success(
                    request,
                    _("Designations imported: %(created)s added, %(updated)s replaced.")
                    % {"created": result.created, "updated": result.updated},
                )
                home = regulator_memberships(request.user).first()
                if home is not None:
                    return redirect("coverage:designation_list", code=home.region.code)
                return redirect("coverage:designation_import")
    return render(request, "coverage/designation_import.html", {"form": form, "result": result})


@login_required
def designation_template(request):
    _regulator_only(request)
    response = HttpResponse(designation_template_bytes(), content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="重点行业企业项目认定模板.xlsx"
    )
    return response
