"""Personal information at rest (PIPL): ID numbers and phones are encrypted, found by keyed hash.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) through MultiFernet, so keys can be
rotated: the first key of PII_ENCRYPTION_KEYS encrypts, all of them decrypt. A plain SHA-256
of an ID number would be reversible by enumerating birth dates and places, so lookups use an
HMAC with a separate secret key (PII_HASH_KEY).
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.PII_ENCRYPTION_KEYS])


def pii_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def pii_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def pii_lookup_hash(value: str) -> str:
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def pii_encrypt_bytes(data: bytes) -> bytes:
    """A Fernet token of `data` under the newest PII key (private files wrap their keys so)."""
    return _fernet().encrypt(data)


def pii_decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)
