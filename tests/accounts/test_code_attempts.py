"""Wrong SMS codes are counted atomically (accounts/code_attempts.py): overlapping requests
cannot buy more guesses than ACCOUNT_*_MAX_ATTEMPTS, and a voided code stays void."""

import re
import socket
import time
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
import requests
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.sms import Purpose
from tests.factories import UserFactory

GUESSES = 30
VOID = "该验证码已失效"


def code_from(message) -> str:
    assert message.purpose == Purpose.VERIFICATION_CODE
    return message.params["code"]


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def csrf_token(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=10)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def post_concurrently(url: str, cookies: dict, data: dict, times: int) -> list[int]:
    """`times` POSTs on their own connections, released together by their last byte.

    Each request is sent but for its final byte, then every final byte goes at once (the
    "last-byte sync" attackers use): the server is working on all of them at the same time.
    """
    target = urlsplit(url)
    body = urlencode(data).encode()
    head = (
        f"POST {target.path} HTTP/1.1\r\nHost: {target.netloc}\r\n"
        f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    request = head + body
    connections = []
    for _ in range(times):
        connection = socket.create_connection((target.hostname, target.port), timeout=30)
        connection.sendall(request[:-1])
        connections.append(connection)
    # A moment for the server to take every connection in hand before the bytes that let it
    # finish reading them all arrive together.
    time.sleep(1)
    for connection in connections:
        connection.sendall(request[-1:])
    statuses = []
    for connection in connections:
        with connection, connection.makefile("rb") as answer:
            statuses.append(int(answer.readline().split()[1]))
    return statuses


def signed_in(live_server, cookies: dict) -> bool:
    response = requests.get(
        live_server.url + reverse("accounts:home"),
        cookies=cookies,
        allow_redirects=False,
        timeout=10,
    )
    return response.status_code == 200


def session_snapshot(client) -> dict:
    return dict(client.session.items())


def session_restore(client, snapshot: dict) -> None:
    """Write back session data read earlier, as an overlapping request's save does."""
    session = client.session
    session.update(snapshot)
    session.save()


@pytest.mark.django_db
def test_wrong_sign_in_codes_count_even_when_the_session_forgets_them(client, sms_outbox):
    UserFactory(phone="+8613812345678")
    client.post(reverse("account_login"), {"login": "13812345678"})
    code = code_from(sms_outbox[-1])
    before = session_snapshot(client)
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": wrong(code)})
    session_restore(client, before)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert "_auth_user_id" not in client.session
    assert VOID in response.text


@pytest.mark.django_db
def test_after_a_voided_code_a_new_code_works(client, sms_outbox):
    worker = UserFactory(phone="+8613812345678")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(reverse("account_login"), {"login": "13812345678"})
        code = code_from(sms_outbox[-1])
        before = session_snapshot(client)
        for _ in range(3):
            client.post(reverse("account_confirm_login_code"), {"code": wrong(code)})
        session_restore(client, before)

        assert VOID in client.post(reverse("account_confirm_login_code"), {"code": code}).text

        traveller.shift(timedelta(seconds=61))  # one code a minute per number
        fresh = client.__class__()  # the sign-in started over (or "cancel" on the code page)
        fresh.post(reverse("account_login"), {"login": "13812345678"})
        new_code = code_from(sms_outbox[-1])
        assert new_code != code  # one in a million: the same code would stay void
        fresh.post(reverse("account_confirm_login_code"), {"code": new_code})
    assert int(fresh.session["_auth_user_id"]) == worker.pk


@pytest.mark.django_db
def test_wrong_signup_codes_count_even_when_the_session_forgets_them(client, sms_outbox):
    response = client.post(reverse("account_signup"), {"phone": "13700001234"})
    verify_url = response.url
    code = code_from(sms_outbox[-1])
    before = session_snapshot(client)
    for _ in range(3):
        client.post(verify_url, {"code": wrong(code)})
    session_restore(client, before)

    response = client.post(verify_url, {"code": code})
    assert "_auth_user_id" not in client.session
    assert VOID in response.text
    assert not User.objects.get(phone="+8613700001234").phone_verified


@pytest.mark.django_db
def test_third_wrong_signup_code_voids_the_code(client, sms_outbox):
    response = client.post(reverse("account_signup"), {"phone": "13700001234"})
    verify_url = response.url
    code = code_from(sms_outbox[-1])
    for _ in range(3):
        client.post(verify_url, {"code": wrong(code)})

    client.post(verify_url, {"code": code})
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(phone="+8613700001234").phone_verified


@pytest.mark.django_db
def test_two_wrong_codes_leave_the_right_one_usable(client, sms_outbox):
    worker = UserFactory(phone="+8613812345678")
    client.post(reverse("account_login"), {"login": "13812345678"})
    code = code_from(sms_outbox[-1])
    for _ in range(2):
        client.post(reverse("account_confirm_login_code"), {"code": wrong(code)})
    client.post(reverse("account_confirm_login_code"), {"code": code})
    assert int(client.session["_auth_user_id"]) == worker.pk


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_codes_void_the_sign_in_code(live_server, sms_outbox):
    UserFactory(phone="+8613812345678")
    http = requests.Session()
    login_url = live_server.url + reverse("account_login")
    response = http.post(
        login_url,
        {"login": "13812345678", "csrfmiddlewaretoken": csrf_token(http, login_url)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.headers["Location"] == reverse("account_confirm_login_code")
    code = code_from(sms_outbox[-1])
    confirm_url = live_server.url + reverse("account_confirm_login_code")
    token = csrf_token(http, confirm_url)
    cookies = http.cookies.get_dict()

    statuses = post_concurrently(
        confirm_url, cookies, {"code": wrong(code), "csrfmiddlewaretoken": token}, GUESSES
    )
    assert len(statuses) == GUESSES and 500 not in statuses

    response = requests.post(
        confirm_url,
        {"code": code, "csrfmiddlewaretoken": token},
        cookies=cookies,
        allow_redirects=False,
        timeout=10,
    )
    assert not signed_in(live_server, {**cookies, **response.cookies.get_dict()})
    assert response.status_code == 302 or VOID in response.text


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_codes_void_the_signup_verification_code(live_server, sms_outbox):
    http = requests.Session()
    signup_url = live_server.url + reverse("account_signup")
    response = http.post(
        signup_url,
        {"phone": "13700001234", "csrfmiddlewaretoken": csrf_token(http, signup_url)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    verify_url = live_server.url + response.headers["Location"]
    code = code_from(sms_outbox[-1])
    token = csrf_token(http, verify_url)
    cookies = http.cookies.get_dict()

    statuses = post_concurrently(
        verify_url, cookies, {"code": wrong(code), "csrfmiddlewaretoken": token}, GUESSES
    )
    assert len(statuses) == GUESSES and 500 not in statuses

    response = requests.post(
        verify_url,
        {"code": code, "csrfmiddlewaretoken": token},
        cookies=cookies,
        allow_redirects=False,
        timeout=10,
    )
    assert not signed_in(live_server, {**cookies, **response.cookies.get_dict()})
    assert response.status_code == 302 or VOID in response.text
    assert not User.objects.get(phone="+8613700001234").phone_verified


@pytest.mark.django_db
def test_guess_counts_live_in_the_database_expire_with_the_code_and_are_pruned(rf):
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.code_attempts import code_attempt_take, code_guess_counts_prune
    from accounts.models import CodeGuessCount

    request = rf.post("/")
    request.session = SessionStore()
    request.session.create()

    def take() -> bool:
        return code_attempt_take(
            request=request, expected_code="123456", max_attempts=3, timeout=600
        )

    assert [take() for _ in range(4)] == [True, True, True, False]
    # Counted in the database, atomically whatever the cache (the default one is not).
    assert CodeGuessCount.objects.get().guesses == 4
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert take()  # the same code sent again after the old one expired starts afresh
        assert CodeGuessCount.objects.get().guesses == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert code_guess_counts_prune() == 1
    assert not CodeGuessCount.objects.exists()
