"""Encryption of ID numbers and phones: the AES-GCM format new values use, the Fernet tokens
stored before it, and key rotation across both."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.utils import translation

from coverage.models import Person
from coverage.pii import (
    pii_decrypt,
    pii_encrypt,
    pii_encrypt_many,
    pii_lookup_hash,
    pii_lookup_hashes,
)
from coverage.rosters.files import RosterRow
from coverage.rosters.services import roster_import
from coverage.services import person_find
from tests.factories import EnterpriseFactory
from tests.helpers.identities import id_number

NEWER = "bmV3ZXIta2V5LWZvci10ZXN0cy1vbmx5LTAxMjM0NTY="


@pytest.fixture
def rotated(settings):
    """Put a new key first (what an operator does to rotate), keeping the old ones."""
    old = list(settings.PII_ENCRYPTION_KEYS)

    def rotate(keys):
        settings.PII_ENCRYPTION_KEYS = keys

    yield old, rotate


def test_new_values_are_aes_gcm_and_read_back():
    token = pii_encrypt("220102198001010011")

    assert token.startswith("p1.")
    assert "220102198001010011" not in token
    assert pii_decrypt(token) == "220102198001010011"
    assert pii_encrypt("") == "" and pii_decrypt("") == ""


def test_the_same_value_encrypts_differently_each_time():
    first, second = pii_encrypt_many(["13800138000", "13800138000"])

    assert first != second
    assert pii_decrypt(first) == pii_decrypt(second) == "13800138000"


def test_encrypting_many_matches_encrypting_one_by_one():
    values = ["13800138000", "", "赵𠮷", id_number(3)]

    assert [pii_decrypt(token) for token in pii_encrypt_many(values)] == values
    assert pii_encrypt_many(values)[1] == ""


def test_fernet_tokens_stored_before_still_decrypt(settings):
    token = Fernet(settings.PII_ENCRYPTION_KEYS[0]).encrypt(b"13800138000").decode()

    assert pii_decrypt(token) == "13800138000"


def test_values_under_an_old_key_read_after_a_new_key_is_put_first(rotated):
    old, rotate = rotated
    aes_gcm = pii_encrypt("13800138000")
    fernet = Fernet(old[0]).encrypt(b"13900139000").decode()

    rotate([NEWER, *old])

    assert pii_decrypt(aes_gcm) == "13800138000"
    assert pii_decrypt(fernet) == "13900139000"
    newer = pii_encrypt("13700137000")
    rotate([NEWER])  # the old key retired: what the newest key wrote still reads
    assert pii_decrypt(newer) == "13700137000"
    with pytest.raises(InvalidToken):
        pii_decrypt(aes_gcm)


def test_an_altered_ciphertext_is_refused():
    token = pii_encrypt("13800138000")
    altered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")

    with pytest.raises(InvalidToken):
        pii_decrypt(altered)


def test_hashes_in_a_batch_are_the_hashes_one_by_one():
    values = [id_number(n) for n in range(5)]

    assert pii_lookup_hashes(values) == [pii_lookup_hash(value) for value in values]


@pytest.mark.django_db
def test_a_person_stored_with_a_fernet_phone_is_unchanged_by_the_same_row(settings):
    enterprise = EnterpriseFactory()
    old = Fernet(settings.PII_ENCRYPTION_KEYS[0])
    Person.objects.create(
        id_number_hash=pii_lookup_hash(id_number(1)),
        id_number_encrypted=old.encrypt(id_number(1).encode()).decode(),
        id_number_masked=id_number(1)[:6] + "********" + id_number(1)[-4:],
        name="张三",
        phone_encrypted=old.encrypt(b"13800138000").decode(),
        phone_masked="138****8000",
    )
    row = RosterRow(2, "张三", id_number(1), "13800138000", "其他", "")

    with translation.override("en"):
        roster_import(enterprise=enterprise, rows=[row], mode="add")
        again = roster_import(enterprise=enterprise, rows=[row], mode="add")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    person = person_find(id_number=id_number(1))
    assert person.phone == "13800138000" and person.id_number == id_number(1)
