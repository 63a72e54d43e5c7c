"""Signs of cheating found after the fact by the nightly detectors, each with its evidence and
a reviewer's mark. The detectors live where they can read their data (coverage/integrity/ for
check-ins, courses/integrity/ for learning and exams); the rows live here so that coverage's
dashboards can count them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coverage.models.organisations import Enterprise
from coverage.models.people import Person
from coverage.models.sessions import TrainingSession


class IntegritySignal(models.Model):
    class Kind(models.TextChoices):
        SHARED_DEVICE = "shared_device", _("Accounts sharing one device")
        TWO_DEVICES = "two_devices", _("Lessons played on two devices at once")
        CREDIT_REFUSED = "credit_refused", _("Study faster than real time (credit refused)")
        FAST_EXAM = "fast_exam", _("Exam finished faster than reading the questions allows")
        CHECKIN_CLUSTER = "checkin_cluster", _("Check-ins of several people from one device")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="integrity_signals",
    )
    # Who sees the signal: the organiser of the session, or each enterprise with the person on
    # its active roster (one row each).
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="integrity_signals",
    )
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="integrity_signals",
    )
    # A CoursePage id: coverage may not depend on courses, so the title is in the evidence.
    course_id = models.PositiveIntegerField(null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    detected_at = models.DateTimeField(_("detected at"))
    # What the signal is about (kind, subject, day): the nightly run finds the same rows again
    # and updates their evidence instead of adding new ones.
    fingerprint = models.CharField(max_length=64, unique=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-detected_at", "-pk"]
        verbose_name = _("integrity signal")
        verbose_name_plural = _("integrity signals")
        indexes = [
            # The dashboards count unreviewed signals per enterprise.
            models.Index(fields=["enterprise", "reviewed_at"], name="integrity_by_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise_id}"
