"""学时证明: issued for a period as the ledger stands, a PDF with the embedded Chinese font, a
serial and a QR to the public verification page (404 unknown, 已撤销 with the date when
revoked), revocable once with a reason."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from courses.certificates.services import RevokeRefused
from coverage.models import AuditLog
from ledger.models import HoursProof
from ledger.proofs.pdf import hours_proof_pdf
from ledger.proofs.services import hours_proof_issue, hours_proof_revoke
from tests.factories import PersonFactory, TrainingRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.fixture
def worker():
    user = UserFactory()
    person = PersonFactory(user=user, name="张伟")
    for day, hours, key in [((2025, 3, 1), 4, "course:1"), ((2025, 9, 9), 2, "session:2")]:
        TrainingRecordFactory(
            person=person, occurred_on=datetime.date(*day), hours=hours, source_key=key
        )
    TrainingRecordFactory(person=person, occurred_on=datetime.date(2024, 1, 5), hours=8)
    return user, person


@time_machine.travel(NOW, tick=False)
def test_a_proof_holds_the_period_lines_and_total_and_is_issued_once(worker):
    _user, person = worker
    proof = hours_proof_issue(
        person=person, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    assert proof.hours == Decimal("6.0") and len(proof.lines) == 2
    assert proof.period_end == datetime.date(2025, 11, 20)  # not beyond today
    assert re.fullmatch(r"XS2025[2-9A-HJ-NP-Z]{10}", proof.serial)
    assert proof.id_number_masked == person.id_number_masked
    again = hours_proof_issue(
        person=person, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    assert again == proof
    TrainingRecordFactory(person=person, occurred_on=datetime.date(2025, 10, 1), hours=1)
    changed = hours_proof_issue(
        person=person, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    assert changed != proof and changed.hours == Decimal("7.0")


@time_machine.travel(NOW, tick=False)
def test_the_worker_downloads_a_pdf_with_an_embedded_font_serial_and_verify_url(client, worker):
    user, _person = worker
    client.force_login(user)
    response = client.post(
        reverse("ledger:proof_issue"), {"start": "2025-01-01", "end": "2025-11-20"}
    )
    proof = HoursProof.objects.get()
    assert response.url == reverse("ledger:proof", args=[proof.serial])
    page = client.get(response.url).content.decode()
    verify_path = reverse("ledger:proof_verify", args=[proof.serial])
    assert verify_path in page and "<svg" in page

    pdf = client.get(reverse("ledger:proof_pdf", args=[proof.serial]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"/FontFile2" in pdf.content  # the Chinese font travels inside the file

    raw = hours_proof_pdf(
        proof=proof, verify_url="https://example.org" + verify_path, compress=False
    )
    assert proof.serial.encode() in raw and verify_path.encode() in raw


def test_someone_elses_proof_is_not_found(client, worker):
    _user, person = worker
    proof = hours_proof_issue(
        person=person, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )
    client.force_login(UserFactory())
    assert client.get(reverse("ledger:proof", args=[proof.serial])).status_code == 404
    assert client.get(reverse("ledger:proof_pdf", args=[proof.serial])).status_code == 404


def test_verification_is_public_and_shows_masked_name_period_hours_and_validity(client, worker):
    _user, person = worker
    proof = hours_proof_issue(
        person=person, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )
    response = client.get(reverse("ledger:proof_verify", args=[proof.serial.lower()]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "张*" in page and "张伟" not in page
    assert "2024-01-01" in page and "2024-12-31" in page and "8.0" in page
    assert response.context["state"] == "valid"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_unknown_serial_is_404(client):
    assert client.get(reverse("ledger:proof_verify", args=["XS2025AAAAAAAAAA"])).status_code == 404


def test_a_revoked_proof_says_revoked_with_the_date_and_cannot_be_downloaded(client, worker):
    user, person = worker
    proof = hours_proof_issue(
        person=person, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )
    admin = UserFactory()
    with time_machine.travel(datetime.datetime(2026, 2, 3, 4, tzinfo=datetime.UTC)):
        hours_proof_revoke(proof=proof, user=admin, reason="学时记录有误")
    with pytest.raises(RevokeRefused):
        hours_proof_revoke(proof=proof, user=admin, reason="again")
    with pytest.raises(RevokeRefused):
        hours_proof_revoke(proof=proof, user=admin, reason=" ")
    log = AuditLog.objects.get(action=AuditLog.Action.REVOKE)
    assert proof.serial in log.subject and log.user == admin

    response = client.get(reverse("ledger:proof_verify", args=[proof.serial]))
    assert response.status_code == 200 and response.context["state"] == "revoked"
    page = response.content.decode()
    with translation.override("zh-hans"):
        assert f"{_('Revoked')} 2026-02-03" in page
    assert "学时记录有误" in page

    client.force_login(user)
    download = client.get(reverse("ledger:proof_pdf", args=[proof.serial]))
    assert download.status_code == 302
    fresh = hours_proof_issue(
        person=person, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )
    assert fresh != proof  # a revoked proof is not handed out again
