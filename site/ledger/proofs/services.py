"""Writes of 学时证明: issuing one for a period of the person's ledger, revoking it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.certificates.services import RevokeRefused, serial_make
from coverage.models import AuditLog, Person
from coverage.services import audit_log
from ledger.lines.selectors import ledger_lines, ledger_rows, ledger_totals
from ledger.models import HoursProof

# Kept apart from certificates' YF…: a serial says which kind of paper it is.
SERIAL_PREFIX = "XS"


class ProofRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def hours_proof_issue(*, person: Person, start: datetime.date, end: datetime.date) -> HoursProof:
    """The proof of the person's ledger from `start` to `end` as it stands now. Asking again
    for the same period with nothing changed gives the same proof (one serial, not many)."""
    today = timezone.localdate()
    if start > end:
        raise ProofRefused(_("The period's start is after its end."))
    if end > today:
        end = today
    lines = ledger_rows(ledger_lines(person=person, start=start, end=end))
    hours = ledger_totals(person=person, start=start, end=end).hours
    for existing in HoursProof.objects.filter(
        person=person, period_start=start, period_end=end, revoked_at__isnull=True, hours=hours
    ):
        if existing.lines == lines:
            return existing
    while True:
        serial = serial_make(prefix=SERIAL_PREFIX, on=today)
        if not HoursProof.objects.filter(serial=serial).exists():
            break
    return HoursProof.objects.create(
        serial=serial,
        person=person,
        holder_name=person.name,
        id_number_masked=person.id_number_masked,
        period_start=start,
        period_end=end,
        hours=hours,
        lines=lines,
        issued_on=today,
    )


def hours_proof_revoke(*, proof: HoursProof, user, reason: str) -> HoursProof:
    """Revoke once, for a stated reason, and audit it; a proof is never deleted. Refused as
    certificates' revocation is (`RevokeRefused`)."""
    reason = (reason or "").strip()
    if not reason:
        raise RevokeRefused(_("Give the reason for revoking the proof."))
    with transaction.atomic():
        proof = HoursProof.objects.select_for_update().get(pk=proof.pk)
        if proof.revoked_at:
            raise RevokeRefused(_("This proof has already been revoked."))
        proof.revoked_at = timezone.now()
        proof.revoked_reason = reason[:200]
        proof.revoked_by = user if getattr(user, "is_authenticated", False) else None
        proof.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        audit_log(
            user=user,
            action=AuditLog.Action.REVOKE,
            subject=f"hours proof {proof.serial}: {proof.revoked_reason}",
            rows=1,
        )
    return proof
