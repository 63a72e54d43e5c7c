import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coverage.models.organisations import Enterprise, Region
from coverage.models.people import Person
from coverage.models.training import TrainingRecord, TrainingTarget


def _new_secret() -> str:
    return secrets.token_urlsafe(24)


class TrainingSession(models.Model):
    """An offline training session (集中培训 / 现场指导) with QR-code attendance."""

    class Audience(models.TextChoices):
        ROSTER = "roster", _("The organiser's own roster")
        ENTERPRISES = "enterprises", _("The rosters of chosen enterprises")
        KEY_ROSTERS = "key_rosters", _("Anyone on a key enterprise's roster")

    organiser = models.ForeignKey(
        Enterprise,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_sessions",
    )
    title = models.CharField(_("title"), max_length=120)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    targets = models.ManyToManyField(
        TrainingTarget, verbose_name=_("counts toward"), related_name="sessions", blank=True
    )
    hours = models.DecimalField(_("credit hours"), max_digits=4, decimal_places=1, default=2)
    venue = models.CharField(_("venue"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="sessions"
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    min_minutes = models.PositiveSmallIntegerField(
        _("minimum minutes present"),
        default=60,
        help_text=_("Attendance counts as training only after this many minutes."),
    )
    checkout_required = models.BooleanField(_("check-out required"), default=False)
    location_required = models.BooleanField(
        _("location required"),
        default=False,
        help_text=_(
            "A worker's own check-in is refused without a phone location inside the radius "
            "of the venue (needs the venue's latitude and longitude)."
        ),
    )
    location_radius_m = models.PositiveIntegerField(_("radius around the venue (m)"), default=1000)
    confirmation_required = models.BooleanField(
        _("confirmation number"),
        default=False,
        help_text=_(
            "Show a short number beside the QR code that the worker types: a link forwarded "
            "to someone who cannot see the screen is not enough."
        ),
    )
    audience = models.CharField(
        _("who may attend"), max_length=12, choices=Audience.choices, default=Audience.ROSTER
    )
    invited_enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("invited enterprises"), related_name="invitations", blank=True
    )
    # Part of the QR tokens' key: regenerating it voids every code shown or printed so far.
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    verified_at = models.DateTimeField(_("attendance verified at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["organiser", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coverage:session_detail", kwargs={"pk": self.pk})

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Attendance(models.Model):
    """One person at one session: at most one row, enforced by the database."""

    class Method(models.TextChoices):
        ROTATING = "rotating", _("Rotating QR code")
        STATIC = "static", _("Printed static QR code (weaker)")
        MANUAL = "manual", _("Added by the organiser")
        PERSONAL_CODE = "personal_code", _("Personal code scanned by the organiser (weaker)")
        ID_NUMBER = "id_number", _("ID number entered by the organiser (weaker)")

    class Flag(models.TextChoices):
        SHARED_DEVICE = "shared_device", _("Same phone checked in several people")
        SHARED_IP = (
            "shared_ip",
            _("Several people checked in from one network address, none of them at the venue"),
        )
        FAR_FROM_VENUE = "far_from_venue", _("Checked in far from the venue")
        STATIC_CODE = "static_code", _("Used the printed static code")
        PERSONAL_CODE = "personal_code", _("Checked in with a personal code, not a phone")
        ID_NUMBER = "id_number", _("Checked in by ID number, not a phone")
        FAR_APART = (
            "far_apart",
            _("Checked in far from another check-in of this session within minutes"),
        )

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="attendances"
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    checkin_method = models.CharField(_("check-in method"), max_length=16, choices=Method.choices)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checkout_method = models.CharField(
        _("check-out method"), max_length=16, choices=Method.choices, blank=True
    )
    device = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from venue (m)"), null=True, blank=True)
    # The phone's position rounded to about 100 m: enough to tell two check-ins kilometres
    # apart (a live-forwarded link), too coarse to say where someone lives.
    latitude = models.FloatField(_("latitude (rounded)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (rounded)"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # Evidence behind a flag, by flag: {"far_apart": {"distance_m", "seconds", "attendance"}}.
    flag_details = models.JSONField(_("flag details"), default=dict, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    record = models.OneToOneField(
        TrainingRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendance"
    )

    class Meta:
        ordering = ["checked_in_at"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_person")
        ]
        indexes = [
            models.Index(fields=["session", "checked_in_at"]),
            # The shared-source flags count and mark a session's check-ins by device and by
            # address (coverage/sessions/flags.py): an index each keeps that constant per
            # check-in instead of a scan of the whole session.
            models.Index(fields=["session", "device"], name="attendance_by_device"),
            models.Index(fields=["session", "ip_address"], name="attendance_by_address"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.session}"


class AttendanceChange(models.Model):
    """A manual change by the organiser, with the reason (audited)."""

    class Action(models.TextChoices):
        ADD = "add", _("Added")
        REMOVE = "remove", _("Removed")
        RESTORE = "restore", _("Restored")

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance changes")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.attendance}"
