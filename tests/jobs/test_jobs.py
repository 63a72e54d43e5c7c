import pytest
from django.urls import reverse

from jobs.models import Job
from jobs.services import job_start
from jobs.tasks import prune_finished_jobs, worker_ping
from tests.factories import JobFactory, UserFactory
from tests.helpers.jobs import wait_finished
from tests.jobs.tasks_for_tests import count_to, crash, refuse

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_answers_a_task_through_the_broker(celery_worker_process):
    result = worker_ping.delay().get(timeout=60)
    assert result["hostname"]


def test_job_runs_on_the_worker_and_its_owner_sees_progress_and_result(
    celery_worker_process, client
):
    owner = UserFactory()
    job = job_start(user=owner, task=count_to, title="数到五", kwargs={"n": 5})
    job = wait_finished(job)

    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"counted": 5}
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.started_at <= job.finished_at

    client.force_login(owner)
    status = client.get(reverse("jobs:status", kwargs={"pk": job.pk})).json()
    assert status["status"] == "succeeded"
    assert status["percent"] == 100
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "数到五" in page.text


def test_someone_elses_job_is_not_found(celery_worker_process, client):
    job = job_start(user=UserFactory(), task=count_to, title="别人的任务", kwargs={"n": 1})
    client.force_login(UserFactory())
    assert client.get(reverse("jobs:status", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(job.get_absolute_url()).status_code == 404


def test_failed_job_shows_the_users_reason_but_hides_internal_errors(celery_worker_process):
    user = UserFactory()
    refused = wait_finished(
        job_start(user=user, task=refuse, title="拒绝", kwargs={"reason": "第3行：身份证号错误"})
    )
    crashed = wait_finished(job_start(user=user, task=crash, title="崩溃", kwargs={}))

    assert refused.status == Job.Status.FAILED
    assert refused.message == "第3行：身份证号错误"
    assert crashed.status == Job.Status.FAILED
    assert "internal detail" not in crashed.message
    assert crashed.message


def test_prune_deletes_only_old_finished_jobs(db):
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory()
    old = JobFactory(
        user=user,
        status=Job.Status.SUCCEEDED,
        finished_at=timezone.now() - timedelta(days=31),
    )
    recent = JobFactory(
        user=user,
        status=Job.Status.FAILED,
        finished_at=timezone.now() - timedelta(days=1),
    )
    running = JobFactory(user=user, status=Job.Status.RUNNING)

    assert prune_finished_jobs() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not Job.objects.filter(pk=old.pk).exists()
