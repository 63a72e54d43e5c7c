"""QR-code tokens for session check-in: an HMAC over the session, the direction and a 15-second
time step. A code is accepted during its own step and the one before, so a photo forwarded to
someone at home is useless within half a minute; a printed static code never expires and is
marked as weaker wherever it is used.

A session may also ask for a confirmation number: four digits shown beside the rotating code and
typed by the worker, so that a link forwarded live (which carries the token but not the screen)
is not enough. It comes from the same key and the same time step as the token, so any web node
computes it with nothing shared but the session row; it is not computable from the token itself.

Hand-written because it is a few lines over the standard library's `hmac`; the TOTP libraries
(pyotp) derive 6-digit codes for humans, not URL tokens bound to an object.
"""

import base64
import hashlib
import hmac
import time
import unicodedata

from django.conf import settings

STEP_SECONDS = 15
CHECK_IN = "in"
CHECK_OUT = "out"
STATIC_PREFIX = "s"
CONFIRMATION_DIGITS = 4


def _digest(session, message: str) -> str:
    key = f"{settings.SECRET_KEY}:checkin:{session.secret}".encode()
    raw = hmac.new(key, f"{session.pk}:{message}".encode(), hashlib.sha256).digest()
    return base64.b32encode(raw[:10]).decode().lower()


def step_at(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def rotating_token(session, direction: str, *, now: float | None = None) -> str:
    return _digest(session, f"{direction}:{step_at(now)}")


def static_token(session, direction: str) -> str:
    return f"{STATIC_PREFIX}{_digest(session, f'{direction}:static')}"


def token_check(session, direction: str, token: str, *, now: float | None = None) -> str | None:
    """The method ("rotating" or "static") if the token is valid now, else None."""
    token = (token or "").strip().lower()
    if token.startswith(STATIC_PREFIX) and hmac.compare_digest(
        token, static_token(session, direction)
    ):
        return "static"
    step = step_at(now)
    for candidate_step in (step, step - 1):
        expected = _digest(session, f"{direction}:{candidate_step}")
        if hmac.compare_digest(token, expected):
            return "rotating"
    return None


def confirmation_number(session, direction: str, *, now: float | None = None) -> str:
    """The number shown beside the rotating code during this time step."""
    return _confirmation_at(session, direction, step_at(now))


def _confirmation_at(session, direction: str, step: int) -> str:
    digest = base64.b32decode(_digest(session, f"{direction}:{step}:confirm").upper())
    number = int.from_bytes(digest[:4], "big") % 10**CONFIRMATION_DIGITS
    return f"{number:0{CONFIRMATION_DIGITS}d}"


def confirmation_check(session, direction: str, number: str, *, now: float | None = None) -> bool:
    """Whether the number is the one on the screen now or during the step before, as for codes."""
    # NFKC: a Chinese keyboard may type full-width digits (１２３４).
    number = "".join(unicodedata.normalize("NFKC", number or "").split())
    if not (number.isascii() and number.isdigit()):
        return False
    step = step_at(now)
    return any(
        hmac.compare_digest(number, _confirmation_at(session, direction, candidate))
        for candidate in (step, step - 1)
    )
