from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coverage.models import Enterprise, Person


class IdentityClaim(models.Model):
    """An account asking to be bound to a person whose roster phone is not its sign-in phone.

    Binding it silently would let anyone who knows a colleague's name and ID number take over
    their training record, so the enterprise's administrator confirms or rejects it
    (coverage/identity/services.py). Decided claims are kept as the trail of who decided.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the enterprise")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="identity_claims",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="identity_claims"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="identity_claims",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The sign-in phone as the administrator may see it, beside the roster's.
    phone_masked = models.CharField(_("sign-in mobile number"), max_length=11)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("identity confirmation")
        verbose_name_plural = _("identity confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="identity_claim_one_pending_per_account",
            ),
        ]
        indexes = [
            models.Index(
                fields=["enterprise", "created_at"],
                condition=Q(status="pending"),
                name="identity_claim_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.get_status_display()})"
