"""Certificates: owner-only HTML and PDF, public verification, revocation."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from courses.certificates.pdf import certificate_pdf
from courses.certificates.selectors import name_mask
from courses.certificates.services import RevokeRefused, certificate_revoke
from courses.exams.services import exam_start, exam_submit
from courses.models import Certificate
from coverage.models import AuditLog
from tests.factories import (
    UserFactory,
    correct_answers,
    course_build,
    enrolment_make,
    learner_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return learner_make("欧阳小明")


@pytest.fixture
def certificate(owner) -> Certificate:
    course = course_build(title="建筑施工工伤预防", questions=3, paper_size=3, credit_hours=4)
    attempt = exam_start(enrolment=enrolment_make(course, owner[1]))
    exam_submit(attempt=attempt, answers=correct_answers(attempt))
    return Certificate.objects.get()


def test_name_mask_keeps_the_first_character_only():
    assert name_mask("张伟") == "张*"
    assert name_mask("欧阳小明") == "欧***"
    assert name_mask("李") == "*"
    assert name_mask("") == ""


def test_verification_shows_the_masked_name_course_hours_and_date(client, certificate):
    response = client.get(reverse("courses:certificate_verify", args=[certificate.serial]))
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "欧***" in response.text
    assert "欧阳小明" not in response.text
    assert "建筑施工工伤预防" in response.text
    assert "4.0" in response.text
    assert certificate.issued_on.strftime("%Y-%m-%d") in response.text


def test_verification_tolerates_case_and_spaces(client, certificate):
    typed = " ".join([certificate.serial[:6].lower(), certificate.serial[6:]])
    response = client.get(f"/learn/verify/{typed}/", follow=True)
    assert response.status_code == 200
    assert "欧***" in response.text
    response = client.get(
        reverse("courses:certificate_verify_form"), {"serial": typed}, follow=True
    )
    assert "欧***" in response.text


def test_unknown_serial_says_the_certificate_does_not_exist(client, db):
    response = client.get(reverse("courses:certificate_verify", args=["YF2026NOSUCHONE"]))
    assert response.status_code == 404
    assert "该证书不存在" in response.text
    assert "YF2026NOSUCHONE" in response.text


def test_revoked_certificate_says_so_with_the_reason(client, certificate):
    admin = UserFactory(is_staff=True, is_superuser=True)
    certificate_revoke(certificate=certificate, user=admin, reason="考试作弊")
    response = client.get(reverse("courses:certificate_verify", args=[certificate.serial]))
    assert response.status_code == 200
    assert "被撤销" in response.text
    assert "考试作弊" in response.text
    entry = AuditLog.objects.get(action="revoke")
    assert entry.user == admin and certificate.serial in entry.subject
    with pytest.raises(RevokeRefused):
        certificate_revoke(certificate=certificate, user=admin, reason="again")
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_revoking_needs_a_reason(certificate):
    with pytest.raises(RevokeRefused):
        certificate_revoke(certificate=certificate, user=None, reason="  ")
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_verification_lookups_are_rate_limited_per_address(client, certificate):
    url = reverse("courses:certificate_verify", args=["YF2026NOSUCHONE"])
    statuses = {client.get(url).status_code for _ in range(30)}
    assert statuses == {404}
    assert client.get(url).status_code == 429


def test_owner_sees_the_certificate_with_full_name_and_qr(client, owner, certificate):
    client.force_login(owner[0])
    response = client.get(reverse("courses:certificate", args=[certificate.serial]))
    assert response.status_code == 200
    assert "欧阳小明" in response.text
    assert "<svg" in response.text
    assert f"http://testserver/learn/verify/{certificate.serial}/" in response.text
    assert reverse("courses:certificate_pdf", args=[certificate.serial]) in response.text


def test_owner_downloads_the_pdf(client, owner, certificate):
    client.force_login(owner[0])
    response = client.get(reverse("courses:certificate_pdf", args=[certificate.serial]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert certificate.serial in response["Content-Disposition"]
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert certificate.serial.encode() in response.content  # in the document information


def _pdf_fonts(page) -> list:
    fonts = page["/Resources"]["/Font"]
    return [fonts[name].get_object() for name in fonts]


def test_pdf_embeds_its_chinese_font_and_its_text_extracts_as_chinese():
    certificate = Certificate(
        serial="YF2026ABCDEFGHJK",
        holder_name="欧阳小明",
        course_title="建筑施工工伤预防",
        hours=2,
        issued_on=datetime.date(2026, 11, 29),
    )
    url = "https://yufang.example/learn/verify/YF2026ABCDEFGHJK/"
    with translation.override("zh-hans"):
        pdf = certificate_pdf(certificate=certificate, verify_url=url)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = _pdf_fonts(page)
    assert fonts
    # Every font the page uses carries its glyphs (a subset): nothing left to the reader.
    for font in fonts:
        descriptor = font["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font
        assert len(descriptor.get("/FontFile2", descriptor.get("/FontFile3")).get_data()) > 1000
    text = page.extract_text()
    assert "欧阳小明" in text
    assert "建筑施工工伤预防" in text
    assert "学时，" in text and "并通过考试" in text
    assert "YF2026ABCDEFGHJK" in text


def test_pdf_fits_a_long_title_on_one_a4_landscape_page():
    certificate = Certificate(
        serial="YF2026ABCDEFGHJK",
        holder_name="张伟",
        course_title="工伤预防" * 40,  # shrinks to fit rather than running off the page
        hours=2,
        issued_on=datetime.date(2026, 11, 29),
    )
    url = "https://yufang.example/learn/verify/YF2026ABCDEFGHJK/"
    pdf = certificate_pdf(certificate=certificate, verify_url=url, compress=False)
    assert pdf.startswith(b"%PDF") and b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf
    assert b"/STSong-Light" not in pdf
    assert "工伤预防" * 40 in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_certificate_page_joins_its_two_sentences_without_a_space(client, owner, certificate):
    client.force_login(owner[0])
    response = client.get(reverse("courses:certificate", args=[certificate.serial]))
    text = response.content.decode()
    start = text.index('class="certificate__text"')
    sentence = text[start : text.index("</p>", start)]
    assert "hours, and passed" in sentence or "学时，并通过" in sentence
    assert not re.search(r"，\s", sentence)


@pytest.mark.parametrize("who", ["stranger", "anonymous", "staff"])
def test_only_the_owner_or_a_superuser_gets_the_certificate(client, certificate, who):
    if who == "stranger":
        client.force_login(learner_make("李四")[0])
    elif who == "staff":
        client.force_login(UserFactory(is_staff=True))
    html = client.get(reverse("courses:certificate", args=[certificate.serial]))
    pdf = client.get(reverse("courses:certificate_pdf", args=[certificate.serial]))
    expected = 302 if who == "anonymous" else 404
    assert (html.status_code, pdf.status_code) == (expected, expected)


def test_superuser_may_open_any_certificate(client, certificate):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("courses:certificate", args=[certificate.serial]))
    assert response.status_code == 200


def test_admin_revokes_with_a_reason_and_cannot_delete(client, certificate):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    edit_url = reverse("certificates:edit", args=[certificate.pk])
    response = client.post(edit_url, {"revoked_reason": ""})
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert not certificate.is_revoked

    response = client.post(edit_url, {"revoked_reason": "身份冒用"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "身份冒用" and certificate.revoked_by is not None
    assert AuditLog.objects.filter(action="revoke").count() == 1

    listing = client.get(reverse("certificates:index"))
    assert listing.status_code == 200 and certificate.serial in listing.text
    assert client.get(reverse("certificates:delete", args=[certificate.pk])).status_code in (
        302,
        403,
    )
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_a_serial_typed_with_a_slash_is_looked_up_not_a_500(client, certificate):
    typed = certificate.serial[:6] + "/" + certificate.serial[6:]
    response = client.get(
        reverse("courses:certificate_verify_form"), {"serial": typed}, follow=True
    )
    assert response.status_code == 200
    assert certificate.course_title in response.text


def test_a_revoked_certificate_cannot_be_downloaded_as_a_clean_pdf(client, owner, certificate):
    certificate_revoke(certificate=certificate, user=None, reason="身份冒用")
    client.force_login(owner[0])
    response = client.get(reverse("courses:certificate_pdf", args=[certificate.serial]))
    assert response.status_code == 302
    assert response["Content-Type"] != "application/pdf"
