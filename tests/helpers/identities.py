"""The one generator of ID numbers for tests: valid GB 11643 numbers, distinct per n.

Pure (no Django), so tests/data/make_roster_files.py writes its files with it too. The
benchmarks' numpy generator (tests/bench/identities.py) makes millions at once instead.
"""

import datetime

from stdnum.cn import ric

SEQUENCES = 1000  # the three-digit order code of people born on one day in one county


def id_number(n: int, born: str = "19800101", region: str = "220102") -> str:
    """A valid ID number from `region` (长春市南关区 by default), distinct for distinct n ≥ 0.

    n < 1000 gives order code n on the birth date `born`; each further thousand is born a day
    later, so any n is valid.
    """
    first = datetime.date(int(born[:4]), int(born[4:6]), int(born[6:]))
    birth = first + datetime.timedelta(days=n // SEQUENCES)
    body = f"{region}{birth:%Y%m%d}{n % SEQUENCES:03d}"
    return body + ric.calc_check_digit(body + "0")


def id_number_ending_in_x(born: str) -> str:
    """A valid ID number whose check character is X, born on `born`."""
    return next(number for n in range(1, SEQUENCES) if (number := id_number(n, born)).endswith("X"))
