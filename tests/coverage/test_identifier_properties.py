"""Properties of ID numbers over many generated cases (hypothesis): the test generator makes
only valid numbers, and the check character catches every single-character typo."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from coverage.identifiers import clean_id_number, id_number_mangled_by_excel, mask_id_number
from tests.helpers.identities import id_number

serials = st.integers(min_value=0, max_value=5_000_000)
births = st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2005, 12, 31))
regions = st.sampled_from(["220102", "220183", "222401", "110101", "440305"])


@given(serials, births, regions)
def test_every_generated_id_number_is_valid(n, born, region):
    number = id_number(n, born=f"{born:%Y%m%d}", region=region)
    assert clean_id_number(number) == number
    assert clean_id_number(number.lower()) == number


@given(st.lists(serials, min_size=2, max_size=20, unique=True))
def test_distinct_serials_give_distinct_id_numbers(ns):
    assert len({id_number(n) for n in ns}) == len(ns)


@given(serials, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_typo_is_rejected(n, position, character):
    number = id_number(n)
    typo = number[:position] + character + number[position + 1 :]
    if typo == number:
        return
    with pytest.raises(ValidationError):
        clean_id_number(typo)


@given(serials)
def test_the_mask_hides_the_birth_date_and_keeps_region_and_last_four(n):
    number = id_number(n)
    masked = mask_id_number(number)
    assert (len(masked), masked[:6], masked[-4:]) == (18, number[:6], number[-4:])
    assert number[6:14] not in masked


@given(serials)
def test_what_excel_makes_of_a_stored_number_is_recognised(n):
    number = id_number(n)
    if number.endswith("X"):
        return  # Excel keeps such a cell as text
    kept = int(Decimal(f"{int(number):.14e}"))  # Excel keeps 15 significant digits
    if str(kept) == number:
        return  # nothing was lost
    assert id_number_mangled_by_excel(f"{kept:.5E}")
    assert id_number_mangled_by_excel(f"{kept}.0")
    # Saved as digits, one in eleven passes the check character: a valid number of
    # somebody else, which no rule can tell from a typed one.
    shown = str(kept)
    assert id_number_mangled_by_excel(shown) or clean_id_number(shown) == shown
