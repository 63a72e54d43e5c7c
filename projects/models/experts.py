import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coverage.models import Enterprise

TERM_YEARS = 3  # the pool is renewed every three years (吉人社联〔2021〕55号)


class ExpertField(models.TextChoices):
    INJURY_PREVENTION = "injury_prevention", _("Work-injury prevention")
    WORK_SAFETY = "work_safety", _("Work safety")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Occupational health")
    EMERGENCY_RESCUE = "emergency_rescue", _("Emergency rescue")
    FINANCE = "finance", _("Finance and audit")
    TRAINING = "training", _("Vocational training")


class ExpertQuerySet(models.QuerySet):
    def annotate_reason(self, *, same: Q, declared: Q, on: datetime.date):
        """Each expert's reason for exclusion from a draw ('' when eligible), first match wins
        (codes in projects.experts.selectors)."""
        return self.annotate(
            reason=models.Case(
                models.When(same, then=models.Value("same_organisation")),
                models.When(declared, then=models.Value("declared_conflict")),
                models.When(available=False, then=models.Value("unavailable")),
                models.When(
                    Q(term_start__gt=on) | Q(term_end__lt=on), then=models.Value("out_of_term")
                ),
                default=models.Value(""),
                output_field=models.CharField(),
            )
        )


class Expert(models.Model):
    """A member of the expert pool (专家库), optionally with an account to score online."""

    name = models.CharField(_("name"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
    )
    field = models.CharField(_("field"), max_length=20, choices=ExpertField.choices)
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        Enterprise,
        verbose_name=_("organisation on the platform"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
    )
    organisation_name = models.CharField(_("organisation"), max_length=120)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    available = models.BooleanField(_("available"), default=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.CheckConstraint(
                name="expert_term_ordered", condition=Q(term_end__gt=F("term_start"))
            )
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def term_end_for(start: datetime.date) -> datetime.date:
        """Three years from the start, the day before the anniversary (29 Feb → 28 Feb)."""
        try:
            anniversary = start.replace(year=start.year + TERM_YEARS)
        except ValueError:
            anniversary = start.replace(year=start.year + TERM_YEARS, day=28)
        return anniversary - datetime.timedelta(days=1)


class ExpertConflict(models.Model):
    """A declared conflict of interest: the expert is never drawn for this organisation's
    projects (same-organisation conflicts need no row, they follow from the organisation)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["expert", "enterprise"], name="expert_conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.enterprise}"
