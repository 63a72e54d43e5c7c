"""Jobs whose worker died are queued again, at most JOBS_MAX_ATTEMPTS runs; a broker that
refuses a job fails it with a message for the user. (The roster import through a killed
worker is in tests/coverage/test_roster_recovery.py.)"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import Job
from jobs.services import (
    _heartbeat,
    job_claim,
    job_not_started_message,
    job_start,
    jobs_requeue_stale,
)
from tests.factories import JobFactory, UserFactory
from tests.helpers.celery_worker import REFUSING_BROKERS, broker_refusing, publish_bound
from tests.helpers.jobs import wait_finished
from tests.jobs.tasks_for_tests import count_to

pytestmark = pytest.mark.django_db(transaction=True)

LONG_AGO = timedelta(hours=1)


def lost_job(**fields) -> Job:
    """A job whose run claimed it and then never gave a sign of life again."""
    defaults = {
        "task_name": count_to.name,
        "title": "数到三",
        "kwargs": {"n": 3},
        "status": Job.Status.RUNNING,
        "run_id": "lost-run",
        "attempts": 1,
        "heartbeat_at": timezone.now() - LONG_AGO,
    }
    return JobFactory(**{**defaults, **fields})


@pytest.mark.worker
def test_a_job_whose_worker_died_is_queued_again_and_finishes_once(celery_worker_process):
    job = lost_job()

    assert jobs_requeue_stale() == 1
    assert jobs_requeue_stale() == 0  # queued again once, not once per sweep

    job = wait_finished(job)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"counted": 3}
    assert job.attempts == 2
    assert job.run_id != "lost-run"
    # The dead run's message, handed out again later, no longer matches the job.
    assert not job_claim(run_id="lost-run")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)


def test_a_job_with_a_recent_heartbeat_is_left_alone():
    job = lost_job(heartbeat_at=timezone.now())

    assert jobs_requeue_stale() == 0

    job.refresh_from_db()
    assert (job.status, job.run_id) == (Job.Status.RUNNING, "lost-run")


def test_a_job_interrupted_too_often_fails_with_a_plain_message(settings):
    job = lost_job(attempts=settings.JOBS_MAX_ATTEMPTS)

    assert jobs_requeue_stale() == 0

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.finished_at
    assert f"{settings.JOBS_MAX_ATTEMPTS}次" in job.message
    assert "重新" in job.message


def test_a_run_delivered_again_while_it_runs_is_ignored_and_left_to_the_sweeper():
    # Celery hands a message back when its pool process dies or its broker connection drops,
    # while the first copy may still be working: never two copies of one job at once.
    job = lost_job(attempts=1, heartbeat_at=timezone.now())

    assert not job_claim(run_id="lost-run")

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 1


def test_a_queued_run_is_claimed_once_of_two_deliveries():
    job = lost_job(status=Job.Status.QUEUED, attempts=0, heartbeat_at=None)

    assert job_claim(run_id="lost-run")
    assert not job_claim(run_id="lost-run")

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.attempts == 1


@pytest.mark.worker
def test_a_queued_run_nobody_claimed_is_sent_again_under_the_same_run_id(
    celery_worker_process, settings
):
    # The web process died between recording the job and publishing it: no message exists.
    job = lost_job(
        status=Job.Status.QUEUED,
        attempts=0,
        heartbeat_at=None,
        queued_at=timezone.now() - timedelta(seconds=settings.JOBS_RESEND_AFTER_SECONDS + 1),
    )

    assert jobs_requeue_stale() == 1
    assert jobs_requeue_stale() == 0  # sent once per JOBS_RESEND_AFTER_SECONDS

    job = wait_finished(job)
    assert job.status == Job.Status.SUCCEEDED and job.run_id == "lost-run"
    assert job.attempts == 1


@pytest.mark.slow
def test_the_heartbeat_beats_while_a_long_step_runs(settings):
    settings.JOBS_STALE_AFTER_SECONDS = 1
    job = lost_job(heartbeat_at=timezone.now() - LONG_AGO)

    with _heartbeat("lost-run"):
        time.sleep(2.5)  # one long step that reports no progress

    job.refresh_from_db()
    assert job.heartbeat_at > timezone.now() - timedelta(seconds=2)
    settings.JOBS_STALE_AFTER_SECONDS = 60
    assert jobs_requeue_stale() == 0


@pytest.mark.parametrize("broker", REFUSING_BROKERS)
def test_a_broker_that_refuses_the_job_fails_it_quickly_with_a_message(broker, tmp_path):
    with broker_refusing(broker, tmp_path):
        started = time.monotonic()
        job = job_start(user=UserFactory(), task=count_to, title="数到三", kwargs={"n": 3})
        took = time.monotonic() - started

    assert took < publish_bound()
    assert job.status == Job.Status.FAILED
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == job_not_started_message()
    assert job.finished_at
    # Never picked up by the sweeper as if it were still on its way.
    assert jobs_requeue_stale() == 0


def test_a_job_that_the_broker_refuses_to_queue_again_fails_with_a_message(tmp_path):
    job = lost_job()

    with broker_refusing("redis-down", tmp_path):
        assert jobs_requeue_stale() == 0

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == job_not_started_message()
