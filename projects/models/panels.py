from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models.declarations import Project
from projects.models.experts import Expert


class Panel(models.Model):
    """A panel drawn at random for a project's review (立项评审) or acceptance (评估验收).

    `pool` is the snapshot the draw ran over, [[expert_id, field], …] ordered by id: with
    `seed` anyone re-runs projects.panels.draw.panel_pick and gets the same members."""

    class Purpose(models.TextChoices):
        REVIEW = "review", _("Project review")
        ACCEPTANCE = "acceptance", _("Acceptance")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="panels")
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    size = models.PositiveSmallIntegerField(_("size"))
    seed = models.BigIntegerField(_("seed"))
    fields = models.JSONField(_("fields to cover"), default=list)
    pool = models.JSONField(_("pool snapshot"), default=list)
    excluded = models.JSONField(_("excluded experts"), default=list)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        ordering = ["drawn_at", "pk"]
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")
        constraints = [
            models.CheckConstraint(
                name="panel_size_odd_at_least_three",
                condition=Q(size__gte=3) & Q(size__in=list(range(3, 100, 2))),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_purpose_display()}"


class PanelMember(models.Model):
    """An expert on a panel; a declined member stays, with the replacement pointing back."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Serving")
        DECLINED = "declined", _("Declined")

    class Verdict(models.TextChoices):
        NONE = "", _("Not yet voted")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="panel_seats")
    position = models.PositiveSmallIntegerField(_("position in the draw"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=4, choices=Verdict.choices, blank=True, default=""
    )
    comment = models.TextField(_("comment"), blank=True)
    voted_at = models.DateTimeField(_("voted at"), null=True, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="panel_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.panel} {self.expert}"


class Criterion(models.Model):
    """A scoring criterion for a purpose (data, edited in the admin)."""

    purpose = models.CharField(_("purpose"), max_length=12, choices=Panel.Purpose.choices)
    name = models.CharField(_("name"), max_length=100)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["purpose", "order", "pk"]
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")

    def __str__(self) -> str:
        return self.name


class PanelScore(models.Model):
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["member", "criterion"], name="panel_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
