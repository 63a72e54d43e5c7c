from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from coverage.models import Attendance, TrainingSession
from projects.models.declarations import Project


class ProjectSession(models.Model):
    """An offline session the project delivers (its verified attendance is evidence)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="session_links")
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="project_links",
    )

    class Meta:
        verbose_name = _("project session")
        verbose_name_plural = _("project sessions")
        constraints = [
            models.UniqueConstraint(fields=["project", "session"], name="project_session_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.session_id}"


class ProjectCourse(models.Model):
    """An online course the project delivers (completions in the project's year by people on
    the applicant's roster are evidence)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="course_links")
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("project course")
        verbose_name_plural = _("project courses")
        constraints = [
            models.UniqueConstraint(fields=["project", "course"], name="project_course_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.course_id}"


class FlagDecision(models.Model):
    """The panel's decision on one flagged check-in of the project: accepted (paid) or struck
    (never paid). Without a decision a flagged check-in is not paid."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accepted")
        STRIKE = "strike", _("Struck")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="flag_decisions")
    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=6, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        verbose_name = _("decision on a flagged check-in")
        verbose_name_plural = _("decisions on flagged check-ins")
        constraints = [
            models.UniqueConstraint(fields=["project", "attendance"], name="flag_decision_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.attendance_id} {self.decision}"
