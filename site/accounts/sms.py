"""Sending SMS through a pluggable backend (settings.SMS_BACKEND).

A real provider (Aliyun, Tencent Cloud, …) sends only pre-approved templates, so a message
is a *purpose* with parameters; `text` is the rendered Chinese wording for backends that send
free text or log. To add a provider, write a class with this `send` method, map each purpose
to the provider's template id, and point SMS_BACKEND at it (see docs/accounts.md, "SMS").
"""

import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Purpose:
    VERIFICATION_CODE = "verification_code"
    UNKNOWN_ACCOUNT = "unknown_account"
    ACCOUNT_EXISTS = "account_exists"
    # Reminder rules (reminders/): a person missing training, an enterprise's contact.
    TRAINING_REMINDER = "training_reminder"
    ENTERPRISE_REMINDER = "enterprise_reminder"


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    purpose: str
    text: str
    params: dict = field(default_factory=dict)


class SmsSendError(Exception):
    """The provider could not be reached or refused the message; says why, never the code."""


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> None:
        """Deliver the message or raise SmsSendError; must not block for long (providers
        answer in ~1 s)."""


class ConsoleSmsBackend:
    """Development: the message goes to the log (the terminal running `make run`)."""

    def send(self, message: SmsMessage) -> None:
        logger.warning("SMS to %s [%s]: %s", message.phone, message.purpose, message.text)


# Filled by LocmemSmsBackend, like django.core.mail.outbox; tests read codes from it.
outbox: list[SmsMessage] = []


class LocmemSmsBackend:
    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


def phone_masked(phone: str) -> str:
    """+8613812345678 → +86138****5678, for logs."""
    return phone[:-8] + "****" + phone[-4:] if len(phone) > 8 else "****"


def sms_send(*, phone: str, purpose: str, text: str, params: dict | None = None) -> None:
    """Send one SMS through the configured backend; a failure is logged and re-raised."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    try:
        backend.send(SmsMessage(phone=phone, purpose=purpose, text=text, params=params or {}))
    except SmsSendError as error:
        logger.error("SMS [%s] to %s not sent: %s", purpose, phone_masked(phone), error)
        raise
