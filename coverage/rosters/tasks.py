from celery import shared_task
from django.contrib.auth import get_user_model

from coverage.models import RosterImport
from coverage.rosters.files import RosterFileError
from coverage.rosters.services import (
    roster_import_check,
    roster_import_commit,
    roster_import_release,
)
from jobs.services import JobError, JobTask


class RosterImportTask(JobTask):
    def on_abandoned(self, job) -> None:
        roster_import_release(import_id=job.kwargs["import_id"], error=job.message)


@shared_task(bind=True, base=RosterImportTask, name="coverage.roster_import", acks_late=True)
def roster_import_task(
    self, import_id: int, mode: str, commit: bool, user_id: int | None = None
) -> dict:
    """Check (preview) or commit a stored roster file; safe to run twice."""
    roster_import = RosterImport.objects.select_related("enterprise").get(pk=import_id)
    if roster_import.mode != mode and roster_import.status != RosterImport.Status.COMMITTED:
        roster_import.mode = mode
        roster_import.save(update_fields=["mode"])
    try:
        if commit:
            result = roster_import_commit(
                record=roster_import, user=_user(user_id), progress=self.report
            )
        else:
            result = roster_import_check(record=roster_import, progress=self.report)
    except RosterFileError as error:
        raise JobError(str(error)) from error
    return result.counts()


def _user(user_id: int | None):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None
