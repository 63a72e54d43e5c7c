"""Aliyun SMS (dysmsapi 2017-05-25, SendSms) through its signed HTTP API.

Not the official SDK (alibabacloud-dysmsapi20170525 4.6.0): it installs 18 packages
(aiohttp, APScheduler, websocket-client, the Tea runtime) for one signed POST, with an HTTP
stack of its own whose waits we would have to bound again. The call is RPC style, signed with
signature version 1.0: HMAC-SHA1, keyed by "<AccessKeySecret>&", over
"POST&%2F&" + the percent-encoded, key-sorted, percent-encoded parameters
(https://help.aliyun.com/zh/sdk/product-overview/rpc-mechanism; SMS's own copy with a worked
example: https://help.aliyun.com/document_detail/101343.html). SendSms's parameters and error
codes: https://help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-2017-05-25-sendsms.
"""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import requests
from django.conf import settings

from accounts.sms import Purpose, SmsMessage, SmsSendError

API_VERSION = "2017-05-25"
# The variables each purpose's template declares. Aliyun approves verification-code templates
# with a single variable, ${code}: the validity ("10分钟内有效") is written in the template.
TEMPLATE_VARIABLES = {
    Purpose.VERIFICATION_CODE: ("code",),
    Purpose.UNKNOWN_ACCOUNT: (),
    Purpose.ACCOUNT_EXISTS: (),
    Purpose.TRAINING_REMINDER: ("name", "date", "link", "stop"),
    Purpose.ENTERPRISE_REMINDER: ("enterprise", "percent", "date", "link"),
}
# (connect, read) seconds: the user waits on this page while the SMS goes out.
TIMEOUT = (3, 5)


def percent_encode(value: str) -> str:
    """RFC 3986 as Aliyun requires: only A-Z a-z 0-9 - _ . ~ stay, UTF-8, space as %20."""
    return quote(value, safe="~")


def rpc_signature(*, params: dict[str, str], secret: str, method: str = "POST") -> str:
    """Signature version 1.0 of an RPC-style Aliyun request (everything but Signature)."""
    canonical = "&".join(
        f"{percent_encode(key)}={percent_encode(value)}" for key, value in sorted(params.items())
    )
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _phone_numbers(phone: str) -> str:
    # Mainland numbers as Aliyun documents them (11 digits); others without the "+".
    return phone.removeprefix("+86") if phone.startswith("+86") else phone.lstrip("+")


def aliyun_settings_errors() -> list[str]:
    """What keeps AliyunSmsBackend from sending, in words for `manage.py check`."""
    errors = [
        f"{name} is not set"
        for name in ("SMS_ALIYUN_ACCESS_KEY_ID", "SMS_ALIYUN_ACCESS_KEY_SECRET")
        if not getattr(settings, name)
    ]
    errors += [
        f"SMS_ALIYUN_TEMPLATES has no template for {purpose!r}"
        for purpose in TEMPLATE_VARIABLES
        if not settings.SMS_ALIYUN_TEMPLATES.get(purpose)
    ]
    return errors


class AliyunSmsBackend:
    """Sends each purpose's approved template (SMS_ALIYUN_TEMPLATES) with its variables."""

    def send(self, message: SmsMessage) -> None:
        template = settings.SMS_ALIYUN_TEMPLATES.get(message.purpose)
        if not template:
            raise SmsSendError(f"SMS_ALIYUN_TEMPLATES has no template for {message.purpose!r}")
        if not (settings.SMS_ALIYUN_ACCESS_KEY_ID and settings.SMS_ALIYUN_ACCESS_KEY_SECRET):
            raise SmsSendError("SMS_ALIYUN_ACCESS_KEY_ID / _SECRET are not set")
        params = {
            "AccessKeyId": settings.SMS_ALIYUN_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": settings.SMS_ALIYUN_REGION,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
            "PhoneNumbers": _phone_numbers(message.phone),
            "SignName": settings.SMS_ALIYUN_SIGN_NAME,
            "TemplateCode": template,
        }
        variables = {
            name: str(message.params[name]) for name in TEMPLATE_VARIABLES.get(message.purpose, ())
        }
        if variables:
            params["TemplateParam"] = json.dumps(
                variables, ensure_ascii=False, separators=(",", ":")
            )
        params["Signature"] = rpc_signature(
            params=params, secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        )
        # In the POST body, not the query string: the number and the code stay out of the
        # access logs of every proxy on the way.
        try:
            response = requests.post(settings.SMS_ALIYUN_ENDPOINT, data=params, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise SmsSendError(f"Aliyun SMS not reached: {type(error).__name__}") from error
        try:
            answer = response.json()
        except ValueError as error:
            raise SmsSendError(f"Aliyun SMS answered HTTP {response.status_code}") from error
        if answer.get("Code") != "OK":
            raise SmsSendError(
                f"Aliyun SMS refused ({template}): {answer.get('Code')} {answer.get('Message')} "
                f"RequestId={answer.get('RequestId')}"
            )
