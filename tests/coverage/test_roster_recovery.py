"""A roster import outlives a killed worker and finishes exactly once; a broker that refuses the
import's job gives the user a plain message at once, and the import can be started again."""

import datetime
import threading
import time

import pytest
from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

import config.settings.test as test_settings
from coverage.models import AuditLog, Membership, Person, RosterEntry, RosterImport
from coverage.rosters.services import roster_import_commit, roster_import_commit_claim
from coverage.rosters.tasks import roster_import_task
from jobs.models import Job
from jobs.services import jobs_requeue_stale
from tests.factories import JobFactory, MembershipFactory
from tests.helpers.celery_worker import REFUSING_BROKERS, broker_refusing, publish_bound
from tests.helpers.identities import id_number
from tests.helpers.jobs import wait_finished

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "后台任务暂时无法启动，请稍后重试"


@pytest.fixture(autouse=True)
def _uploads_go_where_the_worker_reads(settings):
    # As in test_roster_worker.py: the worker process reads the test settings' MEDIA_ROOT.
    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT
    yield
    for record in RosterImport.objects.exclude(file=""):
        record.file.delete(save=False)


def roster_csv(people: int) -> bytes:
    lines = ["姓名,身份证号,手机号,岗位类别,部门"]
    born = datetime.date(1980, 1, 1)
    for n in range(people):
        number = id_number(
            n % 1000, born=(born + datetime.timedelta(days=n // 1000)).strftime("%Y%m%d")
        )
        lines.append(f"职工{n},{number},,{'一线班组长' if n % 10 else '其他'},一车间")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def previewed(client, admin, people: int, settings) -> RosterImport:
    """An uploaded roster, checked in the request (as a small file is) and ready to commit."""
    settings.ROSTER_IMPORT_SYNC_ROWS = people
    client.force_login(admin.user)
    client.post(
        reverse("coverage:roster_import", kwargs={"credit_code": admin.enterprise.credit_code}),
        {"file": SimpleUploadedFile("花名册.csv", roster_csv(people)), "mode": "add"},
    )
    record = RosterImport.objects.latest("pk")
    assert record.status == RosterImport.Status.PREVIEWED
    settings.ROSTER_IMPORT_SYNC_ROWS = 100  # the commit goes to the worker
    return record


def commit_url(record: RosterImport) -> str:
    return reverse(
        "coverage:roster_import_commit",
        kwargs={"credit_code": record.enterprise.credit_code, "pk": record.pk},
    )


@pytest.mark.worker
def test_an_import_whose_whole_worker_was_killed_is_finished_exactly_once(
    celery_worker_process, client, settings
):
    people = 5_000
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    record = previewed(client, admin, people, settings)

    client.post(commit_url(record))
    job = Job.objects.get()
    # Killed as soon as the import is under way (it takes a second or two in all).
    deadline = time.monotonic() + 120
    while not (job.status == Job.Status.RUNNING and job.done):
        assert time.monotonic() < deadline, job.status
        assert not job.is_finished, job.message
        time.sleep(0.01)
        job.refresh_from_db()
    celery_worker_process.kill()

    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)
    assert record.status == RosterImport.Status.COMMITTING
    assert not RosterEntry.objects.exists()  # the killed transaction left nothing

    celery_worker_process.start()
    # Nothing happens until the job's heartbeat is older than the threshold.
    assert jobs_requeue_stale() == 0
    settings.JOBS_STALE_AFTER_SECONDS = 1
    time.sleep(1.5)
    assert jobs_requeue_stale() == 1

    job = wait_finished(job, timeout=180)
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.attempts == 2

    assert job.result["created"] == people
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED
    assert RosterEntry.objects.filter(enterprise=admin.enterprise).count() == people
    assert Person.objects.count() == people
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1

    # The killed run's message, handed out again by the broker much later, changes nothing.
    current_app.send_task(roster_import_task.name, kwargs=job.kwargs, task_id=str(job.pk))
    log = celery_worker_process.log_path
    deadline = time.monotonic() + 60
    while f"coverage.roster_import[{job.pk}] ignored" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    assert RosterEntry.objects.filter(enterprise=admin.enterprise).count() == people
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1


def test_an_import_interrupted_too_often_fails_and_can_be_committed_again(client, settings):
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    record = previewed(client, admin, 3, settings)
    RosterImport.objects.filter(pk=record.pk).update(status=RosterImport.Status.COMMITTING)
    job = JobFactory(
        user=admin.user,
        task_name=roster_import_task.name,
        title="导入",
        kwargs={"import_id": record.pk, "mode": "add", "commit": True, "user_id": admin.user.pk},
        status=Job.Status.RUNNING,
        run_id="lost-run",
        attempts=settings.JOBS_MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )

    assert jobs_requeue_stale() == 0

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"{settings.JOBS_MAX_ATTEMPTS}次" in job.message
    record.refresh_from_db()
    assert record.status == RosterImport.Status.PREVIEWED
    assert not RosterEntry.objects.exists()


@pytest.mark.parametrize("broker", REFUSING_BROKERS)
def test_broker_down_at_upload_and_commit_gives_a_plain_message(client, settings, tmp_path, broker):
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    client.force_login(admin.user)
    upload_url = reverse(
        "coverage:roster_import", kwargs={"credit_code": admin.enterprise.credit_code}
    )
    settings.ROSTER_IMPORT_SYNC_ROWS = 2

    with broker_refusing(broker, tmp_path):
        started = time.monotonic()
        response = client.post(
            upload_url, {"file": SimpleUploadedFile("花名册.csv", roster_csv(5)), "mode": "add"}
        )
        took = time.monotonic() - started

    assert took < publish_bound()
    assert response.status_code == 200
    assert REFUSED in response.text
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and REFUSED in job.message
    upload = RosterImport.objects.get()
    assert upload.status == RosterImport.Status.FAILED and REFUSED in upload.error

    # The same file checked, then its commit refused: the import can be committed again.
    record = previewed(client, admin, 5, settings)
    settings.ROSTER_IMPORT_SYNC_ROWS = 2
    with broker_refusing(broker, tmp_path):
        started = time.monotonic()
        response = client.post(commit_url(record), follow=True)
        took = time.monotonic() - started

    assert took < publish_bound()
    assert response.status_code == 200
    assert REFUSED in response.text
    assert Job.objects.filter(status=Job.Status.FAILED).count() == 2
    assert not Job.objects.exclude(status=Job.Status.FAILED).exists()
    record.refresh_from_db()
    assert record.status == RosterImport.Status.PREVIEWED
    assert not RosterEntry.objects.exists()


def test_two_runs_committing_one_import_at_once_apply_it_once(client, settings):
    # What a requeued run and a late redelivery of the dead one would do if both got through:
    # the import's row is locked in the saving transaction and its status read again there.
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    record = previewed(client, admin, 300, settings)
    assert roster_import_commit_claim(record=record)
    start = threading.Barrier(2)
    results, errors = [], []

    def commit() -> None:
        try:
            start.wait()
            mine = RosterImport.objects.select_related("enterprise").get(pk=record.pk)
            results.append(roster_import_commit(record=mine, user=admin.user).counts())
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    runs = [threading.Thread(target=commit) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=120)

    assert not errors
    assert results[0] == results[1]
    assert results[0]["created"] == 300
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED
    assert RosterEntry.objects.count() == Person.objects.count() == 300
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1
