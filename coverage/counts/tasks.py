from celery import shared_task

from coverage.counts.maintain import frequency_year_rebuild
from coverage.counts.recount import drift_repair


@shared_task(name="coverage.counts_drift_repair")
def counts_drift_repair_task() -> dict:
    """Nightly: the maintained coverage against a full recount (drift logged and repaired)."""
    return {drift.target.code: drift.total for drift in drift_repair()}


@shared_task(name="coverage.frequency_year_rebuild")
def frequency_year_rebuild_task() -> list[str]:
    """00:05 on 1 January: the frequency targets count the new year."""
    return [target.code for target in frequency_year_rebuild()]
