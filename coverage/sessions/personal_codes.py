"""A worker's personal check-in code, for someone without a smartphone: shown as a QR on 我的 and
on a printable card, scanned by the organiser's check-in desk (coverage/sessions/desk.py).

The code is an HMAC of the person's key and a random nonce under the secret key: it cannot be
guessed, says nothing about the ID number, and can be shown again without being stored; only
its hash is stored, to find the person from a scan in one indexed read. A new nonce (the
worker's "new code") voids the old code and every card printed with it.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coverage.models import Person, PersonalCode

PREFIX = "YF-"
# 100 bits of HMAC: not guessable, still a small QR (alphanumeric mode: upper case only).
CODE_BYTES = 13
CODE_LENGTH = 20


def _code_of(person_pk: int, nonce: str) -> str:
    key = f"{settings.SECRET_KEY}:personal-code".encode()
    raw = hmac.digest(key, f"{person_pk}:{nonce}".encode(), hashlib.sha256)
    return PREFIX + base64.b32encode(raw[:CODE_BYTES]).decode()[:CODE_LENGTH]


def _hash_of(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def personal_code_issue(*, person: Person) -> str:
    """The person's current code, issued on first use; the same code until it is renewed."""
    entry = PersonalCode.objects.filter(person=person).first()
    if entry is None:
        return personal_code_renew(person=person)
    code = _code_of(person.pk, entry.nonce)
    if entry.code_hash != _hash_of(code):
        # The secret key was rotated: the code shown changes, so the stored hash must follow.
        entry.code_hash = _hash_of(code)
        entry.save(update_fields=["code_hash"])
    return code


@transaction.atomic
def personal_code_renew(*, person: Person) -> str:
    """A new code for the person; the old one (and every card printed with it) stops working."""
    nonce = secrets.token_hex(16)
    code = _code_of(person.pk, nonce)
    PersonalCode.objects.update_or_create(
        person=person,
        defaults={"nonce": nonce, "code_hash": _hash_of(code), "issued_at": timezone.now()},
    )
    return code


def personal_code_person(*, code: str) -> Person | None:
    """The person whose current code this is, or None (unknown, mistyped or renewed)."""
    code = "".join((code or "").split()).upper()
    if not code.startswith(PREFIX) or len(code) != len(PREFIX) + CODE_LENGTH:
        return None
    entry = PersonalCode.objects.select_related("person").filter(code_hash=_hash_of(code)).first()
    return entry.person if entry else None
