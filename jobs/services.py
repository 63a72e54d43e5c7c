import logging
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the user who started the job."""


def job_start(*, user, task: Task, title: str, kwargs: dict[str, Any], result_url: str = "") -> Job:
    """Record the job and queue its task once the surrounding transaction has committed."""
    job = Job.objects.create(user=user, task_name=task.name, title=title, result_url=result_url)
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, task_id=str(job.pk)))
    return job


def job_mark_running(*, job_id: str) -> None:
    # A retried task (worker lost, redelivered) starts again from zero.
    Job.objects.filter(pk=job_id).exclude(status=Job.Status.SUCCEEDED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), done=0, message=""
    )


def job_report_progress(*, job_id: str, done: int, total: int, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(done=done, total=total, message=message[:500])


def job_mark_succeeded(*, job_id: str, result: Any) -> None:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED, result=result, finished_at=timezone.now(), done=F("total")
    )


def job_mark_failed(*, job_id: str, error: BaseException) -> None:
    if isinstance(error, JobError):
        message = str(error)
    else:
        logger.error("Job %s failed", job_id, exc_info=error)
        message = _("The job failed unexpectedly. Please try again later or contact support.")
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


class JobTask(Task):
    """Base class for tasks started through `job_start`: keeps the Job row's status current.

    Tasks call `self.report(done, total)` as they go; whatever they return is the result.
    """

    def before_start(self, task_id, args, kwargs):
        job_mark_running(job_id=task_id)

    def report(self, done: int, total: int, message: str = "") -> None:
        job_report_progress(job_id=self.request.id, done=done, total=total, message=message)

    def on_success(self, retval, task_id, args, kwargs):
        job_mark_succeeded(job_id=task_id, result=retval)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_mark_failed(job_id=task_id, error=exc)
