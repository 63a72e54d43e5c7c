"""Downloads of private files: only through these views, which ask coverage.jurisdiction and
write the audit log. The bytes are decrypted here and streamed by Django; nginx's
X-Accel-Redirect cannot serve them, since the stored files are ciphertext."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from coverage.audit.client_ip import client_ip
from coverage.jurisdiction import enterprise_files_or_404, person_files_visible
from coverage.models import RosterImport, TrainingRecord
from coverage.private_files.services import private_file_download


def _attachment(request, *, file, filename: str, subject: str) -> FileResponse:
    try:
        handle = private_file_download(
            user=request.user, file=file, subject=subject, ip_address=client_ip(request)
        )
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/octet-stream"
    )
    response["Content-Length"] = file.storage.size(file.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def roster_upload_download(request, credit_code: str, pk: int) -> FileResponse:
    # Anonymous visitors get the same 404 as other organisations (no sign-in redirect that
    # would confirm the address).
    enterprise = enterprise_files_or_404(request.user, credit_code=credit_code)
    record = get_object_or_404(RosterImport.objects.exclude(file=""), pk=pk, enterprise=enterprise)
    return _attachment(
        request,
        file=record.file,
        filename=record.filename,
        subject=f"roster upload {record.pk} {enterprise.credit_code} {record.filename}",
    )


def training_evidence_download(request, pk: int) -> FileResponse:
    record = get_object_or_404(
        TrainingRecord.objects.exclude(evidence="").select_related("person"), pk=pk
    )
    if not person_files_visible(request.user, record.person):
        raise Http404
    return _attachment(
        request,
        file=record.evidence,
        filename=record.evidence_filename or f"evidence-{record.pk}",
        subject=f"training evidence {record.pk} of person {record.person_id}",
    )
