"""One client address behind the configured proxies: the audit log, allauth's and our rate
limits all see the client, never the proxy, and a forged X-Forwarded-For changes nothing."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.internal.httpkit import get_client_ip as allauth_get_client_ip
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coverage.audit.client_ip import client_ip
from coverage.models import AuditLog
from tests.factories import MembershipFactory, TrainingSessionFactory

NGINX = "10.0.0.2"
CLIENT = "203.0.113.9"
OTHER_CLIENT = "198.51.100.7"

# (trusted proxies, X-Forwarded-For or None, REMOTE_ADDR, the client's address)
WELL_FORMED = [
    (0, None, CLIENT, CLIENT),
    (0, "6.6.6.6", CLIENT, CLIENT),  # no proxy trusted: a forged header is ignored
    (1, None, CLIENT, CLIENT),  # reached directly, without the proxy
    (1, CLIENT, NGINX, CLIENT),
    (1, f"6.6.6.6, 7.7.7.7, {CLIENT}", NGINX, CLIENT),  # forged entries stand to the left
    (2, f"{CLIENT}, 10.0.0.3", NGINX, CLIENT),
    (2, f"6.6.6.6,{CLIENT},10.0.0.3", NGINX, CLIENT),
    (1, "2001:DB8:0::1", NGINX, "2001:db8::1"),
    (1, f"{CLIENT}:51234", NGINX, CLIENT),
    (1, "[2001:db8::1]:443", NGINX, "2001:db8::1"),
]
# Where allauth's own rule raises or gives up, ours falls back to REMOTE_ADDR.
MALFORMED = [
    (2, CLIENT, NGINX, NGINX),  # shorter than the proxy count
    (1, "not-an-address", NGINX, NGINX),
    (1, f"{CLIENT}, ", NGINX, NGINX),
    (1, "<script>", "garbage", None),
    (0, None, "", None),
]


def request_with(forwarded: str | None, remote: str):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def trust(settings, proxies: int) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies


@pytest.mark.parametrize(("proxies", "forwarded", "remote", "expected"), WELL_FORMED + MALFORMED)
def test_client_ip_takes_the_address_the_outermost_trusted_proxy_saw(
    settings, proxies, forwarded, remote, expected
):
    trust(settings, proxies)
    assert client_ip(request_with(forwarded, remote)) == expected


@pytest.mark.parametrize(("proxies", "forwarded", "remote", "expected"), WELL_FORMED)
def test_allauth_finds_the_same_address_by_its_own_rule(
    settings, proxies, forwarded, remote, expected
):
    trust(settings, proxies)
    request = request_with(forwarded, remote)
    assert allauth_get_client_ip(request) == client_ip(request) == expected


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [row for row in WELL_FORMED + MALFORMED if row[3]],
)
def test_allauth_rate_limits_key_on_our_address(settings, proxies, forwarded, remote, expected):
    trust(settings, proxies)
    request = request_with(forwarded, remote)
    assert get_adapter(request).get_client_ip(request) == expected


@pytest.mark.slow
def test_one_setting_feeds_both_rules():
    env = {
        **os.environ,
        "TRUSTED_PROXY_COUNT": "2",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    root = Path(__file__).resolve().parents[2]
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    env["PYTHONPATH"] = os.pathsep.join([str(root / "site"), str(root)])
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["2", "2"]


def request_code(client, phone: str, *, forwarded: str):
    return client.post(
        reverse("account_login"),
        {"login": phone},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_sms_limit_counts_per_client_behind_the_proxy(client, settings, sms_outbox):
    trust(settings, 1)
    for n in range(20):
        request_code(client.__class__(), f"1390000{n:04d}", forwarded=CLIENT)
    assert len(sms_outbox) == 20
    # The client cannot escape its limit by forging entries: nginx appends what it saw.
    for forged in ("1.2.3.4", "1.2.3.4, 5.6.7.8"):
        request_code(client.__class__(), "13900009999", forwarded=f"{forged}, {CLIENT}")
    assert len(sms_outbox) == 20
    # Another client behind the same proxy has its own twenty.
    response = request_code(client.__class__(), "13900009999", forwarded=OTHER_CLIENT)
    assert response.status_code == 302
    assert len(sms_outbox) == 21


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_header_does_not_buy_more_codes(
    client, settings, sms_outbox
):
    trust(settings, 0)
    for n in range(21):
        client.__class__().post(
            reverse("account_login"),
            {"login": f"1390000{n:04d}"},
            REMOTE_ADDR=CLIENT,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert len(sms_outbox) == 20


@pytest.mark.django_db
def test_certificate_lookups_are_limited_per_client_behind_the_proxy(client, settings):
    trust(settings, 1)
    url = reverse("courses:certificate_verify", args=["YF2026NOSUCHONE"])
    for _ in range(30):
        client.get(url, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=CLIENT)
    limited = client.get(url, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}")
    assert limited.status_code == 429
    other = client.get(url, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=OTHER_CLIENT)
    assert other.status_code == 404


@pytest.mark.django_db
def test_audit_log_records_the_client_not_the_proxy(client, settings, jilin):
    trust(settings, 1)
    membership = MembershipFactory(enterprise__region=jilin["220102"])
    now = timezone.now()
    session = TrainingSessionFactory(
        organiser=membership.enterprise,
        title="安全生产集中培训",
        venue="会议中心",
        region=jilin["220102"],
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=1),
    )
    client.force_login(membership.user)
    response = client.get(
        reverse("coverage:session_detail", args=[session.pk]) + "?export=csv",
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}",
    )
    assert response.status_code == 200
    assert AuditLog.objects.get().ip_address == CLIENT
