"""Reminder rules (data a regulator edits for their region), what they sent, and what they raised.

A rule looks at the enterprises of its region from the maintained coverage counts: those below
`threshold_percent` inside the window of `days_before` days before a milestone are reminded.
Every message is a Delivery row, unique per rule, period and recipient, so a period's message
goes out once however often beat runs (docs/reminders.md).
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coverage.models import Enterprise, Person, Region, TrainingTarget


class ReminderRule(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE_BEHIND = (
            "enterprise_behind",
            _("Enterprise behind: notice to its administrators"),
        )
        PEOPLE_MISSING = "people_missing", _("People missing training: SMS with the course link")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="reminder_rules"
    )
    target = models.ForeignKey(
        TrainingTarget, verbose_name=_("training target"), on_delete=models.CASCADE
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("below this coverage (%)"),
        default=100,
        help_text=_("Enterprises whose coverage is below this share are reminded."),
    )
    days_before = models.PositiveSmallIntegerField(
        _("days before the milestone"),
        default=30,
        help_text=_("Reminders are sent from this many days before the milestone until it."),
    )
    milestone = models.DateField(
        _("milestone"),
        null=True,
        blank=True,
        help_text=_("Empty: the target's deadline."),
    )
    repeat_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"),
        default=0,
        help_text=_("0: once per milestone; otherwise again every this many days in the window."),
    )
    sms_contact = models.BooleanField(
        _("also SMS the enterprise's contact"),
        default=False,
    )
    course_link = models.CharField(
        _("course link"),
        max_length=200,
        blank=True,
        help_text=_("Path or address sent in the SMS; empty: the learner's course list."),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate after (days)"),
        null=True,
        blank=True,
        help_text=_(
            "An enterprise still behind this many days after its reminder becomes a task of "
            "its county regulator. Empty: never."
        ),
    )
    is_active = models.BooleanField(
        _("live"), default=False, help_text=_("Preview a rule before it goes live.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold_percent__lte=100), name="reminder_threshold_le_100"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reminders:rule_edit", args=[self.pk])

    @property
    def milestone_date(self) -> datetime.date:
        return self.milestone or self.target.end_date

    def period_on(self, today: datetime.date) -> str | None:
        """The period `today` falls in ("2025-12-31" or "2025-12-31/2"), None outside the
        window: the key under which each recipient gets one message."""
        milestone = self.milestone_date
        start = milestone - datetime.timedelta(days=self.days_before)
        if not start <= today <= milestone:
            return None
        if not self.repeat_days:
            return milestone.isoformat()
        return f"{milestone.isoformat()}/{(today - start).days // self.repeat_days}"


class Channel(models.TextChoices):
    NOTICE = "notice", _("In-app notice")
    SMS = "sms", _("SMS")


class Delivery(models.Model):
    """One message of a rule to one recipient in one period: the log, and the lock against
    sending it twice (the unique constraint; the row is created before the message goes)."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="deliveries")
    period = models.CharField(_("period"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # "user:12", "person:34", "contact:56": who, whatever the channel.
    recipient_key = models.CharField(max_length=40)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Keyed hash of the number (coverage.pii): the rate limit counts per number, unreadable.
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("mobile number"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "period", "recipient_key"], name="reminder_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["person", "channel", "created_at"])]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.period} {self.recipient_key} {self.status}"


class Notice(models.Model):
    """An in-app notice under the bell of a staff, administrator or regulator account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notice_unread"
            )
        ]

    def __str__(self) -> str:
        return self.title


class EscalationTask(models.Model):
    """An enterprise still behind after the grace period: on its county regulator's list."""

    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="tasks")
    period = models.CharField(_("period"), max_length=20)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    percent = models.FloatField(_("coverage when raised (%)"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"))
    created_at = models.DateTimeField(_("raised at"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["handled_at", "-created_at"]
        verbose_name = _("escalation task")
        verbose_name_plural = _("escalation tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "period", "enterprise"], name="escalation_task_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.rule_id} {self.period}"


class SmsOptOut(models.Model):
    """The person wants no reminder SMS (verification codes still reach them)."""

    class Via(models.TextChoices):
        LINK = "link", _("Link in an SMS")
        ACCOUNT = "account", _("Account settings")

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="sms_opt_out", verbose_name=_("person")
    )
    via = models.CharField(_("via"), max_length=10, choices=Via.choices)
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self) -> str:
        return str(self.person_id)
