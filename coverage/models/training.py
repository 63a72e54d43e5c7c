import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coverage.models.organisations import Industry
from coverage.models.people import KEY_ROLES, Person, Role
from coverage.private_files.storage import private_storage


def _default_roles() -> list[str]:
    return [str(role) for role in KEY_ROLES]


class TrainingTarget(models.Model):
    """What full coverage means for a period: which roles must have which kind of training.

    Periods are data: the 2026–2030 plan is a new row, not new code.
    """

    class Kind(models.TextChoices):
        ONLINE = "online", _("Online course completed")
        OFFLINE = "offline", _("Offline session attended")
        AUTHORITY = "authority", _("Recorded by an authority")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    start_date = models.DateField(_("period start"), default=datetime.date(2021, 1, 1))
    end_date = models.DateField(_("period end (deadline)"), default=datetime.date(2025, 12, 31))
    required_roles = models.JSONField(_("required roles"), default=_default_roles)
    qualifying_kinds = models.JSONField(_("qualifying kinds of training"), default=list, blank=True)

    class Meta:
        ordering = ["-end_date"]
        verbose_name = _("training target")
        verbose_name_plural = _("training targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="training_target_period_is_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TrainingFrequency(models.Model):
    """A frequency target (R3): people of a group must train `per_year` times a year.

    The group is a role, in one industry or (industry empty) in every industry; the rule of
    the entry's own industry wins over the role's rule for every industry. A roster entry of
    the group is covered only when its person has at least `per_year` distinct qualifying
    records of the target dated in the counting year (coverage/counts/frequency.py).
    """

    target = models.ForeignKey(
        TrainingTarget,
        verbose_name=_("training target"),
        on_delete=models.CASCADE,
        related_name="frequencies",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the role in every industry."),
    )
    per_year = models.PositiveSmallIntegerField(
        _("trainings per year"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("frequency target")
        verbose_name_plural = _("frequency targets")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "role", "industry"],
                condition=models.Q(industry__isnull=False),
                name="training_frequency_once_per_industry",
            ),
            models.UniqueConstraint(
                fields=["target", "role"],
                condition=models.Q(industry__isnull=True),
                name="training_frequency_once_for_every_industry",
            ),
            models.CheckConstraint(
                condition=models.Q(per_year__gte=1), name="training_frequency_at_least_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.role} {self.industry_id or '*'}: {self.per_year}"

    def clean(self) -> None:
        # A rule for a role the target does not require would silently count for nothing.
        if self.target_id and self.role not in self.target.required_roles:
            raise ValidationError(
                {
                    "role": _("The target %(target)s does not require this role.")
                    % {"target": self.target}
                }
            )


class TrainingRecord(models.Model):
    """One training a person had. `source_key` names what produced it, once per person."""

    Kind = TrainingTarget.Kind

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="training_records"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    title = models.CharField(_("training"), max_length=200)
    # "course:12", "session:7", "authority:<uuid>": the same source never records twice.
    source_key = models.CharField(_("source"), max_length=80)
    evidence = models.FileField(
        _("evidence"), upload_to="training-evidence/%Y/", storage=private_storage, blank=True
    )
    evidence_filename = models.CharField(_("evidence file name"), max_length=255, blank=True)
    targets = models.ManyToManyField(
        TrainingTarget, verbose_name=_("counts toward"), related_name="records", blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source_key"], name="training_record_once_per_source"
            )
        ]
        indexes = [models.Index(fields=["person", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.person.name} {self.title} {self.occurred_on}"
