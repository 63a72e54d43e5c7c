import pytest
from django.core.exceptions import ValidationError

from coverage.identifiers import (
    clean_credit_code,
    clean_id_number,
    clean_mobile,
    mask_id_number,
    mask_mobile,
    mobile_to_e164,
)
from tests.helpers.identities import id_number

VALID_ID = "11010519491231002X"


@pytest.mark.parametrize(
    "raw", ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "008613800138000"]
)
def test_mobile_numbers_are_normalised(raw):
    assert clean_mobile(raw) == "13800138000"
    assert mobile_to_e164(raw) == "+8613800138000"


@pytest.mark.parametrize("raw", ["", "1380013800", "12800138000", "23800138000", "+1 202 555 0100"])
def test_non_mainland_mobile_numbers_are_rejected(raw):
    with pytest.raises(ValidationError):
        clean_mobile(raw)


def test_id_number_with_lowercase_x_is_accepted_in_uppercase():
    assert clean_id_number(VALID_ID.lower()) == VALID_ID


def test_id_number_born_before_its_place_code_existed_is_accepted():
    # stdnum's ric.validate() rejects this (220102 listed from 1983); people were born there.
    number = id_number(1)  # 220102 19800101 001
    assert number.startswith("22010219800101001")
    assert clean_id_number(number) == number


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110105491231002", "legacy_id"),
        ("11010519491231002", "invalid_id_format"),
        ("11010519491231002Y", "invalid_id_format"),
        ("11010519491231002A", "invalid_id_format"),
        ("99010519491231002X", "invalid_id_region"),
        ("110105194913310021", "invalid_id_birth_date"),
        ("110105194912310021", "invalid_id_checksum"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(raw, code):
    with pytest.raises(ValidationError) as error:
        clean_id_number(raw)
    assert error.value.code == code


def test_masks_keep_only_what_identifies_a_row():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_mobile("+8613800138000") == "138****8000"


def test_credit_code_check_character_is_verified():
    assert clean_credit_code("91220104ma17a00014") == "91220104MA17A00014"
    with pytest.raises(ValidationError):
        clean_credit_code("91220104MA17A00015")
