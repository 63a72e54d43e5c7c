import contextlib
import logging
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from celery import Task, current_app
from celery.exceptions import Ignore
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from jobs.models import Job

logger = logging.getLogger(__name__)

UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)

# What publishing raises when the broker cannot take the message: kombu's wrapper of the
# transport's connection errors (Redis refused or timed out), or the OS error itself (the
# filesystem transport's queue folder unwritable or its disk full).
BROKER_ERRORS = (BrokerUnavailable, OSError)


class JobError(Exception):
    """A failure whose message is meant for the user who started the job."""


def job_not_started_message() -> str:
    return _("The background job could not be started just now. Please try again in a few minutes.")


def job_interrupted_message(*, attempts: int) -> str:
    return _(
        "The job was interrupted %(attempts)s times (the server restarted or ran out of memory) "
        "and has been stopped. Please start it again; if it stops again, contact support."
    ) % {"attempts": attempts}


def job_start(*, user, task: Task, title: str, kwargs: dict[str, Any], result_url: str = "") -> Job:
    """Record the job and queue its task once the surrounding transaction has committed.

    Views run in autocommit, so the task is queued before this returns: a broker that refuses
    it leaves the returned job failed with a message for the user, not queued forever.
    """
    job_id = uuid.uuid4()
    job = Job.objects.create(
        id=job_id,
        run_id=str(job_id),
        queued_at=timezone.now(),
        user=user,
        task_name=task.name,
        title=title,
        result_url=result_url,
        kwargs=kwargs,
    )
    transaction.on_commit(lambda: _job_publish(job=job, task=task))
    return job


def _job_publish(*, job: Job, task: Task) -> None:
    try:
        # Bounded by CELERY_BROKER_CONNECTION_TIMEOUT and CELERY_TASK_PUBLISH_RETRY_POLICY.
        task.apply_async(kwargs=job.kwargs, task_id=job.run_id)
    except BROKER_ERRORS as error:
        logger.error("Job %s (%s) could not be queued: %r", job.pk, job.task_name, error)
        job_abandon(job=job, message=job_not_started_message())


def job_abandon(*, job: Job, message: str, still: QuerySet | None = None) -> bool:
    """Fail an unfinished job that will not run (again) and let its task undo what waits on it.

    `still` narrows the condition (the sweeper: still stale); False when the job had moved on.
    """
    rows = Job.objects.filter(pk=job.pk) if still is None else still
    failed = rows.filter(run_id=job.run_id, status__in=UNFINISHED).update(
        status=Job.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )
    if not failed:
        return False
    job.status, job.message = Job.Status.FAILED, message[:500]
    task = current_app.tasks.get(job.task_name)
    if isinstance(task, JobTask):
        task.on_abandoned(job)
    return True


def jobs_requeue_stale() -> int:
    """Queue again the running jobs whose worker died (no heartbeat for JOBS_STALE_AFTER_SECONDS)
    and fail those interrupted JOBS_MAX_ATTEMPTS times; send again the queued runs nobody
    claimed for JOBS_RESEND_AFTER_SECONDS; safe to run twice at once."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    requeued = _jobs_resend_unclaimed(now=now)
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale):
        still_stale = Job.objects.filter(
            pk=job.pk, run_id=job.run_id, status=Job.Status.RUNNING, heartbeat_at__lt=stale
        )
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            job_abandon(
                job=job, message=job_interrupted_message(attempts=job.attempts), still=still_stale
            )
            continue
        # A new run id: the dead run's message, should the broker hand it out again later
        # (Redis after its visibility timeout), no longer matches the job and does nothing.
        run_id = str(uuid.uuid4())
        if not still_stale.update(status=Job.Status.QUEUED, run_id=run_id, done=0, queued_at=now):
            continue
        job.run_id = run_id
        try:
            current_app.send_task(job.task_name, kwargs=job.kwargs, task_id=run_id)
        except BROKER_ERRORS as error:
            logger.error("Job %s could not be queued again: %r", job.pk, error)
            job_abandon(job=job, message=job_not_started_message())
        else:
            requeued += 1
    return requeued


def _jobs_resend_unclaimed(*, now) -> int:
    """Send again, under the same run id, the queued runs that no worker claimed for
    JOBS_RESEND_AFTER_SECONDS: the process that was to publish them may have died after
    recording them. The same run id keeps the job's place: whichever copy a worker takes
    first claims the run, the other is ignored (job_claim)."""
    unclaimed = now - timedelta(seconds=settings.JOBS_RESEND_AFTER_SECONDS)
    resent = 0
    for job in Job.objects.filter(status=Job.Status.QUEUED, queued_at__lt=unclaimed):
        if not Job.objects.filter(
            pk=job.pk, run_id=job.run_id, status=Job.Status.QUEUED, queued_at__lt=unclaimed
        ).update(queued_at=now):
            continue
        try:
            current_app.send_task(job.task_name, kwargs=job.kwargs, task_id=job.run_id)
        except BROKER_ERRORS as error:  # still queued: the next sweep tries again
            logger.error("Job %s could not be sent again: %r", job.pk, error)
        else:
            resent += 1
    return resent


def job_claim(*, run_id: str) -> bool:
    """Start the job's current run; False when this delivery is not (or no longer) its run."""
    now = timezone.now()
    # Only a queued run is claimed. A delivery of a run that is already running (Celery hands
    # a message back when its pool process dies or its broker connection drops, while the
    # first copy may still be working) is ignored: the sweeper queues a run whose heartbeat
    # stopped again, under a new run id. Never two copies of one job at once.
    claimed = Job.objects.filter(run_id=run_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        done=0,
        message="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return False
    job = Job.objects.get(run_id=run_id)
    if job.attempts > settings.JOBS_MAX_ATTEMPTS:
        job_abandon(job=job, message=job_interrupted_message(attempts=job.attempts - 1))
        return False
    return True


def job_heartbeat(*, run_id: str) -> None:
    Job.objects.filter(run_id=run_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())


def job_report_progress(*, run_id: str, done: int, total: int, message: str = "") -> None:
    Job.objects.filter(run_id=run_id, status=Job.Status.RUNNING).update(
        done=done, total=total, message=message[:500], heartbeat_at=timezone.now()
    )


def job_mark_succeeded(*, run_id: str, result: Any) -> None:
    Job.objects.filter(run_id=run_id, status=Job.Status.RUNNING).update(
        status=Job.Status.SUCCEEDED, result=result, finished_at=timezone.now(), done=F("total")
    )


def job_mark_failed(*, run_id: str, error: BaseException) -> None:
    if isinstance(error, JobError):
        message = str(error)
    else:
        logger.error("Job run %s failed", run_id, exc_info=error)
        message = _("The job failed unexpectedly. Please try again later or contact support.")
    Job.objects.filter(run_id=run_id, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, message=message[:500], finished_at=timezone.now()
    )


class _Heartbeat(threading.Thread):
    """Beats for the run while its task works. Progress reports beat too, but one step (the
    roster's saving transaction) may outlast the stale threshold; this thread lives exactly
    as long as the worker process, which is what the sweeper needs to know. Celery has no
    per-task heartbeat of its own (its worker heartbeat is per worker, over the broker)."""

    def __init__(self, *, run_id: str):
        super().__init__(name=f"job-heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.interval = max(1, settings.JOBS_STALE_AFTER_SECONDS // 5)
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    job_heartbeat(run_id=self.run_id)
                except DatabaseError as error:
                    # SQLite locked by the task's own long write: the next beat will do.
                    logger.warning("Heartbeat of job run %s not written: %s", self.run_id, error)
        finally:
            connection.close()  # this thread's own connection


@contextlib.contextmanager
def _heartbeat(run_id: str | None) -> Iterator[None]:
    if not run_id:  # called directly, not by a worker
        yield
        return
    beat = _Heartbeat(run_id=run_id)
    beat.start()
    try:
        yield
    finally:
        beat.stopped.set()
        beat.join(timeout=30)


class JobTask(Task):
    """Base class for tasks started through `job_start`: keeps the Job row's status current.

    Tasks call `self.report(done, total)` as they go; whatever they return is the result. A
    delivery that is not the job's current run (a duplicate, a run the sweeper replaced, a
    finished job) is ignored, so a job finishes exactly once.
    """

    def before_start(self, task_id, args, kwargs):
        if not job_claim(run_id=task_id):
            raise Ignore()

    def __call__(self, *args, **kwargs):
        with _heartbeat(self.request.id):
            return super().__call__(*args, **kwargs)

    def report(self, done: int, total: int, message: str = "") -> None:
        job_report_progress(run_id=self.request.id, done=done, total=total, message=message)

    def on_success(self, retval, task_id, args, kwargs):
        job_mark_succeeded(run_id=task_id, result=retval)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_mark_failed(run_id=task_id, error=exc)

    def on_abandoned(self, job: Job) -> None:
        """The job failed without running to its end (never queued, or interrupted too often):
        undo what waits on it. Runs once per job, in whichever process gave up on it."""
