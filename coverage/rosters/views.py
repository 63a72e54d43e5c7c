"""Roster import pages: upload, preview, commit, rejected rows, template and history."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.audit.exports import CONTENT_TYPES, XLSX, table_export
from coverage.jurisdiction import administers, enterprise_in_scope_or_404, personal_files_visible
from coverage.models import Enterprise, RosterImport
from coverage.rosters import services
from coverage.rosters.checks import rejected_by_row
from coverage.rosters.files import RosterFileError
from coverage.rosters.forms import RosterUploadForm
from coverage.rosters.services import (
    roster_import_check,
    roster_import_commit_claim,
    roster_import_create,
    roster_import_rejected_rows,
    roster_import_rows,
)
from coverage.rosters.tasks import roster_import_task
from coverage.rosters.template import roster_template_bytes
from jobs.models import Job
from jobs.services import job_start

REJECTED_PER_PAGE = 100
HISTORY_PER_PAGE = 25


def _importable_enterprise(request, credit_code: str) -> Enterprise:
    # Outside the user's scope: 404 like a missing one. In scope but only to look at (a
    # regulator): 403, since the page exists and the user may know it does.
    enterprise = enterprise_in_scope_or_404(request.user, credit_code=credit_code)
    if not administers(request.user, enterprise):
        raise PermissionDenied(_("Only the administrators of this organisation import its roster."))
    return enterprise


def _preview_url(roster_import: RosterImport) -> str:
    return reverse(
        "coverage:roster_import_preview",
        kwargs={"credit_code": roster_import.enterprise.credit_code, "pk": roster_import.pk},
    )


def _in_background(request, roster_import: RosterImport, *, commit: bool) -> Job:
    title = _("Importing %(file)s") if commit else _("Checking %(file)s")
    job = job_start(
        user=request.user,
        task=roster_import_task,
        title=title % {"file": roster_import.filename},
        kwargs={
            "import_id": roster_import.pk,
            "mode": roster_import.mode,
            "commit": commit,
            "user_id": request.user.pk,
        },
        result_url=_preview_url(roster_import),
    )
    RosterImport.objects.filter(pk=roster_import.pk).update(job_id=job.pk)
    return job


@login_required
def roster_import_upload(request, credit_code):
    enterprise = _importable_enterprise(request, credit_code)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        roster_import = roster_import_create(
            enterprise=enterprise,
            user=request.user,
            upload=form.cleaned_data["file"],
            mode=form.cleaned_data["mode"],
        )
        try:
            rows = roster_import_rows(record=roster_import)
        except RosterFileError as error:
            form.add_error("file", str(error))
        else:
            if len(rows) <= settings.ROSTER_IMPORT_SYNC_ROWS:
                roster_import_check(record=roster_import, rows=rows)
                return redirect(_preview_url(roster_import))
            job = _in_background(request, roster_import, commit=False)
            if job.status != Job.Status.FAILED:
                return redirect(job)
            # The broker refused the job: say so on the form, which takes the file again.
            messages.error(request, job.message)
    return render(
        request,
        "coverage/roster_import_upload.html",
        {
            "enterprise": enterprise,
            "form": form,
            "max_rows": f"{settings.ROSTER_IMPORT_MAX_ROWS:,}",
            "max_bytes": settings.ROSTER_IMPORT_MAX_BYTES,
        },
    )


@login_required
def roster_import_preview(request, credit_code, pk):
    enterprise = _importable_enterprise(request, credit_code)
    roster_import = get_object_or_404(RosterImport, pk=pk, enterprise=enterprise)
    rejected = Paginator(rejected_by_row(roster_import.rejected), REJECTED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    job = None
    if roster_import.job_id and roster_import.status in (
        RosterImport.Status.PENDING,
        RosterImport.Status.COMMITTING,
    ):
        job = Job.objects.filter(pk=roster_import.job_id, user=request.user).first()
    return render(
        request,
        "coverage/roster_import_preview.html",
        {
            "enterprise": enterprise,
            "roster_import": roster_import,
            "counts": roster_import.counts,
            "rejected": rejected,
            "job": job,
            "sync_rows": settings.ROSTER_IMPORT_SYNC_ROWS,
            "can_download": personal_files_visible(request.user, enterprise),
            "retention_days": settings.ROSTER_UPLOAD_RETENTION_DAYS,
        },
    )


@login_required
@require_POST
def roster_import_commit(request, credit_code, pk):
    enterprise = _importable_enterprise(request, credit_code)
    roster_import = get_object_or_404(RosterImport, pk=pk, enterprise=enterprise)
    # Claimed once: a second click, a reload or a second administrator changes nothing.
    if not roster_import_commit_claim(record=roster_import):
        if roster_import.status == RosterImport.Status.COMMITTED:
            messages.info(request, _("This file has already been imported."))
        return redirect(_preview_url(roster_import))
    if roster_import.counts.get("rows", 0) > settings.ROSTER_IMPORT_SYNC_ROWS:
        job = _in_background(request, roster_import, commit=True)
        if job.status != Job.Status.FAILED:
            return redirect(job)
        # The broker refused the job; the import was released and can be committed again.
        messages.error(request, job.message)
        return redirect(_preview_url(roster_import))
    try:
        result = services.roster_import_commit(record=roster_import, user=request.user)
    except RosterFileError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "The roster has been imported: %(created)s added, %(updated)s updated, "
                "%(ended)s taken off the roster, %(unchanged)s unchanged."
            )
            % result.counts(),
        )
    return redirect(_preview_url(roster_import))


@login_required
def roster_import_rejected(request, credit_code, pk):
    enterprise = _importable_enterprise(request, credit_code)
    roster_import = get_object_or_404(RosterImport, pk=pk, enterprise=enterprise)
    return table_export(
        request=request,
        subject=f"rejected rows of roster import {roster_import.pk} ({enterprise.credit_code})",
        headers=[_("Row"), _("Name"), _("ID number"), _("Column"), _("Problem")],
        # On screen the rejected ID numbers and phones are masked; this file, for the
        # organisation's own administrators (who uploaded them), quotes them in full so that
        # each row can be found and corrected, and the download is audited.
        rows=roster_import_rejected_rows(record=roster_import),
        fmt=XLSX,
        filename=f"rejected-rows-{roster_import.pk}",
        sheet=_("Rows not imported"),
        # The messages quote the offending values, ID numbers among them.
        contains_personal_data=True,
    )


@login_required
def roster_template(request):
    response = HttpResponse(roster_template_bytes(), content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="花名册模板.xlsx"
    )
    return response


@login_required
def roster_import_history(request, credit_code):
    enterprise = enterprise_in_scope_or_404(request.user, credit_code=credit_code)
    imports = (
        enterprise.imports.select_related("uploaded_by")
        .defer("rejected", "flagged", "notes")  # up to a row each per line of the file
        .order_by("-created_at", "-pk")
    )
    page = Paginator(imports, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "coverage/roster_import_history.html",
        {
            "enterprise": enterprise,
            "page": page,
            "can_import": administers(request.user, enterprise),
            "can_download": personal_files_visible(request.user, enterprise),
            "retention_days": settings.ROSTER_UPLOAD_RETENTION_DAYS,
        },
    )
