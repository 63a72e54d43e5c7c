"""Reads of certificates: finding one by a serial read off paper, what verification shows."""

import re

from courses.models import Certificate


def name_mask(name: str) -> str:
    """The first character and a star for every other: 张伟 → 张*, 欧阳小明 → 欧***.

    A one-character name becomes a single star, so a name is never shown whole.
    """
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    return name[0] + "*" * (len(name) - 1)


def serial_normalise(raw: str) -> str:
    """Serials are read off paper: ignore case, spaces, dashes and anything not a letter or
    digit (no serial has one, and a slash must not reach the URL)."""
    return re.sub(r"[^A-Za-z0-9]+", "", raw or "").upper()


def certificate_find(*, serial: str) -> Certificate | None:
    serial = serial_normalise(serial)
    if not serial or len(serial) > 24:
        return None
    return Certificate.objects.filter(serial=serial).first()
