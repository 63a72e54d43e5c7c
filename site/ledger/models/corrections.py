from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Correction(models.Model):
    """Why a ledger line exists that corrects another: the correcting line is a training record
    of its own (hours may be negative), so the ledger stays append-only and every total is a
    plain sum of lines. A voiding correction also takes the corrected line out of coverage."""

    line = models.OneToOneField(
        "coverage.TrainingRecord",
        verbose_name=_("correcting line"),
        on_delete=models.PROTECT,
        related_name="correction",
    )
    corrects = models.ForeignKey(
        "coverage.TrainingRecord",
        verbose_name=_("corrected line"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    voids = models.BooleanField(_("voids the line"), default=False)
    reason = models.CharField(_("reason"), max_length=200)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ledger correction")
        verbose_name_plural = _("ledger corrections")
        constraints = [
            # A line is voided once; a second void would reverse its hours twice.
            models.UniqueConstraint(
                fields=["corrects"],
                condition=models.Q(voids=True),
                name="ledger_correction_voids_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(line=models.F("corrects")),
                name="ledger_correction_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.corrects_id} ← {self.line_id}: {self.reason}"
