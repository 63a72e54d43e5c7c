"""Reads of identity binding: what the worker is waiting for, what an administrator decides."""

from django.db.models import QuerySet

from coverage.identity.models import IdentityClaim
from coverage.models import Enterprise


def identity_claim_latest(*, user) -> IdentityClaim | None:
    """The account's latest claim (waiting, or decided), for the worker's page."""
    return IdentityClaim.objects.filter(user=user).order_by("-created_at", "-pk").first()


def identity_claims_pending(*, enterprise: Enterprise) -> QuerySet[IdentityClaim]:
    """The claims waiting for this enterprise's administrators, oldest first (masked data)."""
    return (
        IdentityClaim.objects.filter(enterprise=enterprise, status=IdentityClaim.Status.PENDING)
        .select_related("person")
        .only(
            "pk",
            "created_at",
            "phone_masked",
            "person__name",
            "person__id_number_masked",
            "person__phone_masked",
        )
        .order_by("created_at", "pk")
    )


def identity_claims_decided(*, enterprise: Enterprise, limit: int = 20) -> list[IdentityClaim]:
    """The latest decisions, so an administrator sees who decided what."""
    return list(
        IdentityClaim.objects.filter(enterprise=enterprise)
        .exclude(status=IdentityClaim.Status.PENDING)
        .select_related("person", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )
