from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coverage.models import Enterprise, Industry, Region
from coverage.private_files.storage import private_storage


class PaymentStandard(models.Model):
    """A provincial service payment standard (服务收费标准): what one unit of a service
    costs, e.g. training per person-hour or publicity per session. Data, edited in the admin;
    a year's budget lines cite the standard in force."""

    class Unit(models.TextChoices):
        PERSON_HOUR = "person_hour", _("per person-hour")
        SESSION = "session", _("per session")
        PERSON = "person", _("per person")
        ITEM = "item", _("per item")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    amount = models.DecimalField(_("amount per unit (yuan)"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("payment standard")
        verbose_name_plural = _("payment standards")

    def __str__(self) -> str:
        return f"{self.name} {self.amount}/{self.get_unit_display()}"


class Project(models.Model):
    """A work-injury prevention project (工伤预防项目) an organisation declares for a year and
    a region; its status moves only through projects.declarations.services."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        PUBLICITY = "publicity", _("Publicity")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        AGREEMENT_FILED = "agreement_filed", _("Agreement filed")
        IN_EXECUTION = "in_execution", _("In execution")
        DELIVERED = "delivered", _("Delivered")
        ACCEPTED = "accepted", _("Accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        PAID = "paid", _("Paid")

    code = models.CharField(_("project code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=120)
    applicant = models.ForeignKey(
        Enterprise,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="prevention_projects",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="projects"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("key industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    target_groups = models.CharField(_("target groups"), max_length=200, blank=True)
    planned_people = models.PositiveIntegerField(_("planned number of people"), default=0)
    planned_sessions = models.PositiveIntegerField(_("planned sessions"), default=0)
    planned_courses = models.CharField(_("planned courses"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    rejection_reasons = models.TextField(_("reasons for rejection"), blank=True)
    agreement_number = models.CharField(_("service agreement number"), max_length=60, blank=True)
    paid_amount = models.DecimalField(
        _("amount paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Deadlines of the supervised steps (事前事中): a step still open after its date is
    # overdue on the supervision page. Set by 人社 in the admin (the year's notice).
    declaration_closes = models.DateField(_("declaration window closes"), null=True, blank=True)
    agreement_due = models.DateField(_("agreement due"), null=True, blank=True)
    delivery_due = models.DateField(_("delivery due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("prevention project")
        verbose_name_plural = _("prevention projects")
        indexes = [models.Index(fields=["region", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.code])


class BudgetLine(models.Model):
    """One line of a project's budget: quantity × the standard's amount."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("project")
    )
    standard = models.ForeignKey(
        PaymentStandard, verbose_name=_("payment standard"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(name="budget_quantity_positive", condition=Q(quantity__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.standard} × {self.quantity}"


def _attachment_path(instance, filename: str) -> str:
    return f"projects/{instance.project_id}/{filename}"


class ProjectAttachment(models.Model):
    """A declaration text, agreement or report: private (encrypted), served only after
    coverage.jurisdiction lets the user see the project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=120)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_attachment_path)
    filename = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class ProjectEvent(models.Model):
    """One status change: who, in which role, when, from and to, and why (the project's
    dated history; the same change is written to coverage's audit log)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    role = models.CharField(_("role"), max_length=20)
    from_status = models.CharField(_("from"), max_length=16, choices=Project.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Project.Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("project event")
        verbose_name_plural = _("project events")

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_status}→{self.to_status}"
