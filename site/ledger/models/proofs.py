from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HoursProof(models.Model):
    """A 学时证明: the person's ledger for a period as issued, with a serial the public
    verification page answers to. What it says is kept as issued (later corrections of the
    ledger do not rewrite a proof; a wrong proof is revoked and a new one issued)."""

    serial = models.CharField(_("serial number"), max_length=24, unique=True)
    person = models.ForeignKey(
        "coverage.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="hours_proofs",
    )
    holder_name = models.CharField(_("holder"), max_length=50)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    hours = models.DecimalField(_("total hours"), max_digits=7, decimal_places=1)
    # [{"date", "kind", "title", "hours", "source"}] as the command prints them.
    lines = models.JSONField(_("lines"), default=list)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("study-hours proof")
        verbose_name_plural = _("study-hours proofs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="hours_proof_period_is_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
