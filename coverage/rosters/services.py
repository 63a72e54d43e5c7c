"""The roster import: check every row (`coverage.rosters.checks`), then apply all valid rows
in one transaction (`coverage.rosters.bulk`); and the stored-upload workflow around it.

Set-based so that a province-sized file stays fast: people are found by keyed hash in
chunks, created and updated in bulk, and only new people cost a (Fernet) encryption each.
"""

from collections.abc import Callable
from dataclasses import asdict

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.counts.maintain import enterprises_recount
from coverage.models import (
    AuditLog,
    Enterprise,
    RosterImport,
)
from coverage.pii import pii_decrypt
from coverage.rosters.bulk import (
    active_entries,
    flags_find,
    people_create,
    people_known,
    people_new,
    plan_apply,
    plan_make,
)
from coverage.rosters.checks import ImportResult, rows_check
from coverage.rosters.files import (
    RosterFileError,
    RosterRow,
    read_roster,
)
from coverage.services import audit_log

Progress = Callable[[int, int, str], None]


def roster_import(
    *,
    enterprise: Enterprise,
    rows: list[RosterRow],
    mode: str,
    dry_run: bool = False,
    source_import: RosterImport | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row, then apply the valid ones in one transaction; re-applying changes nothing.

    "replace" also ends (history kept) the active entries of people not in the file. A role
    change ends the old entry and starts a new one; name, phone and department are updated in
    place. With `source_import`, the result is stored on it and a second commit does nothing.
    """
    if mode not in RosterImport.Mode.values:
        raise ValueError(f"unknown import mode {mode!r}")
    report = progress or _no_progress
    total = len(rows)
    steps = 2 if dry_run else 3
    checked = rows_check(rows, report=lambda done: report(done, steps * total, _("Checking rows")))
    report(total, steps * total, _("Looking up people"))
    known = people_known(
        {v.id_hash for v in checked.valid} | checked.present_hashes,
        phones_of={v.id_hash for v in checked.valid if v.phone},
    )
    flagged = flags_find(checked.valid, known, enterprise)
    if dry_run:
        result = plan_make(enterprise, checked, known, active_entries(enterprise), mode).result
        result.flagged, result.rows = flagged, total
        report(steps * total, steps * total, _("Checked"))
        return result

    new_people = people_new(
        [v for v in checked.valid if v.id_hash not in known],
        report=lambda done: report(total + done, steps * total, _("Preparing new people")),
    )
    # Progress cannot be seen from inside the transaction (nobody else reads uncommitted
    # rows), so the last report before it says what the wait is for.
    report(2 * total, steps * total, _("Saving the roster"))
    with transaction.atomic():
        if source_import is not None:
            locked = RosterImport.objects.select_for_update().get(pk=source_import.pk)
            if locked.status == RosterImport.Status.COMMITTED:
                return ImportResult.from_import(locked)
        # One import per roster at a time: the second waits and then sees the first's result.
        # NO KEY UPDATE: rows referring to the enterprise (the maintained counts a concurrent
        # departure writes) still take their key-share lock, so no deadlock at their commit.
        list(
            Enterprise.objects.select_for_update(no_key=True)
            .filter(pk=enterprise.pk)
            .values_list("pk")
        )
        fresh = people_create(new_people)
        known.update(fresh)
        plan = plan_make(enterprise, checked, known, active_entries(enterprise), mode, fresh=fresh)
        plan_apply(plan, source_import=source_import)
        # The people whose entries changed are locked (people_known, plan_apply): recounting
        # the roster keeps the maintained coverage exact (coverage/counts/).
        enterprises_recount([enterprise.pk], lock_people=False)
        result = plan.result
        result.flagged, result.rows = flagged, total
        if source_import is not None:
            _result_store(source_import, result, status=RosterImport.Status.COMMITTED)
    report(steps * total, steps * total, _("Saved"))
    return result


def _no_progress(done: int, total: int, message: str = "") -> None:
    pass


def _result_store(
    roster_import: RosterImport, result: ImportResult, *, status: str, only_from=None
) -> bool:
    """Store the result; with `only_from`, only while the import's status is one of those
    (one conditional UPDATE), so a late preview never turns a committed import back."""
    values = {
        "status": status,
        "counts": result.counts(),
        "rejected": [r.stored() for r in result.rejected],
        "flagged": [asdict(f) for f in result.flagged],
        "notes": result.notes,
        "error": "",
    }
    if status == RosterImport.Status.COMMITTED:
        values["committed_at"] = timezone.now()
    rows = RosterImport.objects.filter(pk=roster_import.pk)
    if only_from is not None:
        rows = rows.filter(status__in=only_from)
    if not rows.update(**values):
        return False
    for name, value in values.items():
        setattr(roster_import, name, value)
    return True


# The stored-upload workflow: upload → check (preview) → commit, used by the views, the
# Celery task and the command line alike.


def roster_import_create(
    *, enterprise: Enterprise, user, upload: UploadedFile, mode: str
) -> RosterImport:
    """Store an uploaded roster file, not yet checked."""
    return RosterImport.objects.create(
        enterprise=enterprise,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        file=upload,
        filename=upload.name[:255],
        mode=mode,
    )


def roster_import_rows(*, record: RosterImport) -> list[RosterRow]:
    """The stored file's rows; an unusable file marks the import failed and raises."""
    try:
        if not record.file:
            raise RosterFileError(
                _(
                    "The uploaded file has been deleted (files are kept %(days)s days). "
                    "Upload the roster again."
                )
                % {"days": settings.ROSTER_UPLOAD_RETENTION_DAYS}
            )
        with record.file.open("rb") as handle:
            return read_roster(handle, filename=record.filename)
    except RosterFileError as error:
        RosterImport.objects.filter(pk=record.pk).exclude(
            status=RosterImport.Status.COMMITTED
        ).update(status=RosterImport.Status.FAILED, error=str(error)[:500])
        record.status, record.error = RosterImport.Status.FAILED, str(error)[:500]
        raise


def roster_import_rejected_rows(*, record: RosterImport) -> list[tuple[int, str, str, str, str]]:
    """(row, name, masked ID number, column, problem) of the rejected rows, one per problem,
    quoting the rejected values in full."""
    return [
        (
            item["row"],
            item.get("name", ""),
            item.get("id_masked", ""),
            item["column"],
            pii_decrypt(item["message_encrypted"])
            if item.get("message_encrypted")
            else item["message"],
        )
        for item in record.rejected
    ]


def roster_import_check(
    *,
    record: RosterImport,
    rows: list[RosterRow] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Preview the stored file (a dry run) and store the result on the import."""
    if record.status == RosterImport.Status.COMMITTED:
        return ImportResult.from_import(record)
    if rows is None:
        rows = roster_import_rows(record=record)
    result = roster_import(
        enterprise=record.enterprise,
        rows=rows,
        mode=record.mode,
        dry_run=True,
        progress=progress,
    )
    if not _result_store(
        record,
        result,
        status=RosterImport.Status.PREVIEWED,
        only_from=[RosterImport.Status.PENDING, RosterImport.Status.PREVIEWED],
    ):
        # Committed (or being committed) meanwhile, e.g. by a duplicate delivery of the check.
        record.refresh_from_db()
        return ImportResult.from_import(record)
    return result


def roster_import_commit(
    *,
    record: RosterImport,
    user=None,
    rows: list[RosterRow] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Apply the stored file; a second commit of the same import changes nothing."""
    if record.status == RosterImport.Status.COMMITTED:
        return ImportResult.from_import(record)
    try:
        if rows is None:
            rows = roster_import_rows(record=record)
        result = roster_import(
            enterprise=record.enterprise,
            rows=rows,
            mode=record.mode,
            source_import=record,
            progress=progress,
        )
    except Exception:
        # Nothing was applied: let the user try the commit again.
        RosterImport.objects.filter(pk=record.pk, status=RosterImport.Status.COMMITTING).update(
            status=RosterImport.Status.PREVIEWED
        )
        raise
    # The in-memory import turns committed only when this call applied the rows; a commit
    # that found the import already committed leaves it as it was.
    applied = record.status == RosterImport.Status.COMMITTED
    record.refresh_from_db()
    if applied:
        audit_log(
            user=user,
            action=AuditLog.Action.IMPORT,
            subject=f"{record.enterprise.credit_code} {record.filename}",
            rows=result.created + result.updated + result.ended,
            contains_personal_data=True,
        )
    return result


def roster_import_commit_claim(*, record: RosterImport) -> bool:
    """Mark a previewed import as being committed; False when it is already on its way."""
    claimed = RosterImport.objects.filter(
        pk=record.pk, status=RosterImport.Status.PREVIEWED
    ).update(status=RosterImport.Status.COMMITTING)
    if claimed:
        record.status = RosterImport.Status.COMMITTING
    return bool(claimed)


def roster_import_release(*, import_id: int, error: str) -> None:
    """Its background job will not run: a claimed commit can be started again, an upload
    never checked is failed with the reason."""
    RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.COMMITTING).update(
        status=RosterImport.Status.PREVIEWED
    )
    RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.PENDING).update(
        status=RosterImport.Status.FAILED, error=error[:500]
    )
