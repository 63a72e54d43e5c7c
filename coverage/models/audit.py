from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """Who saw or exported personal information, when and what (PIPL)."""

    class Action(models.TextChoices):
        VIEW_FULL = "view_full", _("Viewed full personal data")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported a roster")
        API = "api", _("API access")
        REVOKE = "revoke", _("Revoked a certificate")
        DOWNLOAD = "download", _("Downloaded a personal-data file")
        ACCIDENT_IMPORT = "accidents", _("Imported accident figures")
        REPORT_SUBMIT = "submit", _("Submitted an annual report")
        REPORT_RETURN = "return", _("Returned an annual report")
        DESIGNATION = "designation", _("Changed key designations")
        INTEGRITY_REVIEW = "integrity", _("Reviewed an integrity signal")
        PROJECT = "project", _("Moved a prevention project on")
        PANEL_DRAW = "panel_draw", _("Drew an expert panel")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, null=True
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=300)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    contains_personal_data = models.BooleanField(_("personal data"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}"
