"""The page on which a regulator uploads a whole table (accident figures, key designations) and
the blank template they fill in: one flow for both, read by the roster file reader, all or
nothing, the result shown on the same page."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from coverage.audit.client_ip import client_ip
from coverage.audit.exports import CONTENT_TYPES, XLSX
from coverage.jurisdiction import regulator_memberships
from coverage.rosters.files import RosterFileError


def template_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def table_upload_page(
    request,
    *,
    form_class,
    table_import: Callable,
    imported_message: Callable[[object], str],
    done_url_name: str,
    page_url_name: str,
    template_name: str,
) -> HttpResponse:
    """Import the uploaded file with `table_import(user=, file=, filename=, ip_address=)`; once
    imported, go to the regulator's own region's page (`done_url_name`, by region code)."""
    form = form_class(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = table_import(
                user=request.user, file=upload, filename=upload.name, ip_address=client_ip(request)
            )
        except RosterFileError as error:
            form.add_error("file", str(error))
        else:
            if result.imported:
                messages.success(request, imported_message(result))
                home = regulator_memberships(request.user).first()
                if home is not None:
                    return redirect(done_url_name, code=home.region.code)
                return redirect(page_url_name)
    return render(request, template_name, {"form": form, "result": result})
