import datetime
import socket

from celery import shared_task
from django.utils import timezone

from jobs.models import Job
from jobs.services import jobs_requeue_stale

FINISHED_JOBS_KEPT_FOR = datetime.timedelta(days=30)


@shared_task(name="jobs.worker_ping", acks_late=False)
def worker_ping() -> dict:
    """Answers from a worker: proves the broker delivers and a worker consumes."""
    return {"hostname": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task(name="jobs.prune_finished")
def prune_finished_jobs() -> int:
    """Delete finished jobs older than 30 days (run daily by beat); safe to run twice."""
    cutoff = timezone.now() - FINISHED_JOBS_KEPT_FOR
    deleted, _ = Job.objects.filter(
        status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted


@shared_task(name="jobs.requeue_stale")
def jobs_requeue_stale_task() -> int:
    """Queue again the jobs whose worker died (beat, every minute); safe to run twice."""
    return jobs_requeue_stale()
