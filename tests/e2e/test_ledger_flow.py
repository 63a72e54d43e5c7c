"""A worker on a 360 px phone: signs in by SMS code, opens 我的学时, downloads the 学时证明 and
opens the verification URL printed beside its QR code, signed out."""

import io
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from tests.factories import PersonFactory, TrainingRecordFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_downloads_a_proof_and_anyone_can_verify_it(
    live_server, browser, phone_page, sms_outbox
):
    user = UserFactory(phone="+8613800000001")
    person = PersonFactory(user=user, name="张伟")
    this_year = timezone.localdate().replace(month=1, day=1)
    TrainingRecordFactory(
        person=person,
        occurred_on=this_year,
        hours=4,
        title="工伤预防基础知识（线上）",
        source_key="course:1",
    )
    TrainingRecordFactory(
        person=person,
        kind="offline",
        occurred_on=this_year,
        hours=2,
        title="班组长集中培训",
        source_key="session:1",
    )
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "13800000001")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    page.fill("input[name=code]", sms_outbox[-1].params["code"])
    page.click("main form.form button.button--primary")
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"{live_server.url}/accounts/me/")
    page.click("a[href='/ledger/me/']")
    page.wait_for_url(re.compile(r"/ledger/me/$"))
    main = page.locator("main")
    assert "6.0" in main.inner_text() and "班组长集中培训" in main.inner_text()
    # Mobile first: nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.click("form[action='/ledger/me/proofs/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/ledger/me/proofs/XS\w+/$"))
    with page.expect_download() as download_info:
        page.click("a[href$='.pdf']")
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    url = re.search(r"https?://\S+/ledger/verify/XS\w+/", text).group(0)
    assert "张伟" in text and person.id_number_masked in text and person.id_number not in text

    signed_out = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    try:
        verify = signed_out.new_page()
        response = verify.goto(url)
        assert response.status == 200
        body = verify.locator("main").inner_text()
        with translation.override("zh-hans"):
            assert _("Valid") in body
        assert "张*" in body and "张伟" not in body and "6.0" in body
    finally:
        signed_out.close()
