"""The Aliyun SMS backend against a local HTTP server that checks the signed request the way
Aliyun documents it (signature version 1.0, re-implemented here without the backend's code)."""

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import re
import socket
import string
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from accounts.aliyun_sms import rpc_signature
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEY_ID = "LTAI5tTestKeyId"
KEY_SECRET = "test-secret-0123456789abcdef"
TEMPLATES = {
    "verification_code": "SMS_123",
    "unknown_account": "SMS_124",
    "account_exists": "SMS_125",
    "training_reminder": "SMS_126",
    "enterprise_reminder": "SMS_127",
}
FAILED = "短信发送失败，请稍后重试"
UNRESERVED = set(string.ascii_letters + string.digits + "-_.~")


def aliyun_encode(value: str) -> str:
    return "".join(
        char if char in UNRESERVED else "".join(f"%{byte:02X}" for byte in char.encode())
        for char in value
    )


def aliyun_sign(params: dict[str, str], secret: str, method: str) -> str:
    canonical = "&".join(
        aliyun_encode(key) + "=" + aliyun_encode(params[key]) for key in sorted(params)
    )
    string_to_sign = method + "&" + aliyun_encode("/") + "&" + aliyun_encode(canonical)
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# The worked example of Aliyun SMS's signature documentation ("签名机制",
# https://help.aliyun.com/document_detail/101343.html): GET, secret "testSecret".
DOCUMENTED_EXAMPLE = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}
DOCUMENTED_SIGNATURE = "zJDF+Lrzhj/ThnlvIToysFRq6t4="


class FakeAliyun:
    """dysmsapi's SendSms as documented: refuses a bad signature, answers `answer`."""

    def __init__(self):
        self.received: list[dict[str, str]] = []
        self.answer = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"}
        self.delay = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                status, answer = fake.judge(params, self.headers["Content-Type"])
                time.sleep(fake.delay)
                body = json.dumps({"RequestId": "F655A8D5-B967-440B", **answer}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # The backend may have stopped waiting (the "hung" case).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def judge(self, params: dict[str, str], content_type: str) -> tuple[int, dict]:
        assert content_type == "application/x-www-form-urlencoded"
        signature = params.pop("Signature", "")
        if params.get("AccessKeyId") != KEY_ID:
            return 404, {
                "Code": "InvalidAccessKeyId.NotFound",
                "Message": "Specified access key is not found.",
            }
        if not hmac.compare_digest(signature, aliyun_sign(params, KEY_SECRET, "POST")):
            return 400, {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched.",
            }
        sent_at = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - sent_at).total_seconds()) < 60
        assert params["SignatureMethod"] == "HMAC-SHA1" and params["SignatureVersion"] == "1.0"
        assert params["SignatureNonce"] not in {p["SignatureNonce"] for p in self.received}
        self.received.append(params)
        return 200, self.answer

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def aliyun(settings):
    with FakeAliyun() as fake:
        settings.SMS_BACKEND = "accounts.aliyun_sms.AliyunSmsBackend"
        settings.SMS_ALIYUN_ENDPOINT = fake.url
        settings.SMS_ALIYUN_ACCESS_KEY_ID = KEY_ID
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = KEY_SECRET
        settings.SMS_ALIYUN_SIGN_NAME = "吉林工伤预防"
        settings.SMS_ALIYUN_TEMPLATES = TEMPLATES
        yield fake


def test_the_documented_example_signature_is_reproduced():
    assert aliyun_sign(DOCUMENTED_EXAMPLE, "testSecret", "GET") == DOCUMENTED_SIGNATURE
    assert rpc_signature(params=DOCUMENTED_EXAMPLE, secret="testSecret", method="GET") == (
        DOCUMENTED_SIGNATURE
    )


def test_worker_signs_in_with_a_code_sent_through_aliyun(client, aliyun):
    worker = UserFactory(phone="+8613812345678")
    response = client.post(reverse("account_login"), {"login": "138 1234 5678"})
    assert response.url == reverse("account_confirm_login_code")

    [sent] = aliyun.received
    assert (sent["Action"], sent["Version"], sent["Format"]) == ("SendSms", "2017-05-25", "JSON")
    assert sent["RegionId"] == "cn-hangzhou"
    assert sent["PhoneNumbers"] == "13812345678"
    assert sent["SignName"] == "吉林工伤预防"
    assert sent["TemplateCode"] == "SMS_123"
    params = json.loads(sent["TemplateParam"])
    assert list(params) == ["code"] and re.fullmatch(r"\d{6}", params["code"])

    client.post(reverse("account_confirm_login_code"), {"code": params["code"]})
    assert int(client.session["_auth_user_id"]) == worker.pk


def test_an_unregistered_number_gets_the_unknown_account_template(client, aliyun):
    client.post(reverse("account_login"), {"login": "13900000000"})
    [sent] = aliyun.received
    assert sent["TemplateCode"] == "SMS_124"
    assert "TemplateParam" not in sent  # the template has no variables


def test_a_new_worker_gets_the_verification_template_on_signup(client, aliyun):
    response = client.post(reverse("account_signup"), {"phone": "13700001234"})
    [sent] = aliyun.received
    assert sent["TemplateCode"] == "SMS_123"
    code = json.loads(sent["TemplateParam"])["code"]
    client.post(response.url, {"code": code})
    assert User.objects.get(phone="+8613700001234").phone_verified


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize(
    "failure",
    ["provider error", "wrong secret", pytest.param("hung", marks=pytest.mark.slow), "refused"],
)
def test_a_failed_sms_is_explained_on_the_sign_in_page(client, aliyun, settings, caplog, failure):
    UserFactory(phone="+8613812345678")
    if failure == "provider error":
        aliyun.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5"}
    elif failure == "wrong secret":
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    elif failure == "hung":
        aliyun.delay = 8
    else:
        settings.SMS_ALIYUN_ENDPOINT = closed_port_url()

    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="accounts.sms"):
        response = client.post(reverse("account_login"), {"login": "13812345678"}, follow=True)
    assert time.monotonic() - started < 7  # read timeout 5 s

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("account_login"), 302)]
    assert FAILED in response.text
    # Nothing is pending: the code page sends the user back to ask again.
    assert client.get(reverse("account_confirm_login_code")).status_code == 302
    [record] = [r for r in caplog.records if r.name == "accounts.sms"]
    assert "+86138****5678" in record.getMessage()
    assert "13812345678" not in caplog.text
    if failure == "provider error":
        assert "isv.BUSINESS_LIMIT_CONTROL" in record.getMessage()
    if failure == "wrong secret":
        assert "SignatureDoesNotMatch" in record.getMessage()


def test_a_failed_sms_is_explained_on_the_signup_page_and_signing_in_later_works(
    client, aliyun, time_machine
):
    aliyun.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1"}
    response = client.post(reverse("account_signup"), {"phone": "13700001234"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("account_signup"), 302)]
    assert FAILED in response.text
    assert "_auth_user_id" not in client.session

    # The account exists unverified; asking for a sign-in code a minute later finishes it.
    aliyun.answer = {"Code": "OK", "Message": "OK"}
    time_machine.move_to(datetime.now(UTC) + timedelta(seconds=61), tick=False)
    client.post(reverse("account_login"), {"login": "13700001234"})
    code = json.loads(aliyun.received[-1]["TemplateParam"])["code"]
    client.post(reverse("account_confirm_login_code"), {"code": code})
    user = User.objects.get(phone="+8613700001234")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.phone_verified


def test_an_incomplete_aliyun_configuration_fails_the_check(settings, aliyun):
    call_command("check")
    settings.SMS_ALIYUN_TEMPLATES = {"verification_code": "SMS_123"}
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ""
    with pytest.raises(SystemCheckError) as failed:
        call_command("check")
    assert "SMS_ALIYUN_ACCESS_KEY_SECRET is not set" in str(failed.value)
    assert "no template for 'unknown_account'" in str(failed.value)
