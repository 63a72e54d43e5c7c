"""The SMS code page as a worker meets it on a phone: 验证码, a numeric keypad that offers the
SMS's code, the number as it is read, and a resend button that counts down."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_enters_the_sms_code_on_a_phone(live_server, phone_page, sms_outbox):
    UserFactory(phone="+8613800000001")
    page = phone_page
    page.clock.install()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "13800000001")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))

    assert "验证码" in page.locator("h1").inner_text()
    body = page.locator("main").inner_text()
    assert "138 0000 0001" in body and "+86" not in body
    assert "10 分钟" in body and "很快过期" not in body
    code = page.locator("input[name=code]")
    assert code.get_attribute("inputmode") == "numeric"
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert page.locator("label[for=id_code]").inner_text().strip() == "验证码"

    resend = page.locator("button[data-resend-after]")
    assert resend.is_disabled()
    assert re.search(r"\d+ 秒", resend.inner_text())
    page.clock.fast_forward(61_000)
    page.wait_for_function("!document.querySelector('button[data-resend-after]').disabled")
    assert resend.inner_text().strip() == "重新发送验证码"

    code.fill(sms_outbox[-1].params["code"])
    page.click("main form.form button.button--primary")
    page.wait_for_url(lambda url: "/login/" not in url)
    assert "成功登录" in page.locator("main").inner_text()
