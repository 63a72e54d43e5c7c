from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coverage.models.organisations import Industry, Region


class AccidentFigures(models.Model):
    """One year's work-injury statistics of a region's industry, as the regulator imported them
    (plan R10: the accident rate of key industries down 5 % a year, 20 % over five years)."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="accident_figures"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        related_name="accident_figures",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    injuries = models.PositiveIntegerField(_("work-injury determinations"))
    deaths = models.PositiveIntegerField(_("work-related deaths"))
    occupational_diseases = models.PositiveIntegerField(_("occupational-disease cases"))
    pneumoconiosis = models.PositiveIntegerField(_("of which pneumoconiosis"))
    insured = models.PositiveIntegerField(_("insured workers"), validators=[MinValueValidator(1)])
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"))
    source_file = models.CharField(_("file"), max_length=200, blank=True)

    class Meta:
        ordering = ["region__path", "industry__code", "year"]
        verbose_name = _("accident figures")
        verbose_name_plural = _("accident figures")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "industry", "year"], name="accident_figures_unique"
            ),
            # Deaths are counted among the determinations, pneumoconiosis among the diseases;
            # the import says so row by row, the database keeps it true for any other writer.
            models.CheckConstraint(
                name="accident_figures_subsets",
                condition=Q(deaths__lte=F("injuries"))
                & Q(pneumoconiosis__lte=F("occupational_diseases"))
                & Q(insured__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.industry} {self.year}"
