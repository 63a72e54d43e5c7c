"""`id_numbers_plainly_valid` and `mobiles_plainly_valid`, the roster import's checks of all ID
numbers and phones at once, against `clean_id_number` and `clean_mobile` one by one: they never
pass a value that the single check would refuse or change, and they pass every valid value
written as stored (in ASCII)."""

import datetime

from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from coverage.identifiers import (
    clean_id_number,
    clean_mobile,
    id_numbers_plainly_valid,
    mobiles_plainly_valid,
)
from tests.helpers.identities import id_number, id_number_ending_in_x

TODAY = datetime.date(2026, 12, 1)
serials = st.integers(min_value=0, max_value=5_000_000)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
regions = st.sampled_from(["220102", "220183", "110101", "440305", "990101", "000000"])
# Digits, X, x and the characters people paste around ID numbers.
characters = st.sampled_from("0123456789Xx -'０１９Ｘ\u3000")


def _single(value: str) -> str | None:
    try:
        return clean_id_number(value, today=TODAY)
    except ValidationError:
        return None


def _agrees(values: list[str]) -> None:
    for value, plain in zip(values, id_numbers_plainly_valid(values, today=TODAY), strict=True):
        if plain:
            assert _single(value) == value, value
        elif value.isascii():
            # Not plainly valid: refused, or valid only once cleaned (so not as written).
            # (`clean_id_number`'s \d also takes full-width digits, which the import turns
            # into ASCII before it checks; the bulk check leaves them to it.)
            assert _single(value) != value, value


@given(st.lists(st.tuples(serials, births, regions), max_size=30))
def test_generated_numbers_are_judged_as_one_by_one(people):
    _agrees([id_number(n, born=f"{born:%Y%m%d}", region=region) for n, born, region in people])


@given(serials, st.integers(min_value=0, max_value=17), characters)
@example(0, 12, "3")  # day 31 of a month that may not have it
def test_any_single_character_change_is_judged_as_one_by_one(n, position, character):
    for born in ("19800101", "20000229", "19001231", "20261130"):
        number = id_number(n % 1000, born=born)
        _agrees([number, number[:position] + character + number[position + 1 :]])


@given(st.lists(st.text(characters, min_size=0, max_size=20), max_size=20))
def test_any_text_is_judged_as_one_by_one(values):
    _agrees(values)


def test_dates_at_the_edges():
    values = [
        id_number(1, born="20000229"),  # a leap day
        id_number(1, born="19000101"),  # the first date accepted
        id_number(1, born=f"{TODAY:%Y%m%d}"),  # born today
        id_number_ending_in_x("19850612"),
        id_number_ending_in_x("19850612").lower(),  # valid once uppercased: not as written
        id_number(1, born="19000101")[:6] + "18991231" + "0000",  # before 1900
        id_number(1, born="20261202"),  # tomorrow
        "22010219000229001X",  # 1900 was no leap year
        "",
        "2201021980010100",
    ]
    assert id_numbers_plainly_valid(values, today=TODAY) == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        False,
        False,
    ]
    _agrees(values)


def _mobile(value: str) -> str | None:
    try:
        return clean_mobile(value)
    except ValidationError:
        return None


@given(st.lists(st.text(st.sampled_from("0123456789 +-１"), max_size=14), max_size=20))
@example(["13800138000", "12800138000", "1380013800", "138001380000", "+8613800138000", ""])
def test_mobiles_are_judged_as_one_by_one(values):
    for value, plain in zip(values, mobiles_plainly_valid(values), strict=True):
        if plain:
            assert _mobile(value) == value, value
        elif value.isascii():
            assert _mobile(value) != value, value


def test_mobiles_written_as_stored_pass():
    values = [
        "13800138000",
        "19912345678",
        "12800138000",
        "138 0013 8000",
        "１３８００１３８０００",
    ]
    assert mobiles_plainly_valid(values) == [True, True, False, False, False]
