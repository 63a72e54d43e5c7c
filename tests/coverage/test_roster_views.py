"""The roster import pages: upload → preview → commit, downloads, history, and who may."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from coverage.models import AuditLog, Membership, Person, RosterEntry, RosterImport
from jobs.models import Job
from tests.data.make_roster_files import GBK, NUMERIC
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    RegionFactory,
    RosterImportFactory,
    UserFactory,
)
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def admin():
    return MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)


def url(name, enterprise, **kwargs):
    return reverse(f"coverage:{name}", kwargs={"credit_code": enterprise.credit_code, **kwargs})


def upload(client, enterprise, name, mode="add", content=None):
    content = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        url("roster_import", enterprise),
        {"file": SimpleUploadedFile(name, content), "mode": mode},
    )


def test_upload_shows_a_preview_then_the_commit_applies_it_once(client, admin):
    enterprise = admin.enterprise
    client.force_login(admin.user)
    assert client.get(url("roster_import", enterprise)).status_code == 200

    response = upload(client, enterprise, "roster_numeric_ids.xlsx")

    record = RosterImport.objects.get()
    preview = url("roster_import_preview", enterprise, pk=record.pk)
    assert response.status_code == 302 and response.url == preview
    assert record.status == RosterImport.Status.PREVIEWED
    assert record.counts["created"] == 1 and record.counts["rejected"] == 2
    assert not RosterEntry.objects.exists()
    page = client.get(preview).text
    # The rejected value is masked on screen (and in the database); the owner's rejected-rows
    # file quotes it in full.
    assert "2.2******17" in page and "2.20102E+17" not in page and "Format Cells" in page
    rejected = client.get(url("roster_import_rejected", enterprise, pk=record.pk))
    assert "2.20102E+17" in str(list(load_workbook(io.BytesIO(rejected.content)).active.values))
    assert "Import now" in page

    commit = url("roster_import_commit", enterprise, pk=record.pk)
    assert client.post(commit).status_code == 302
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED
    assert [p.id_number for p in Person.objects.all()] == [NUMERIC[1]]
    entry = RosterEntry.objects.get()
    assert (entry.enterprise, entry.source_import) == (enterprise, record)
    audit = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert audit.user == admin.user and audit.contains_personal_data

    # A second click, or a reload that posts again, changes nothing.
    RosterEntry.objects.update(department="后来改的")
    response = client.post(commit, follow=True)
    assert "already been imported" in response.text
    assert RosterEntry.objects.get().department == "后来改的"
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1
    assert "Import now" not in client.get(preview).text


def test_replace_mode_preview_counts_who_would_leave(client, admin):
    enterprise = admin.enterprise
    client.force_login(admin.user)
    upload(client, enterprise, "roster_gbk.csv")
    client.post(url("roster_import_commit", enterprise, pk=RosterImport.objects.get().pk))
    text = f"姓名,身份证号,岗位类别\r\n张三,{GBK[0]},分管负责人\r\n".encode("gbk")

    upload(client, enterprise, "roster.csv", mode="replace", content=text)

    record = RosterImport.objects.latest("pk")
    assert record.mode == RosterImport.Mode.REPLACE
    assert (record.counts["unchanged"], record.counts["ended"]) == (1, 2)
    assert RosterEntry.objects.filter(end_date__isnull=True).count() == 3


def test_the_rejected_rows_download_as_xlsx_and_the_download_is_audited(client, admin):
    enterprise = admin.enterprise
    client.force_login(admin.user)
    upload(client, enterprise, "roster_formula_names.xlsx")
    record = RosterImport.objects.get()

    response = client.get(url("roster_import_rejected", enterprise, pk=record.pk))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert rows[0] == ["Row", "Name", "ID number", "Column", "Problem"]
    # Each row named by its person (the name as written, made text) and masked ID number.
    assert [r[:4] for r in rows[1:]] == [
        [2, """'=HYPERLINK("http://example.invalid","张三")""", "220102********5016", "姓名"],
        [3, "'+1+1", "220102********5024", "姓名"],
        [4, "'-2+3", "220102********5032", "姓名"],
        [5, "'@SUM(A1)", "220102********5040", "姓名"],
    ]
    assert sheet.title == "Rows not imported"
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    audit = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert audit.rows == 4 and audit.contains_personal_data


def test_an_unusable_file_is_explained_on_the_form(client, admin):
    client.force_login(admin.user)

    response = upload(client, admin.enterprise, "roster.csv", content=b"name,phone\nx,y\n")

    assert response.status_code == 200
    assert "no 身份证号、岗位类别 column" in response.text
    assert RosterImport.objects.get().status == RosterImport.Status.FAILED


def test_an_oversized_upload_is_refused_with_the_limit(client, admin, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1000
    client.force_login(admin.user)

    response = upload(client, admin.enterprise, "roster.csv", content=b"x" * 1001)

    assert response.status_code == 200
    assert "at most 1000" in response.text
    assert not RosterImport.objects.exists()


def test_a_large_file_is_checked_in_the_background(
    client, admin, settings, django_capture_on_commit_callbacks
):
    settings.ROSTER_IMPORT_SYNC_ROWS = 2
    client.force_login(admin.user)

    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, admin.enterprise, "roster_gbk.csv")

    job = Job.objects.get()
    record = RosterImport.objects.get()
    assert response.url == job.get_absolute_url()
    assert job.task_name == "coverage.roster_import"
    assert job.result_url == url("roster_import_preview", admin.enterprise, pk=record.pk)
    assert record.job_id == job.pk and record.status == RosterImport.Status.PENDING
    assert len(callbacks) == 1  # the task is queued once the upload is saved
    assert "being checked" in client.get(job.result_url).text


def test_the_template_downloads_as_xlsx(client):
    client.force_login(UserFactory())

    response = client.get(reverse("coverage:roster_template"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["姓名", "身份证号", "手机号", "岗位类别", "部门"]


def test_history_lists_the_imports_in_a_fixed_number_of_queries(
    client, admin, django_assert_max_num_queries
):
    client.force_login(admin.user)
    history = url("roster_import_history", admin.enterprise)
    for n in range(3):
        RosterImportFactory(
            enterprise=admin.enterprise, uploaded_by=admin.user, filename=f"第{n}批.xlsx"
        )
    client.get(history)  # warm the caches (the session, the footer's plan name)
    # 12 with the header bell's unread count (one query, reminders/)
    with django_assert_max_num_queries(12) as few:
        client.get(history)
    for n in range(3, 20):
        RosterImportFactory(
            enterprise=admin.enterprise, uploaded_by=admin.user, filename=f"第{n}批.xlsx"
        )

    with django_assert_max_num_queries(len(few)):
        response = client.get(history)

    assert response.status_code == 200
    assert "第19批.xlsx" in response.text and "第0批.xlsx" in response.text


def test_another_enterprises_admin_finds_nothing(client, admin):
    enterprise = admin.enterprise
    upload_record = RosterImportFactory(enterprise=enterprise, filename="a.csv")
    stranger = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    client.force_login(stranger.user)

    for page in [
        url("roster_import", enterprise),
        url("roster_import_history", enterprise),
        url("roster_import_preview", enterprise, pk=upload_record.pk),
        url("roster_import_rejected", enterprise, pk=upload_record.pk),
    ]:
        assert client.get(page).status_code == 404, page
    commit = url("roster_import_commit", enterprise, pk=upload_record.pk)
    assert client.post(commit).status_code == 404
    # Their own enterprise's address does not reach someone else's import either.
    own = url("roster_import_preview", stranger.enterprise, pk=upload_record.pk)
    assert client.get(own).status_code == 404


def test_a_regulator_sees_the_history_but_cannot_import(client):
    region = RegionFactory()
    enterprise = EnterpriseFactory(region=region)
    record = RosterImportFactory(
        enterprise=enterprise, filename="a.csv", status=RosterImport.Status.PREVIEWED
    )
    regulator = MembershipFactory(role=Membership.Role.REGULATOR, enterprise=None, region=region)
    client.force_login(regulator.user)

    assert client.get(url("roster_import_history", enterprise)).status_code == 200
    assert client.get(url("roster_import", enterprise)).status_code == 403
    assert upload(client, enterprise, "roster_gbk.csv").status_code == 403
    assert client.get(url("roster_import_preview", enterprise, pk=record.pk)).status_code == 403
    commit = client.post(url("roster_import_commit", enterprise, pk=record.pk))
    assert commit.status_code == 403
    assert RosterImport.objects.count() == 1
    assert not Person.objects.exists()


def test_an_institution_admin_and_a_superuser_may_import(client):
    school = MembershipFactory(role=Membership.Role.INSTITUTION_ADMIN)
    superuser = UserFactory(is_superuser=True)
    for user, enterprise in [(school.user, school.enterprise), (superuser, EnterpriseFactory())]:
        client.force_login(user)
        text = f"姓名,身份证号,岗位类别\r\n张三,{id_number(1)},其他\r\n".encode()
        response = upload(client, enterprise, "roster.csv", content=text)
        assert response.status_code == 302


def test_signed_out_visitors_are_sent_to_sign_in(client, admin):
    response = client.get(url("roster_import", admin.enterprise))
    assert response.status_code == 302 and "login" in response.url


def test_a_preview_finishing_after_the_commit_leaves_the_import_committed(client, admin):
    # A duplicate delivery of the check task, finishing late, must not offer the commit again.
    from coverage.rosters.services import roster_import_check

    enterprise = admin.enterprise
    client.force_login(admin.user)
    upload(client, enterprise, "roster_utf8_bom.csv")
    stale = RosterImport.objects.get()
    client.post(url("roster_import_commit", enterprise, pk=stale.pk))
    assert stale.status == RosterImport.Status.PREVIEWED  # the late check's copy

    roster_import_check(record=stale)

    stale.refresh_from_db()
    assert stale.status == RosterImport.Status.COMMITTED and stale.committed_at
