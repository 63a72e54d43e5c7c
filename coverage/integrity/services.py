"""Writes of integrity signals: the nightly upsert and the reviewer's mark."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from coverage.integrity.found import FoundSignal
from coverage.models import AuditLog, IntegritySignal
from coverage.services import audit_log


def integrity_signals_upsert(*, found: Iterable[FoundSignal]) -> int:
    """Store what the detectors found, keyed by fingerprint: a signal found again gets the
    latest evidence and keeps its detection time and review; running twice adds nothing."""
    now = timezone.now()
    rows = {
        signal.fingerprint: IntegritySignal(
            kind=signal.kind,
            enterprise_id=signal.enterprise_id,
            person_id=signal.person_id,
            session_id=signal.session_id,
            course_id=signal.course_id,
            evidence=signal.evidence,
            detected_at=now,
            fingerprint=signal.fingerprint,
        )
        for signal in found
    }
    if not rows:
        return 0
    with transaction.atomic():
        IntegritySignal.objects.bulk_create(
            list(rows.values()),
            batch_size=500,
            update_conflicts=True,
            unique_fields=["fingerprint"],
            update_fields=["evidence"],
        )
    return len(rows)


def integrity_signal_review(
    *, signal: IntegritySignal, user, note: str, ip_address: str | None = None
) -> IntegritySignal:
    """Mark the signal reviewed by the user with a note (audited); a second review replaces
    the mark, and the audit log keeps both."""
    with transaction.atomic():
        signal.reviewed_by = user
        signal.reviewed_at = timezone.now()
        signal.note = note.strip()[:2000]
        signal.save(update_fields=["reviewed_by", "reviewed_at", "note"])
        audit_log(
            user=user,
            action=AuditLog.Action.INTEGRITY_REVIEW,
            subject=f"integrity signal {signal.pk} {signal.kind} enterprise {signal.enterprise_id}",
            ip_address=ip_address,
        )
    return signal
