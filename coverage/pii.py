"""Personal information at rest (PIPL): ID numbers and phones are encrypted, found by keyed hash.

Keys come from PII_ENCRYPTION_KEYS (Fernet keys, newest first): the first encrypts, all of
them decrypt, so a key is rotated by putting a new one first and keeping the old ones listed
until nothing encrypted under them is left. Values are written as `p1.` + urlsafe base64 of
(key id, nonce, AES-256-GCM ciphertext and tag), the AES key derived from each PII key with
HKDF: Fernet cost ~67 µs a value in Python, which made a 100,000-row roster wait seconds for
encryption alone. Fernet tokens written before (they start `gAAAA`, never `p1.`) still
decrypt through MultiFernet with the same keys. Nonces are random (96 bits): far below the
2^32 values per key where their collisions would begin to matter.

A plain SHA-256 of an ID number would be reversible by enumerating birth dates and places, so
lookups use an HMAC with a separate secret key (PII_HASH_KEY). Private files wrap their data
keys with Fernet (`pii_encrypt_bytes`), a few per file, where its cost does not show.
"""

import base64
import hashlib
import hmac
import os
from functools import cache, lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "p1."
NONCE_BYTES = 12
KEY_ID_BYTES = 4
_HKDF_INFO = b"yufang pii aes-256-gcm v1"


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.PII_ENCRYPTION_KEYS])


@lru_cache(maxsize=4)
def _aead_keys(keys: tuple[str, ...]) -> tuple[tuple[bytes, AESGCM], dict[bytes, AESGCM]]:
    """(key id and cipher of the newest key, key id → cipher of every key), from the settings'
    keys (the argument, so a changed setting is seen without clearing a cache)."""
    ciphers = {}
    for key in keys:
        secret = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
            base64.urlsafe_b64decode(key)
        )
        key_id = hashlib.sha256(secret).digest()[:KEY_ID_BYTES]
        ciphers.setdefault(key_id, AESGCM(secret))
        if len(ciphers) == 1:
            newest = (key_id, ciphers[key_id])
    return newest, ciphers


def _keys():
    return _aead_keys(tuple(settings.PII_ENCRYPTION_KEYS))


def pii_encrypt(value: str) -> str:
    return pii_encrypt_many([value])[0]


def pii_encrypt_many(values: list[str]) -> list[str]:
    """`pii_encrypt` of each value, with one key lookup and one call for all nonces."""
    (key_id, cipher), _all = _keys()
    nonces = os.urandom(NONCE_BYTES * len(values))
    encode, encrypt = base64.urlsafe_b64encode, cipher.encrypt
    out = []
    for index, value in enumerate(values):
        if not value:
            out.append("")
            continue
        nonce = nonces[index * NONCE_BYTES : (index + 1) * NONCE_BYTES]
        sealed = encrypt(nonce, value.encode(), None)
        out.append(PREFIX + encode(key_id + nonce + sealed).decode())
    return out


def pii_decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):  # a Fernet token from before
        return _fernet().decrypt(token.encode()).decode()
    data = base64.urlsafe_b64decode(token[len(PREFIX) :])
    cipher = _keys()[1].get(data[:KEY_ID_BYTES])
    if cipher is None:
        raise InvalidToken("encrypted under a key no longer in PII_ENCRYPTION_KEYS")
    start = KEY_ID_BYTES + NONCE_BYTES
    try:
        return cipher.decrypt(data[KEY_ID_BYTES:start], data[start:], None).decode()
    except InvalidTag as error:
        raise InvalidToken("altered or damaged ciphertext") from error


def pii_lookup_hash(value: str) -> str:
    return hmac.digest(settings.PII_HASH_KEY.encode(), value.encode(), "sha256").hex()


def pii_lookup_hashes(values: list[str]) -> list[str]:
    """`pii_lookup_hash` of each value: the same HMAC-SHA256 (RFC 2104), built from two SHA-256
    states keyed once and copied per value. OpenSSL's one-shot HMAC sets the key up again for
    every call, which made 100,000 values take ~1.3 s instead of ~0.5 s."""
    inner, outer = _hmac_states(settings.PII_HASH_KEY)
    inner_copy, outer_copy = inner.copy, outer.copy
    out = []
    for value in values:
        hashed = inner_copy()
        hashed.update(value.encode())
        sealed = outer_copy()
        sealed.update(hashed.digest())
        out.append(sealed.hexdigest())
    return out


@lru_cache(maxsize=4)
def _hmac_states(key: str) -> tuple:
    """SHA-256 after the inner and the outer padded key, HMAC's two halves (the setting as the
    argument, so a changed key is seen without clearing a cache)."""
    secret = key.encode()
    block = hashlib.sha256().block_size
    if len(secret) > block:
        secret = hashlib.sha256(secret).digest()
    secret = secret.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in secret))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in secret))
    return inner, outer


def pii_encrypt_bytes(data: bytes) -> bytes:
    """A Fernet token of `data` under the newest PII key (private files wrap their keys so)."""
    return _fernet().encrypt(data)


def pii_decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)
