"""Celery finds a part's tasks in its root `tasks.py`: this one imports the sub-packages' tasks
so that the worker registers them (their names stay "coverage.<name>")."""

from coverage.counts.tasks import counts_drift_repair_task, frequency_year_rebuild_task
from coverage.forecast.tasks import region_trends_warm_task
from coverage.private_files.tasks import roster_uploads_expire_task
from coverage.rosters.tasks import roster_import_task
from coverage.sessions.tasks import sessions_verify_ended_task

__all__ = [
    "counts_drift_repair_task",
    "frequency_year_rebuild_task",
    "region_trends_warm_task",
    "roster_import_task",
    "roster_uploads_expire_task",
    "sessions_verify_ended_task",
]
