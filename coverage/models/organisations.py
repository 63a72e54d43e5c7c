from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coverage.identifiers import validate_credit_code


class Region(models.Model):
    """An administrative division (GB/T 2260) or one of the plan's special zones."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City / prefecture")
        COUNTY = "county", _("County / district")
        ZONE = "zone", _("Special zone")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # "/220000/220100/220102/": a region and everything below it is one indexed prefix
    # query, whatever the depth, with no recursive SQL.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """An organisation with a roster: an enterprise, a training institution or a school."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        TRAINING_INSTITUTION = "institution", _("Training institution")
        TECHNICAL_SCHOOL = "school", _("Technical school")

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ENTERPRISE)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class Department(models.TextChoices):
    """The nine member departments of the work-injury prevention joint meeting."""

    HUMAN_RESOURCES = "hrss", _("Human Resources and Social Security")
    INDUSTRY = "miit", _("Industry and Information Technology")
    FINANCE = "finance", _("Finance")
    HOUSING = "housing", _("Housing and Urban-Rural Development")
    TRANSPORT = "transport", _("Transport")
    HEALTH = "health", _("Health")
    EMERGENCY = "emergency", _("Emergency Management")
    UNION = "union", _("Federation of Trade Unions")
    SOCIAL_INSURANCE = "social_insurance", _("Social Insurance Administration")


class DepartmentScope(models.Model):
    """The industries a joint-meeting department supervises: its regulators see only the
    enterprises of these industries in their regions. Data, edited in the Django admin; a
    department that oversees every employer (人社, 社保) has `all_industries` instead of a
    list, so a new industry needs no edit."""

    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, unique=True
    )
    all_industries = models.BooleanField(_("all industries"), default=False)
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries"), blank=True, related_name="department_scopes"
    )

    class Meta:
        ordering = ["department"]
        verbose_name = _("department's industries")
        verbose_name_plural = _("departments' industries")

    def __str__(self) -> str:
        return self.get_department_display()


class Membership(models.Model):
    """A user's role: administrator of an organisation, or regulator of a region.

    Roles are data, so one person can hold several (a safety officer who also runs a
    training institution) and a regulator's scope is a row, not a group name.
    """

    class Role(models.TextChoices):
        ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
        INSTITUTION_ADMIN = "institution_admin", _("Training institution / school administrator")
        REGULATOR = "regulator", _("Regulator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_regulator_has_region_only",
                condition=(
                    Q(role="regulator", region__isnull=False, enterprise__isnull=True)
                    | Q(
                        role__in=["enterprise_admin", "institution_admin"],
                        enterprise__isnull=False,
                        region__isnull=True,
                        department="",
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="membership_unique_user_enterprise",
            ),
            models.UniqueConstraint(
                fields=["user", "region", "department"],
                condition=Q(region__isnull=False),
                name="membership_unique_user_region_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.enterprise or self.region}"
