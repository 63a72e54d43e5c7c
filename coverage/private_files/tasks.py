from celery import shared_task

from coverage.private_files.services import roster_uploads_expire


@shared_task(name="coverage.roster_uploads_expire")
def roster_uploads_expire_task() -> int:
    """Periodic (beat): delete roster upload files past retention; safe to rerun."""
    return roster_uploads_expire()
