"""No plaintext ID number or phone of an uploaded roster anywhere at rest: not in any file under
VAR_DIR (the SQLite database and its WAL, the private store, media, the broker's folders), not
in any column of any table of the database (SQLite or PostgreSQL alike), after an upload and
commit through the web pages and through the real Celery worker."""

import os
import random
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from coverage.models import Membership, Person, RosterImport
from jobs.models import Job
from tests.factories import MembershipFactory
from tests.helpers.identities import id_number

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _uploads_removed():
    yield
    for record in RosterImport.objects.exclude(file=""):
        record.file.delete(save=False)


def _random_id_number(rng: random.Random) -> str:
    """Valid and found nowhere else: a random birth date and sequence, so that no other test
    run's leftovers under VAR_DIR can hold it."""
    born = f"{rng.randint(1960, 1999)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return id_number(rng.randint(0, 999), born=born)


def _random_mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}"


def _roster(rng: random.Random, people: int) -> tuple[bytes, list[str]]:
    """A roster of valid people plus a rejected ID number and a rejected phone; returns the
    file and every ID number and phone it holds."""
    secrets: list[str] = []
    lines = ["姓名,身份证号,手机号,岗位类别"]
    for n in range(people):
        number, phone = _random_id_number(rng), _random_mobile(rng)
        secrets += [number, phone]
        lines.append(f"职工{n},{number},{phone},一线班组长")
    valid = _random_id_number(rng)
    wrong_check = valid[:-1] + ("1" if valid[-1] != "1" else "2")
    short_phone = _random_mobile(rng)[:10]
    other = _random_id_number(rng)
    lines.append(f"错号,{wrong_check},,其他")
    lines.append(f"错电话,{other},{short_phone},其他")
    secrets += [wrong_check, short_phone, other]
    return ("\r\n".join(lines) + "\r\n").encode("gbk"), secrets


def _finished(job: Job, timeout: float = 90) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout}s")


def _files_holding(root, needles: list[bytes]) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:  # another run's file, gone while walking
                continue
            hits = [needle for needle in needles if needle in data]
            if hits:
                found[path] = hits
    return found


def _columns_holding(needles: list[str]) -> dict[str, list[str]]:
    """Every column of every table, cast to text: the same scan on SQLite and PostgreSQL."""
    found: dict[str, list[str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            text = " || '|' || ".join(f"COALESCE(CAST({quote(c)} AS TEXT), '')" for c in columns)
            for needle in needles:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE {text} LIKE %s", [f"%{needle}%"]
                )
                if cursor.fetchone()[0]:
                    found.setdefault(table, []).append(needle)
    return found


def test_no_plaintext_id_number_or_phone_at_rest_after_upload_and_commit(
    celery_worker_process, client, settings
):
    rng = random.Random()
    admin = MembershipFactory(role=Membership.Role.ENTERPRISE_ADMIN)
    enterprise = admin.enterprise
    client.force_login(admin.user)
    settings.ROSTER_IMPORT_SYNC_ROWS = 5
    small, small_secrets = _roster(rng, 3)  # checked and committed in the request
    large, large_secrets = _roster(rng, 8)  # checked and committed by the worker
    upload = reverse("coverage:roster_import", kwargs={"credit_code": enterprise.credit_code})

    for content in (small, large):
        client.post(upload, {"file": SimpleUploadedFile("花名册.csv", content), "mode": "add"})
        record = RosterImport.objects.latest("pk")
        if record.job_id:
            assert _finished(Job.objects.get(pk=record.job_id)).status == Job.Status.SUCCEEDED
        client.post(
            reverse(
                "coverage:roster_import_commit",
                kwargs={"credit_code": enterprise.credit_code, "pk": record.pk},
            )
        )
        record.refresh_from_db()
        if record.status != RosterImport.Status.COMMITTED:
            assert _finished(Job.objects.get(pk=record.job_id)).status == Job.Status.SUCCEEDED
            record.refresh_from_db()
        assert record.status == RosterImport.Status.COMMITTED
        assert record.counts["rejected"] == 2
    assert Job.objects.filter(status=Job.Status.SUCCEEDED).count() == 2  # the worker did run
    assert Person.objects.count() == 3 + 8
    secrets = small_secrets + large_secrets

    # The same numbers as the file holds them are readable through the app, so the scans
    # below look for the right bytes.
    assert {p.id_number for p in Person.objects.all()} <= set(secrets)
    assert _columns_holding(["职工0"]), "the scan finds what is stored in plain text"
    if connection.vendor == "sqlite":
        assert _files_holding(settings.VAR_DIR, ["职工0".encode()]), "so does the file scan"

    assert _columns_holding(secrets) == {}
    assert _files_holding(settings.VAR_DIR, [s.encode() for s in secrets]) == {}
    assert _files_holding(settings.PRIVATE_ROOT, ["职工0".encode("gbk")]) == {}
