"""Downloads and retention of the private files (roster uploads, training evidence)."""

import datetime

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from coverage.models import AuditLog, RosterImport
from coverage.services import audit_log


def private_file_download(*, user, file: FieldFile, subject: str, ip_address: str | None) -> File:
    """Open a private file's plaintext for the user and audit it; FileNotFoundError if gone."""
    handle = file.storage.open(file.name, "rb")
    audit_log(
        user=user,
        action=AuditLog.Action.DOWNLOAD,
        subject=subject,
        contains_personal_data=True,
        ip_address=ip_address,
    )
    return handle


def roster_uploads_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of roster imports past retention (counted from the commit, or from the
    upload when never committed); the import records stay, marked. Returns files deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ROSTER_UPLOAD_RETENTION_DAYS)
    committed = Q(status=RosterImport.Status.COMMITTED)
    expired = (
        RosterImport.objects.exclude(file="")
        .filter((committed & Q(committed_at__lt=cutoff)) | (~committed & Q(created_at__lt=cutoff)))
        .only("pk", "file")
    )
    deleted = 0
    for record in expired.iterator():
        # The file goes first: a record that still named a deleted file only shows "gone",
        # whereas a file whose record was cleared first would never be deleted.
        record.file.storage.delete(record.file.name)
        RosterImport.objects.filter(pk=record.pk).update(file="", file_deleted_at=now)
        deleted += 1
    return deleted


def public_uploads_adopt(*, model, field: str, now: datetime.datetime | None = None) -> int:
    """Move the files a `model` names in `field` that still lie in public media (uploaded
    before the private store existed) into the private store, encrypted under a random name,
    and delete the plaintext; a name found nowhere is cleared. Works on historical models
    (the data migration); returns the files moved. Safe to run twice."""
    from django.core.files.storage import FileSystemStorage, storages

    public, private = FileSystemStorage(location=settings.MEDIA_ROOT), storages["private"]
    clear = {field: ""}
    if any(f.name == "file_deleted_at" for f in model._meta.fields):
        clear["file_deleted_at"] = now or timezone.now()
    moved = 0
    for pk, name in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
        if private.exists(name):
            continue
        if not public.exists(name):
            model.objects.filter(pk=pk).update(**clear)
            continue
        with public.open(name, "rb") as plaintext:
            stored = private.save(private.generate_filename(name), File(plaintext, name=name))
        model.objects.filter(pk=pk).update(**{field: stored})
        public.delete(name)
        moved += 1
    return moved
