"""Who learns what, and how far they got: enrolments, assignments and honest progress."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.pages import CoursePage, LessonPage


class CourseAssignment(models.Model):
    """An organisation giving a course to (some of) its roster, with an optional deadline."""

    organisation = models.ForeignKey(
        "coverage.Enterprise",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="course_assignments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments"
    )
    # Roster roles the course goes to; empty means everyone on the active roster.
    roles = models.JSONField(_("roles"), default=list, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.course}"


class Enrolment(models.Model):
    """A person taking a course. Training belongs to the person, so enrolment does too."""

    class Source(models.TextChoices):
        SELF = "self", _("Enrolled themselves")
        ASSIGNED = "assigned", _("Assigned by their organisation")

    person = models.ForeignKey(
        "coverage.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    source = models.CharField(_("how"), max_length=10, choices=Source.choices)
    assignment = models.ForeignKey(
        CourseAssignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    training_record = models.ForeignKey(
        "coverage.TrainingRecord",
        verbose_name=_("training record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="enrolment_once_per_course")
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.course}"


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(_("first opened"), auto_now_add=True)
    checks_passed = models.BooleanField(_("check questions answered"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="lesson_progress_once_per_enrolment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.lesson_id}"


class VideoProgress(models.Model):
    """What of one video a learner has really watched: merged intervals of played seconds."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="video_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    media = models.ForeignKey(
        settings.WAGTAILMEDIA["MEDIA_MODEL"], on_delete=models.CASCADE, related_name="+"
    )
    duration = models.FloatField(_("duration (seconds)"))
    intervals = models.JSONField(_("watched intervals"), default=list)
    watched_seconds = models.FloatField(_("seconds watched"), default=0)
    position = models.FloatField(_("last position"), default=0)
    completed_at = models.DateTimeField(_("watched at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("video progress")
        verbose_name_plural = _("video progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson", "media"], name="video_progress_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.media_id} {self.percent}%"

    @property
    def percent(self) -> int:
        return min(100, int(self.watched_seconds * 100 / self.duration)) if self.duration else 0


class PlaybackLease(models.Model):
    """The one device an account is playing on. A new device takes the lease over."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playback_lease"
    )
    token = models.UUIDField(default=uuid.uuid4)
    video = models.ForeignKey(VideoProgress, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    last_beat_at = models.DateTimeField()
    # The last moment a person was seen at the device (pressed play, answered "还在学习吗？").
    last_presence_at = models.DateTimeField()
    credited_seconds = models.FloatField(default=0)
    # Credit is a bucket refilled by real time (courses/learning/progress.py): the moment up to
    # which real time has been spent on credited seconds. A new lease does not refill it.
    credit_clock = models.DateTimeField(null=True)
    last_seq = models.BigIntegerField(default=0)
    # The browser's device cookie (coverage's check-in cookie): tells a takeover by another
    # device from a reload on the same one.
    device = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} · {self.token}"


class PlaybackEvent(models.Model):
    """What the lease and the credit bucket refused, kept for the nightly integrity detectors
    (coverage IntegritySignal): the rules above prevent the cheating, this says it was tried.
    Written in the transaction that decided it; one row per play and per refusing heartbeat."""

    class Kind(models.TextChoices):
        PLAY = "play", _("Playback started")
        TAKEOVER = "takeover", _("Took the lease from a device still playing")
        REFUSED = "refused", _("Credit refused (faster than real time)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playback_events"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    device = models.CharField(max_length=64, blank=True)
    video = models.ForeignKey(VideoProgress, on_delete=models.CASCADE, null=True, related_name="+")
    # takeover: the device that was playing and its last heartbeat.
    other_device = models.CharField(max_length=64, blank=True)
    other_beat_at = models.DateTimeField(null=True, blank=True)
    # refused: the seconds claimed and the seconds credited.
    claimed_seconds = models.FloatField(default=0)
    accepted_seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "at"], name="playback_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
