"""Counting guesses at an SMS code so that overlapping requests cannot buy more of them.

allauth counts failed attempts in the session: requests sent together each load the same
count and each save count + 1, so thirty simultaneous guesses cost one attempt and the code
stays usable. Here every guess first takes a number from an atomic counter in the default
cache (Redis in production: INCR) and only the first `max_attempts` guesses are compared at
all; the rest, the right code included, are refused until a new code is sent.
"""

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def _counter_key(*, request: HttpRequest, expected_code: str) -> str:
    # The pending code lives in this session only; a new code (resend, new sign-in) gives a
    # new key and so starts at zero. Keyed by HMAC so the cache never holds the code itself.
    identity = f"{request.session.session_key or ''}:{expected_code}"
    return "code-attempts:" + salted_hmac("accounts.code_attempts", identity).hexdigest()


def code_attempt_take(
    *, request: HttpRequest, expected_code: str, max_attempts: int, timeout: int
) -> bool:
    """Count one guess at the pending code; False once it had `max_attempts` guesses (void)."""
    key = _counter_key(request=request, expected_code=expected_code)
    cache.add(key, 0, timeout=timeout)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted or expired between add and incr: refuse rather than reset
        return False
    return attempts <= max_attempts
