"""Chinese identifiers: resident ID numbers, unified social credit codes, mobile numbers.

The one place where they are validated and normalised; forms, imports, serializers and model
validation all call these functions. Each `clean_*` returns the normalised value or raises a
`ValidationError` whose message tells the user what is wrong.
"""

import datetime
import itertools
import re

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc

# GB/T 2260 province-level codes (the first two digits of a resident ID number).
PROVINCE_PREFIXES = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65", "71", "81", "82", "83"),
    }
)

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u3000()（）]")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def clean_mobile(raw: str) -> str:
    """Return a mainland mobile number as 11 digits; accepts +86, 0086, spaces and dashes."""
    if isinstance(raw, str) and len(raw) == 11 and raw.isascii() and _MOBILE.fullmatch(raw):
        return raw  # already as stored: most of a roster's phones
    number = _SEPARATORS.sub("", str(raw or ""))
    for prefix in ("+86", "0086", "86"):
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            number = number[len(prefix) :]
            break
    if not _MOBILE.fullmatch(number):
        raise ValidationError(
            _("“%(value)s” is not a mainland mobile number (11 digits starting with 13–19)."),
            code="invalid_mobile",
            params={"value": raw},
        )
    return number


def mobile_to_e164(raw: str) -> str:
    """Return the number in E.164 (+8613800138000), the form allauth stores and compares."""
    return "+86" + clean_mobile(raw)


def mask_mobile(number: str) -> str:
    """138****8000: enough to recognise one's own number, not enough to call it."""
    national = number[-11:] if number else ""
    if len(national) != 11:
        return "*" * len(number or "")
    return f"{national[:3]}****{national[7:]}"


_LEGACY_ID = re.compile(r"\d{15}")
_ID = re.compile(r"\d{17}[\dX]")


def clean_id_number(raw: str, *, today: datetime.date | None = None) -> str:
    """Return an 18-character resident ID number (uppercase X) or raise with the reason.

    stdnum's `ric.validate()` is not used: it also checks the place code against the code
    table of the birth year and so rejects real people (see STACK.md). Its check digit is;
    the birth date is read here (`ric.get_birth_date` cleans the number again, a cost a
    100,000-row import felt). `today` (the local date) lets a caller checking many numbers
    look it up once.
    """
    number = str(raw or "")
    if not number.isalnum():  # separators are neither letters nor digits
        number = _SEPARATORS.sub("", number)
    if "x" in number:  # the only letter a valid number has; a copy only when needed
        number = number.upper()
    if _LEGACY_ID.fullmatch(number):
        raise ValidationError(
            _(
                "“%(value)s” is an old 15-digit ID number; please enter the current "
                "18-digit number."
            ),
            code="legacy_id",
            params={"value": raw},
        )
    if not _ID.fullmatch(number):
        raise ValidationError(
            _("“%(value)s” is not an ID number: it must be 17 digits followed by a digit or X."),
            code="invalid_id_format",
            params={"value": raw},
        )
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            _("“%(value)s” does not start with a valid province code."),
            code="invalid_id_region",
            params={"value": raw},
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if today is None:
        today = timezone.localdate()
    if birth is None or birth < datetime.date(1900, 1, 1) or birth > today:
        raise ValidationError(
            _("“%(value)s” contains an impossible birth date (digits 7–14)."),
            code="invalid_id_birth_date",
            params={"value": raw},
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(
            _("The check character of “%(value)s” is wrong; please check the number for typos."),
            code="invalid_id_checksum",
            params={"value": raw},
        )
    return number


def mask_id_number(number: str) -> str:
    """220102********123X: region and the last four, as Chinese services show it."""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[14:]}"


def clean_credit_code(raw: str) -> str:
    """Return an 18-character unified social credit code (GB 32100-2015) or raise."""
    code = _SEPARATORS.sub("", str(raw or "")).upper()
    try:
        return uscc.validate(code)
    except uscc.ValidationError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid unified social credit code (18 characters)."),
            code="invalid_credit_code",
            params={"value": raw},
        ) from error


def validate_credit_code(value: str) -> None:
    """Model-field validator form of `clean_credit_code`."""
    clean_credit_code(value)


_EXCEL_NUMBER = re.compile(r"\d+(\.\d*)?[eE][+-]?\d+|\d+\.\d+")


def id_number_mangled_by_excel(raw: str) -> bool:
    """Whether the text is what Excel makes of an ID number it stored as a number.

    Excel keeps 15 significant digits: it shows 2.20102E+17, saves 220102198001011000 (the
    last three digits lost, so the check character fails) or 220102198001011000.0. Such a
    number cannot be repaired, only typed again into a column formatted as text.
    """
    text = _SEPARATORS.sub("", str(raw or ""))
    if _EXCEL_NUMBER.fullmatch(text):
        return True
    return (
        len(text) == 18
        and text.isdigit()
        and text.endswith("000")
        and ric.calc_check_digit(text) != text[17]
    )


# Weights of the first 17 digits in the check character: 13^(16-i) mod 11, as int(…, 13) in
# stdnum's calc_check_digit reads them (13 ≡ 2 mod 11).
_ID_WEIGHTS = [pow(2, 16 - i, 11) for i in range(17)]
_PROVINCE_TABLE = [f"{code:02d}" in PROVINCE_PREFIXES for code in range(100)]
_DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def id_numbers_plainly_valid(values: list[str], *, today: datetime.date) -> list[bool]:
    """For each value: True when it is, exactly as written, an ID number that `clean_id_number`
    returns unchanged (18 ASCII characters, digits and a final digit or X, a province code, a
    possible birth date from 1900 to `today`, the right check character). All numbers at once
    in numpy: a roster's 100,000 numbers cost ~0.1 s instead of ~2 s one by one. False says
    only "not plainly": such a value goes through `clean_id_number`, which cleans it or says
    what is wrong."""
    count = len(values)
    fits = np.fromiter(map(len, values), dtype=np.int64, count=count) == 18
    valid = np.zeros(count, dtype=bool)
    if not fits.any():
        return valid.tolist()
    text = "".join(values if fits.all() else itertools.compress(values, fits))
    # One byte a character when all are ASCII (nearly always); else UTF-32, one code point
    # per element, so that any character (a full-width digit) is seen whole.
    ascii_only = text.isascii()
    data = text.encode("ascii") if ascii_only else text.encode("utf-32-le", "surrogatepass")
    chars = np.frombuffer(data, dtype=np.uint8 if ascii_only else np.uint32)
    chars = chars.reshape(-1, 18).astype(np.int32)
    digits = chars - ord("0")
    ok = ((digits[:, :17] >= 0) & (digits[:, :17] <= 9)).all(axis=1)
    last = chars[:, 17]
    ok &= ((last >= ord("0")) & (last <= ord("9"))) | (last == ord("X"))
    digits = np.where(ok[:, None], digits, 0)  # rows already refused read as zeros below
    ok &= np.array(_PROVINCE_TABLE)[digits[:, 0] * 10 + digits[:, 1]]
    year = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    month = digits[:, 10] * 10 + digits[:, 11]
    day = digits[:, 12] * 10 + digits[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days = np.array(_DAYS_IN_MONTH)[np.where(month_ok, month, 0)] + (leap & (month == 2))
    ok &= month_ok & (day >= 1) & (day <= days)
    stamp = year * 10000 + month * 100 + day
    ok &= (stamp >= 19000101) & (stamp <= today.year * 10000 + today.month * 100 + today.day)
    check = (1 - 2 * (digits[:, :17] @ np.array(_ID_WEIGHTS))) % 11
    ok &= np.where(check == 10, last == ord("X"), last == check + ord("0"))
    valid[fits] = ok
    return valid.tolist()


def mobiles_plainly_valid(values: list[str]) -> list[bool]:
    """For each value: True when `clean_mobile` returns it unchanged (11 ASCII digits starting
    13–19), judged all at once like `id_numbers_plainly_valid`; False leaves it to
    `clean_mobile`, which cleans it or says what is wrong."""
    count = len(values)
    fits = np.fromiter(map(len, values), dtype=np.int64, count=count) == 11
    valid = np.zeros(count, dtype=bool)
    if not fits.any():
        return valid.tolist()
    text = "".join(values if fits.all() else itertools.compress(values, fits))
    ascii_only = text.isascii()
    data = text.encode("ascii") if ascii_only else text.encode("utf-32-le", "surrogatepass")
    chars = np.frombuffer(data, dtype=np.uint8 if ascii_only else np.uint32)
    digits = chars.reshape(-1, 11).astype(np.int32) - ord("0")
    ok = ((digits >= 0) & (digits <= 9)).all(axis=1)
    ok &= (digits[:, 0] == 1) & (digits[:, 1] >= 3)
    valid[fits] = ok
    return valid.tolist()
