"""Reads of 学时证明: finding one by a serial read off paper."""

from courses.certificates.selectors import serial_normalise
from ledger.models import HoursProof


def hours_proof_find(*, serial: str) -> HoursProof | None:
    serial = serial_normalise(serial)
    if not serial or len(serial) > 24:
        return None
    return HoursProof.objects.filter(serial=serial).first()
