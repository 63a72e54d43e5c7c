"""Writes of certificates: issuing one per completed enrolment, revoking it."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Certificate, Enrolment
from coverage.models import AuditLog
from coverage.services import audit_log

# No 0/O/1/I: serials are read aloud and typed from paper.
SERIAL_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def serial_make(*, prefix: str, on) -> str:
    """A serial nobody can guess: the prefix, the year of `on`, ten characters easily read
    aloud (certificates YF…, 学时证明 XS…); callers check it is not taken."""
    return f"{prefix}{on:%Y}" + "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(10))


class RevokeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    """The enrolment's certificate, issued once with a serial nobody can guess."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    issued_on = timezone.localdate(enrolment.completed_at)
    while True:
        serial = serial_make(prefix="YF", on=issued_on)
        if not Certificate.objects.filter(serial=serial).exists():
            break
    return Certificate.objects.create(
        enrolment=enrolment,
        serial=serial,
        holder_name=enrolment.person.name,
        course_title=enrolment.course.title,
        hours=enrolment.course.credit_hours,
        issued_on=issued_on,
    )


def certificate_revoke(*, certificate: Certificate, user, reason: str) -> Certificate:
    """Revoke once, for a stated reason, and audit it; a certificate is never deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise RevokeRefused(_("Give the reason for revoking the certificate."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at:
            raise RevokeRefused(_("This certificate has already been revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:200]
        certificate.revoked_by = user if getattr(user, "is_authenticated", False) else None
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        # AuditLog.action holds at most 12 characters.
        audit_log(
            user=user,
            action=AuditLog.Action.REVOKE,
            subject=f"certificate {certificate.serial}: {certificate.revoked_reason}",
            rows=1,
        )
    return certificate
