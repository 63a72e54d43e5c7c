"""The roster import's keyed hashes (`pii_lookup_hashes`, HMAC built from two SHA-256 states)
are exactly the standard library's HMAC-SHA256, for any key length, and follow a changed key."""

import hashlib
import hmac

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from coverage.pii import pii_lookup_hash, pii_lookup_hashes

# Shorter than SHA-256's 64-byte block, exactly one block, longer (hashed first), non-ASCII.
KEYS = ["k", "x" * 63, "y" * 64, "z" * 65, "密钥" * 40]


@given(st.sampled_from(KEYS), st.lists(st.text(max_size=30), max_size=10))
def test_same_as_hmac_sha256(key, values):
    with override_settings(PII_HASH_KEY=key):
        expected = [
            hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest() for value in values
        ]
        assert pii_lookup_hashes(values) == expected
        assert [pii_lookup_hash(value) for value in values] == expected


def test_a_changed_key_changes_the_hashes():
    with override_settings(PII_HASH_KEY="first"):
        first = pii_lookup_hashes(["220102198001010004"])
    with override_settings(PII_HASH_KEY="second"):
        second = pii_lookup_hashes(["220102198001010004"])
    assert first != second
