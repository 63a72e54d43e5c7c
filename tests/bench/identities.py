"""Synthetic but valid identifiers, deterministic by index, so the benchmark can rebuild the ID
number of any generated person (and numbers no generated person has) without decrypting."""

import datetime
from math import gcd

import numpy as np

# Mostly Jilin county codes, some from elsewhere: people move to work.
ID_PREFIXES = [
    *("220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122"),
    *("220182", "220183", "220184", "220202", "220203", "220204", "220211", "220221"),
    *("220281", "220282", "220302", "220303", "220382", "220402", "220403", "220502"),
    *("220503", "220581", "220602", "220605", "220702", "220721", "220802", "220881"),
    *("222401", "222402", "222403", "222405", "222426", "210102", "230102", "370102"),
]
_BIRTH_FIRST = datetime.date(1960, 1, 1)
_BIRTH_DAYS = (datetime.date(2003, 12, 31) - _BIRTH_FIRST).days + 1
_SPACE = _BIRTH_DAYS * 1000  # (birth date, 3-digit sequence) pairs under one prefix
_STEP = 7_368_787  # a prime: index -> (date, sequence) is a permutation of the space
assert gcd(_STEP, _SPACE) == 1
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))
MAX_PEOPLE = _SPACE


def _weighted(texts: list[str], weights: np.ndarray) -> np.ndarray:
    digits = np.array([[int(c) for c in text] for text in texts])
    return digits @ weights


_PREFIX_SUM = _weighted(ID_PREFIXES, _ID_WEIGHTS[:6])
_DATES = [
    (_BIRTH_FIRST + datetime.timedelta(days=day)).strftime("%Y%m%d") for day in range(_BIRTH_DAYS)
]
_DATE_SUM = _weighted(_DATES, _ID_WEIGHTS[6:14])
_SEQ_SUM = _weighted([f"{n:03d}" for n in range(1000)], _ID_WEIGHTS[14:])


def id_numbers(start: int, count: int) -> list[str]:
    """The ID numbers of people start … start+count-1: valid, and distinct for distinct indexes."""
    index = np.arange(start, start + count, dtype=np.int64)
    if count and index[-1] >= MAX_PEOPLE:
        raise ValueError(f"at most {MAX_PEOPLE} distinct ID numbers")
    slot = (index * _STEP + 12_345) % _SPACE
    day, seq = slot // 1000, slot % 1000
    prefix = (index * 2_654_435_761 >> 7) % len(ID_PREFIXES)
    check = _ID_CHECK[(_PREFIX_SUM[prefix] + _DATE_SUM[day] + _SEQ_SUM[seq]) % 11]
    return [
        f"{ID_PREFIXES[p]}{_DATES[d]}{s:03d}{c}"
        for p, d, s, c in zip(
            prefix.tolist(), day.tolist(), seq.tolist(), check.tolist(), strict=True
        )
    ]


_SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
_GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红波宁鹏飞志国建春雪梅")


def person_names(rng: np.random.Generator, count: int) -> list[str]:
    surname = rng.integers(0, len(_SURNAMES), count).tolist()
    first = rng.integers(0, len(_GIVEN), count).tolist()
    second = rng.integers(-len(_GIVEN) // 2, len(_GIVEN), count).tolist()  # < 0: one-character
    return [
        _SURNAMES[s] + _GIVEN[f] + (_GIVEN[g] if g >= 0 else "")
        for s, f, g in zip(surname, first, second, strict=True)
    ]


_MOBILE_PREFIXES = [f"1{second}{third}" for second in "3456789" for third in "0123456789"]


def mobiles(rng: np.random.Generator, count: int) -> list[str]:
    prefix = rng.integers(0, len(_MOBILE_PREFIXES), count).tolist()
    rest = rng.integers(0, 100_000_000, count).tolist()
    return [f"{_MOBILE_PREFIXES[p]}{r:08d}" for p, r in zip(prefix, rest, strict=True)]


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(index: int, region_code: str) -> str:
    """A GB 32100-2015 code: 9 (enterprise), 1 (company), region, GB 11714 organisation code."""
    body = f"{index + 10_000_000:08d}"[-8:]
    org_check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    org = body + {10: "X", 11: "0"}.get(org_check, str(org_check))
    code = f"91{region_code}{org}"
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(code, _USCC_WEIGHTS, strict=False))
    return code + _USCC_ALPHABET[(31 - total) % 31]
