"""A large roster file through the real Celery worker: checked, previewed, then committed."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from coverage.models import Membership, Person, RosterEntry, RosterImport
from jobs.models import Job
from tests.factories import MembershipFactory, RosterImportFactory
from tests.helpers.identities import id_number

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _uploads_removed():
    # Uploads go to the run's private store, which the worker process shares; what the test
    # stored there is removed afterwards.
    yield
    for record in RosterImport.objects.exclude(file=""):
        record.file.delete(save=False)


def finished(job: Job, timeout: float = 90) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout}s")


def test_a_large_roster_is_checked_and_imported_by_the_worker_with_progress(
    celery_worker_process, client, settings
):
    settings.ROSTER_IMPORT_SYNC_ROWS = 100
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    enterprise = admin.enterprise
    client.force_login(admin.user)
    client.cookies["django_language"] = "en"
    lines = ["姓名,身份证号,手机号,岗位类别,部门"]
    for n in range(1, 1200):
        number = id_number(n % 1000, born="19800101" if n < 1000 else "19810101")
        lines.append(f"职工{n},{number},,{'一线班组长' if n % 10 else '其他'},一车间")
    lines.append("坏行,2.20102E+17,,其他,")
    content = ("\r\n".join(lines) + "\r\n").encode("gbk")

    response = client.post(
        reverse("coverage:roster_import", kwargs={"credit_code": enterprise.credit_code}),
        {"file": SimpleUploadedFile("花名册.csv", content), "mode": "add"},
    )

    check = finished(Job.objects.get())
    assert response.url == check.get_absolute_url()
    assert check.status == Job.Status.SUCCEEDED, check.message
    assert check.done == check.total == 2 * 1200
    record = RosterImport.objects.get()
    assert record.status == RosterImport.Status.PREVIEWED
    assert (record.counts["created"], record.counts["rejected"]) == (1199, 1)
    assert record.rejected[0]["row"] == 1201
    assert not Person.objects.exists()
    with translation.override("en"):
        preview = client.get(check.result_url)
    assert "1199" in preview.text and "Import now" in preview.text

    commit = client.post(
        reverse(
            "coverage:roster_import_commit",
            kwargs={"credit_code": enterprise.credit_code, "pk": record.pk},
        )
    )

    job = finished(Job.objects.exclude(pk=check.pk).get())
    assert commit.url == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["created"] == 1199
    assert job.done == job.total == 3 * 1200
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED
    assert RosterEntry.objects.filter(enterprise=enterprise, end_date__isnull=True).count() == 1199
    assert Person.objects.count() == 1199


def test_an_unusable_file_fails_the_job_with_the_reason(celery_worker_process):
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    record = RosterImportFactory(
        enterprise=admin.enterprise,
        uploaded_by=admin.user,
        filename="坏.csv",
        file=SimpleUploadedFile("坏.csv", "姓名,电话\n张三,1\n".encode()),
    )
    from coverage.rosters.tasks import roster_import_task
    from jobs.services import job_start

    job = finished(
        job_start(
            user=admin.user,
            task=roster_import_task,
            title="检查",
            kwargs={"import_id": record.pk, "mode": "add", "commit": False},
        )
    )

    assert job.status == Job.Status.FAILED
    assert "身份证号" in job.message
    record.refresh_from_db()
    assert record.status == RosterImport.Status.FAILED and "身份证号" in record.error
