"""The client's address: one rule for the audit log, the check-in flags and every rate limit.

allauth's rate limits read it too (accounts.adapter.AccountAdapter.get_client_ip), so a limit
"per IP" is per client, not per proxy. allauth has its own version of this rule, but in an
internal module (allauth.core.internal.httpkit) that raises ImproperlyConfigured, a 500, when the
header is shorter than the proxy count; here a short or garbled header falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind N trusted proxies the N-th X-Forwarded-For entry from the right."""
    # Each proxy appends the address it received the request from, so the N-th entry from the
    # right is the one our outermost proxy saw; whatever stands left of it came from the client
    # and may be forged.
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        entries = forwarded.split(",")
        if len(entries) >= proxies:
            address = _valid_ip(entries[-proxies])
            if address:
                return address
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    # Some proxies write "address:port" ("[v6]:port" for IPv6), as allauth also accepts.
    host, port = split_domain_port(value)
    if port and host:
        try:
            return str(ipaddress.ip_address(host.removeprefix("[").removesuffix("]")))
        except ValueError:
            return None
    return None
