"""The annual implementation report (R9) of a region and year, and its history of
submissions and returns."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualReport(models.Model):
    """One region's report for one year: the free text it writes, and once submitted its
    figures frozen as they were (`snapshot`), never recomputed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")

    region = models.ForeignKey(
        "coverage.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    achievements = models.TextField(_("achievements"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    plan = models.TextField(_("next year's plan"), blank=True)
    # The figures and text as submitted (reports.figures): the page, PDF and xlsx of a
    # submitted report are drawn from this, whatever has changed since.
    snapshot = models.JSONField(_("figures as submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "region__path"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="annual_report_once_a_year"),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(snapshot__isnull=False),
                name="annual_report_submitted_has_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class ReportEvent(models.Model):
    """A submission (with the snapshot it froze) or a return (with the reviewer's comment)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        RETURN = "return", _("Returned")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    snapshot = models.JSONField(_("figures as submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.get_action_display()}"
