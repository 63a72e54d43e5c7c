"""Private files: roster uploads and training evidence encrypted under random names, served
only to whom jurisdiction allows, and roster uploads deleted after the retention period."""

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coverage.models import AuditLog, Membership, RosterImport, TrainingRecord
from coverage.pii import _fernet, pii_lookup_hash
from coverage.private_files.storage import CHUNK
from coverage.private_files.tasks import roster_uploads_expire_task
from coverage.rosters.services import roster_import_check, roster_import_commit
from coverage.services import training_record
from media.serving.views import media_serve
from tests.factories import MembershipFactory, RosterImportFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^(roster-imports/\d{4}/\d{2}|training-evidence/\d{4})/[0-9a-f]{32}$")


@pytest.fixture
def private():
    """The private store; what a test saved there is removed afterwards."""
    storage = storages["private"]
    before = _stored_names(storage)
    yield storage
    for name in _stored_names(storage) - before:
        storage.delete(name)


def _stored_names(storage, path: str = "") -> set[str]:
    if not storage.exists(path or "."):
        return set()
    folders, files = storage.listdir(path)
    names = {f"{path}/{name}".lstrip("/") for name in files}
    for folder in folders:
        names |= _stored_names(storage, f"{path}/{folder}".lstrip("/"))
    return names


@pytest.fixture
def admin():
    return MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)


def _roster(*numbers: str) -> bytes:
    lines = ["姓名,身份证号,手机号,岗位类别"]
    lines += [f"职工{n},{number},,一线班组长" for n, number in enumerate(numbers)]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def _upload(client, enterprise, content: bytes, name: str = "张三的花名册.csv"):
    return client.post(
        reverse("coverage:roster_import", kwargs={"credit_code": enterprise.credit_code}),
        {"file": SimpleUploadedFile(name, content), "mode": "add"},
    )


def _download_url(record: RosterImport) -> str:
    return reverse(
        "coverage:private_files:roster_upload",
        kwargs={"credit_code": record.enterprise.credit_code, "pk": record.pk},
    )


def test_an_uploaded_roster_is_stored_encrypted_under_a_random_name_outside_media(
    client, admin, private
):
    number = id_number(701)
    content = _roster(number)
    client.force_login(admin.user)

    _upload(client, admin.enterprise, content)

    record = RosterImport.objects.get()
    assert RANDOM_NAME.match(record.file.name), record.file.name
    assert record.filename == "张三的花名册.csv"
    on_disk = Path(private.inner.path(record.file.name))
    assert on_disk.is_relative_to(settings.PRIVATE_ROOT)
    assert not on_disk.is_relative_to(settings.MEDIA_ROOT)
    stored = on_disk.read_bytes()
    assert number.encode() not in stored and "职工".encode("gbk") not in stored
    assert RosterImport.objects.get().file.open("rb").read() == content
    assert not (Path(settings.MEDIA_ROOT) / "roster-imports").exists()
    # Nor does the media URL (served by Django in development) reach it.
    with pytest.raises(Http404):
        media_serve(RequestFactory().get(f"/media/{record.file.name}"), record.file.name)


def test_the_owner_downloads_the_roster_upload_and_everybody_else_gets_404(client, admin, private):
    content = _roster(id_number(702), id_number(703))
    client.force_login(admin.user)
    _upload(client, admin.enterprise, content)
    record = RosterImport.objects.get()
    address = _download_url(record)
    client.logout()

    assert client.get(address).status_code == 404  # anonymous: no sign-in redirect
    stranger = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    client.force_login(stranger.user)
    assert client.get(address).status_code == 404
    # A regulator over the region works with masked data (coverage.jurisdiction): 404 too.
    regulator = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=admin.enterprise.region
    )
    client.force_login(regulator.user)
    assert client.get(address).status_code == 404
    assert not AuditLog.objects.filter(action=AuditLog.Action.DOWNLOAD).exists()

    client.force_login(admin.user)
    response = client.get(address)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%BC%A0" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    audit = AuditLog.objects.get(action=AuditLog.Action.DOWNLOAD)
    assert audit.user == admin.user and audit.contains_personal_data
    # The history and preview pages link the download for the owner only.
    history = reverse(
        "coverage:roster_import_history", kwargs={"credit_code": admin.enterprise.credit_code}
    )
    assert address in client.get(history).text
    client.force_login(regulator.user)
    assert address not in client.get(history).text


def test_training_evidence_goes_to_the_person_and_their_organisation_only(client, private):
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    number = id_number(704)
    roster_import_commit(
        record=RosterImportFactory(
            enterprise=admin.enterprise,
            uploaded_by=admin.user,
            filename="r.csv",
            file=SimpleUploadedFile("r.csv", _roster(number)),
        )
    )
    from coverage.models import Person

    person = Person.objects.get(id_number_hash=pii_lookup_hash(number))
    worker = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN).user
    person.user = worker
    person.save(update_fields=["user"])
    scan = b"%PDF-1.4 certificate of " + number.encode()
    record, _ = training_record(
        person=person,
        kind=TrainingRecord.Kind.AUTHORITY,
        occurred_on=datetime.date(2024, 5, 1),
        title="培训",
        source_key="authority:test",
        evidence=SimpleUploadedFile("培训证明.pdf", scan),
    )
    record.refresh_from_db()
    assert RANDOM_NAME.match(record.evidence.name), record.evidence.name
    assert number.encode() not in Path(private.inner.path(record.evidence.name)).read_bytes()
    address = reverse("coverage:private_files:training_evidence", kwargs={"pk": record.pk})

    assert client.get(address).status_code == 404
    for outsider in (
        MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN).user,
        MembershipFactory(
            role=Membership.Role.REGULATOR, enterprise=None, region=admin.enterprise.region
        ).user,
    ):
        client.force_login(outsider)
        assert client.get(address).status_code == 404
    for insider in (admin.user, worker):
        client.force_login(insider)
        response = client.get(address)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == scan
        assert "%E5%9F%B9%E8%AE%AD" in response["Content-Disposition"]
    assert AuditLog.objects.filter(action=AuditLog.Action.DOWNLOAD).count() == 2


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7])
def test_private_files_round_trip_at_chunk_edges_and_report_their_plain_size(private, size):
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]

    name = private.save("test/x.bin", ContentFile(data))

    assert private.size(name) == size
    assert private.open(name).read() == data
    handle = private.open(name)
    assert handle.read(5) == data[:5]
    handle.seek(0)
    assert handle.read() == data
    # A sized read returns all it asks for, not one chunk: the roster reader reads the whole
    # file with one read(limit + 1).
    handle.seek(0)
    assert handle.read(size + 1) == data


def test_a_truncated_private_file_fails_instead_of_returning_part(private):
    from cryptography.exceptions import InvalidTag

    name = private.save("test/x.bin", ContentFile(b"a" * (2 * CHUNK)))
    path = Path(private.inner.path(name))
    path.write_bytes(path.read_bytes()[: -(CHUNK // 2)])

    with pytest.raises(InvalidTag):
        private.open(name).read()


def test_files_written_under_an_old_key_are_read_after_a_new_key_is_added(private, settings):
    name = private.save("test/x.bin", ContentFile(b"before rotation"))
    newer = "bmV3ZXIta2V5LWZvci10ZXN0cy1vbmx5LTAxMjM0NTY="
    try:
        settings.PII_ENCRYPTION_KEYS = [newer, *settings.PII_ENCRYPTION_KEYS]
        _fernet.cache_clear()
        assert private.open(name).read() == b"before rotation"
        later = private.save("test/y.bin", ContentFile(b"after rotation"))
        settings.PII_ENCRYPTION_KEYS = [newer]
        _fernet.cache_clear()
        assert private.open(later).read() == b"after rotation"
    finally:
        _fernet.cache_clear()


def test_rejected_id_numbers_and_phones_are_stored_masked_and_encrypted(client, admin, private):
    good = id_number(705)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = (
        f"姓名,身份证号,手机号,岗位类别\r\n甲,{wrong_check},,其他\r\n乙,{id_number(706)},1380013800,其他\r\n"
    ).encode("gbk")
    client.force_login(admin.user)
    client.cookies["django_language"] = "en"

    _upload(client, admin.enterprise, content)

    record = RosterImport.objects.get()
    stored = str(record.rejected)
    assert wrong_check not in stored and "1380013800" not in stored
    assert record.rejected[0]["message"].startswith(f"The check character of “{wrong_check[:6]}")
    page = client.get(
        reverse(
            "coverage:roster_import_preview",
            kwargs={"credit_code": admin.enterprise.credit_code, "pk": record.pk},
        )
    ).text
    assert "********" in page and wrong_check not in page
    rejected = client.get(
        reverse(
            "coverage:roster_import_rejected",
            kwargs={"credit_code": admin.enterprise.credit_code, "pk": record.pk},
        )
    )
    from openpyxl import load_workbook

    cells = str(list(load_workbook(io.BytesIO(rejected.content)).active.values))
    assert wrong_check in cells and "1380013800" in cells


def _import_at(enterprise, *, committed: bool) -> RosterImport:
    record = RosterImportFactory(
        enterprise=enterprise,
        filename="r.csv",
        file=ContentFile(_roster(id_number(710 + RosterImport.objects.count())), name="r.csv"),
    )
    roster_import_check(record=record)
    if committed:
        roster_import_commit(record=record)
    return record


def test_retention_deletes_upload_files_after_the_configured_days_and_keeps_the_records(
    client, settings, private
):
    settings.ROSTER_UPLOAD_RETENTION_DAYS = 10
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    enterprise = admin.enterprise
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        committed_early = _import_at(enterprise, committed=True)
        abandoned = _import_at(enterprise, committed=False)
        uploaded_early = _import_at(enterprise, committed=False)
    with time_machine.travel(start + datetime.timedelta(days=8), tick=False):
        # Committed on day 8: its ten days run from the commit, not from the upload.
        roster_import_commit(record=uploaded_early)
        recent = _import_at(enterprise, committed=True)
    names = {r.pk: RosterImport.objects.get(pk=r.pk).file.name for r in (committed_early, recent)}

    with time_machine.travel(start + datetime.timedelta(days=9, hours=23), tick=False):
        assert roster_uploads_expire_task() == 0
    with time_machine.travel(start + datetime.timedelta(days=10, hours=1), tick=False):
        assert roster_uploads_expire_task() == 2

    kept = {r.pk: r for r in RosterImport.objects.all()}
    assert not kept[committed_early.pk].file and not kept[abandoned.pk].file
    assert kept[committed_early.pk].file_deleted_at is not None
    assert kept[committed_early.pk].status == RosterImport.Status.COMMITTED
    assert not private.exists(names[committed_early.pk])
    assert kept[uploaded_early.pk].file and kept[recent.pk].file
    assert private.exists(names[recent.pk])

    client.force_login(admin.user)
    client.cookies["django_language"] = "en"
    assert client.get(_download_url(kept[committed_early.pk])).status_code == 404
    history = reverse(
        "coverage:roster_import_history", kwargs={"credit_code": enterprise.credit_code}
    )
    assert "(retention period)" in client.get(history).text
    # Committing an abandoned import whose file is gone explains itself.
    RosterImport.objects.filter(pk=abandoned.pk).update(status=RosterImport.Status.PREVIEWED)
    response = client.post(
        reverse(
            "coverage:roster_import_commit",
            kwargs={"credit_code": enterprise.credit_code, "pk": abandoned.pk},
        ),
        follow=True,
    )
    assert "Upload the roster again" in response.text


def test_the_retention_task_is_scheduled():
    from config.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "coverage.roster_uploads_expire" in tasks
    assert "coverage.roster_uploads_expire" in app.tasks


def test_an_uploaded_roster_is_never_in_a_public_folder_even_before_commit(admin, private):
    record = RosterImportFactory(
        enterprise=admin.enterprise,
        uploaded_by=admin.user,
        filename="r.csv",
        file=SimpleUploadedFile("r.csv", _roster(id_number(707))),
    )

    # The field's own instance (made when models load; tests that change STORAGES make new ones).
    assert isinstance(record.file.storage, type(private))
    assert Path(record.file.storage.inner.path(record.file.name)).is_relative_to(
        settings.PRIVATE_ROOT
    )
    assert not Path(settings.PRIVATE_ROOT).is_relative_to(settings.MEDIA_ROOT)


def test_uploads_left_in_public_media_by_the_old_code_are_moved_into_the_private_store(
    admin, private
):
    from coverage.private_files.services import public_uploads_adopt

    media = Path(settings.MEDIA_ROOT)
    old_name = "roster-imports/2025/11/张三的花名册.csv"
    (media / old_name).parent.mkdir(parents=True, exist_ok=True)
    plaintext = _roster(id_number(808))
    (media / old_name).write_bytes(plaintext)
    moved = RosterImportFactory(enterprise=admin.enterprise, filename="张三的花名册.csv")
    lost = RosterImportFactory(enterprise=admin.enterprise, filename="丢失.csv")
    RosterImport.objects.filter(pk=moved.pk).update(file=old_name)
    RosterImport.objects.filter(pk=lost.pk).update(file="roster-imports/2025/11/gone.csv")

    assert public_uploads_adopt(model=RosterImport, field="file") == 1
    assert public_uploads_adopt(model=RosterImport, field="file") == 0  # safe to run twice

    moved.refresh_from_db()
    lost.refresh_from_db()
    assert not (media / old_name).exists()
    assert RANDOM_NAME.match(moved.file.name)
    assert moved.file.open("rb").read() == plaintext
    assert plaintext not in Path(moved.file.storage.inner.path(moved.file.name)).read_bytes()
    assert lost.file.name == "" and lost.file_deleted_at
