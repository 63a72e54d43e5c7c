import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.sms import Purpose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def code_from(message) -> str:
    assert message.purpose == Purpose.VERIFICATION_CODE
    match = re.search(r"(?<!\d)(\d{6})(?!\d)", message.text)
    assert match, message.text
    assert match.group(1) == message.params["code"]
    return match.group(1)


def request_code(client, phone: str, **extra):
    return client.post(reverse("account_login"), {"login": phone}, **extra)


def confirm(client, code: str):
    return client.post(reverse("account_confirm_login_code"), {"code": code})


def test_worker_signs_in_with_the_code_sent_by_sms(client, sms_outbox):
    worker = UserFactory(phone="+8613812345678")

    response = request_code(client, "138 1234-5678")
    assert response.status_code == 302
    assert response.url == reverse("account_confirm_login_code")
    assert [m.phone for m in sms_outbox] == ["+8613812345678"]

    response = confirm(client, code_from(sms_outbox[0]))
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert int(client.session["_auth_user_id"]) == worker.pk
    assert client.get(reverse("accounts:home")).status_code == 200


def test_code_works_only_once(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    request_code(client, "13812345678")
    code = code_from(sms_outbox[0])
    assert confirm(client, code).status_code == 302
    client.logout()

    response = confirm(client, code)
    assert "_auth_user_id" not in client.session
    # The used code is gone: the confirmation step no longer exists for this browser.
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_code_expires_after_ten_minutes(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request_code(client, "13812345678")
        code = code_from(sms_outbox[0])
        traveller.shift(timedelta(minutes=10, seconds=1))
        response = confirm(client, code)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_code_still_works_just_before_ten_minutes(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request_code(client, "13812345678")
        traveller.shift(timedelta(minutes=9, seconds=50))
        confirm(client, code_from(sms_outbox[0]))
    assert "_auth_user_id" in client.session


def test_three_wrong_codes_void_the_code(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    request_code(client, "13812345678")
    code = code_from(sms_outbox[0])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        confirm(client, wrong)
    confirm(client, code)
    assert "_auth_user_id" not in client.session


def test_unregistered_number_looks_the_same_and_gets_no_code(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    known = request_code(client, "13812345678")
    other_client = client.__class__()
    unknown = request_code(other_client, "13900000000")

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    page_known = client.get(known.url).text.replace("138 1234 5678", "N")
    page_unknown = other_client.get(unknown.url).text.replace("139 0000 0000", "N")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", page_known) == strip.sub("", page_unknown)
    unknown_sms = [m for m in sms_outbox if m.phone == "+8613900000000"]
    assert [m.purpose for m in unknown_sms] == [Purpose.UNKNOWN_ACCOUNT]
    assert not re.search(r"\d{6}", unknown_sms[0].text)


def test_one_number_gets_at_most_one_code_a_minute(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    request_code(client, "13812345678")
    response = request_code(client.__class__(), "13812345678")
    assert response.status_code == 200
    assert "too many" in response.text.lower() or "过多" in response.text
    assert len(sms_outbox) == 1


def test_one_address_cannot_send_codes_to_unlimited_numbers(client, sms_outbox):
    for n in range(20):
        request_code(client.__class__(), f"1390000{n:04d}", REMOTE_ADDR="203.0.113.9")
    response = request_code(client, "13900009999", REMOTE_ADDR="203.0.113.9")
    assert response.status_code in (200, 429)
    assert len(sms_outbox) == 20
    # Another address is not affected.
    request_code(client.__class__(), "13900009999", REMOTE_ADDR="203.0.113.10")
    assert len(sms_outbox) == 21


def test_invalid_number_is_explained(client, sms_outbox):
    response = request_code(client, "12345")
    assert response.status_code == 200
    assert "mobile" in response.text.lower() or "手机号" in response.text
    assert sms_outbox == []


def test_new_worker_registers_with_a_verified_number(client, sms_outbox):
    response = client.post(reverse("account_signup"), {"phone": "+86 137-0000-1234"})
    assert response.status_code == 302
    user = User.objects.get(phone="+8613700001234")
    assert user.email is None
    assert not user.phone_verified
    code = code_from(sms_outbox[-1])

    response = client.post(response.url, {"code": code})
    user.refresh_from_db()
    assert user.phone_verified
    assert int(client.session["_auth_user_id"]) == user.pk


def test_two_workers_without_email_can_register(client, sms_outbox):
    client.post(reverse("account_signup"), {"phone": "13700001234"})
    client.__class__().post(reverse("account_signup"), {"phone": "13700005678"})
    assert User.objects.filter(email__isnull=True).count() == 2


def test_registering_an_existing_number_reveals_nothing(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    response = client.post(reverse("account_signup"), {"phone": "13812345678"})
    fresh = client.__class__().post(reverse("account_signup"), {"phone": "13700001234"})
    assert response.status_code == fresh.status_code == 302
    assert User.objects.filter(phone="+8613812345678").count() == 1
    assert [m.purpose for m in sms_outbox if m.phone == "+8613812345678"] == [
        Purpose.ACCOUNT_EXISTS
    ]


def test_the_code_page_sends_a_new_code_once_the_minute_is_over(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    request_code(client, "13812345678")
    resend = {"action": "resend"}
    url = reverse("account_confirm_login_code")

    client.post(url, resend)  # within the minute the page counts down: refused
    assert len(sms_outbox) == 1
    first_code_still_works = code_from(sms_outbox[0])

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        client.post(url, resend)
        assert len(sms_outbox) == 2
        assert code_from(sms_outbox[-1]) != first_code_still_works
        response = confirm(client, code_from(sms_outbox[-1]))
    assert response.status_code == 302 and response.url == reverse("accounts:home")


def test_a_refused_resend_leaves_the_last_code_working(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    request_code(client, "13812345678")
    response = client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    assert response.status_code == 302 and len(sms_outbox) == 1
    response = confirm(client, code_from(sms_outbox[0]))
    assert response.status_code == 302 and response.url == reverse("accounts:home")


def test_expired_sessions_are_cleared_from_the_database(client):
    from django.contrib.sessions.models import Session

    from accounts.tasks import sessions_clear_expired_task

    client.force_login(UserFactory())
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    sessions_clear_expired_task()
    assert not Session.objects.filter(session_key="x" * 32).exists()
    assert Session.objects.count() == 1  # the signed-in one stays
