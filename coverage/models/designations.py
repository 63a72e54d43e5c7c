from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coverage.models.organisations import Enterprise, Industry, Region


class KeyDesignation(models.Model):
    """A region's designation, for one year and after its analysis (研判), of a key industry,
    a key enterprise or a key project (plan R1). The only source of "key": an enterprise is
    key for a target when a designation of a year in the target's period names it, its
    industry within a region containing it, or a project it runs (coverage/designations/)."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Key industry")
        ENTERPRISE = "enterprise", _("Key enterprise")
        PROJECT = "project", _("Key project")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("designated by"),
        on_delete=models.PROTECT,
        related_name="key_designations",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="key_designations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="key_designations",
    )
    project_name = models.CharField(_("project"), max_length=120, blank=True)
    project_enterprises = models.ManyToManyField(
        Enterprise,
        verbose_name=_("enterprises running the project"),
        blank=True,
        related_name="key_projects",
    )
    reason = models.TextField(_("reason (analysis)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated by (user)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("designated at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["year", "kind", "pk"]
        verbose_name = _("key designation")
        verbose_name_plural = _("key designations")
        constraints = [
            models.CheckConstraint(
                name="key_designation_names_one_thing",
                condition=(
                    Q(
                        kind="industry",
                        industry__isnull=False,
                        enterprise__isnull=True,
                        project_name="",
                    )
                    | Q(
                        kind="enterprise",
                        enterprise__isnull=False,
                        industry__isnull=True,
                        project_name="",
                    )
                    | Q(kind="project", industry__isnull=True, enterprise__isnull=True)
                    & ~Q(project_name="")
                ),
            ),
            models.UniqueConstraint(
                fields=["region", "year", "industry"],
                condition=Q(kind="industry"),
                name="key_designation_industry_once",
            ),
            models.UniqueConstraint(
                fields=["region", "year", "enterprise"],
                condition=Q(kind="enterprise"),
                name="key_designation_enterprise_once",
            ),
            models.UniqueConstraint(
                fields=["region", "year", "project_name"],
                condition=Q(kind="project"),
                name="key_designation_project_once",
            ),
        ]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return f"{self.year} {self.region} {self.get_kind_display()}: {self.subject}"

    @property
    def subject(self) -> str:
        """What is designated, as the list shows it."""
        if self.kind == self.Kind.INDUSTRY:
            return str(self.industry)
        if self.kind == self.Kind.ENTERPRISE:
            return str(self.enterprise)
        return self.project_name
