"""Certificates of completion, verifiable by anyone through the QR code printed on them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.learning import Enrolment


class Certificate(models.Model):
    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    serial = models.CharField(_("serial number"), max_length=24, unique=True)
    # What the certificate says, as issued: later edits of the course do not rewrite it.
    holder_name = models.CharField(_("holder"), max_length=50)
    course_title = models.CharField(_("course"), max_length=255)
    hours = models.DecimalField(_("credit hours"), max_digits=4, decimal_places=1)
    issued_on = models.DateField(_("issued on"))
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
        ordering = ["-issued_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.serial

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
