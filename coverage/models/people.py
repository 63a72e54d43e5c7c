from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coverage.identifiers import mask_id_number, mask_mobile
from coverage.models.organisations import Enterprise
from coverage.pii import pii_decrypt
from coverage.private_files.storage import private_storage


class Role(models.TextChoices):
    MANAGER = "manager", _("Manager in charge of safety")
    SAFETY_HEAD = "safety_head", _("Head of the safety management department")
    TEAM_LEADER = "team_leader", _("Front-line team leader")
    OTHER = "other", _("Other")


KEY_ROLES = [Role.MANAGER, Role.SAFETY_HEAD, Role.TEAM_LEADER]


class Person(models.Model):
    """A natural person, identified by resident ID number; training belongs to the person."""

    # Unique by a constraint, not `unique=True`: that also builds a varchar_pattern_ops twin
    # index for LIKE, which hex hashes never meet, and every new person (a roster import
    # writes 50,000 at once) would pay for it.
    id_number_hash = models.CharField(max_length=64, editable=False)
    id_number_encrypted = models.TextField(editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    name = models.CharField(_("name"), max_length=50)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("mobile number"), max_length=11, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], name="person_id_number_hash_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}"

    @property
    def id_number(self) -> str:
        """The full number: read it only where the role needs it, and audit the read."""
        return pii_decrypt(self.id_number_encrypted)

    @property
    def phone(self) -> str:
        return pii_decrypt(self.phone_encrypted)

    @staticmethod
    def masks(*, id_number: str, phone: str) -> dict:
        return {"id_number_masked": mask_id_number(id_number), "phone_masked": mask_mobile(phone)}


class PersonalCode(models.Model):
    """The person's check-in code for someone without a smartphone (coverage/personal_codes.py).

    The code is derived from the secret key and `nonce`, so it can be shown again and the
    database alone does not give it away; `code_hash` finds the person from a scanned code.
    A new nonce (the worker's "new code") voids every card printed so far.
    """

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="personal_code"
    )
    nonce = models.CharField(max_length=32, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("personal check-in code")
        verbose_name_plural = _("personal check-in codes")

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.issued_at:%Y-%m-%d}"


class RosterImport(models.Model):
    """One upload of a roster file: its preview, then (once) its commit."""

    class Mode(models.TextChoices):
        ADD = "add", _("Add and update")
        REPLACE = "replace", _("Replace the roster")

    class Status(models.TextChoices):
        PENDING = "pending", _("Checking")
        PREVIEWED = "previewed", _("Ready to import")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, null=True
    )
    # Encrypted under a random name in the private store; emptied by the retention rule.
    file = models.FileField(
        _("file"), upload_to="roster-imports/%Y/%m/", storage=private_storage, blank=True
    )
    filename = models.CharField(_("file name"), max_length=255)
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ADD)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    rejected = models.JSONField(_("rejected rows"), default=list, blank=True)
    flagged = models.JSONField(_("flagged rows"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    job_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return self.filename


class RosterEntry(models.Model):
    """A person on an organisation's roster in a role, from start until end (history is kept)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="roster_entries",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.OTHER)
    department = models.CharField(_("department"), max_length=100, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    # Not indexed: nothing looks entries up by their import (deleting an import, a rare act in
    # the admin, scans the roster once), and each index costs every entry an import writes.
    source_import = models.ForeignKey(
        RosterImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise", "-start_date"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "enterprise"],
                condition=Q(end_date__isnull=True),
                name="roster_one_active_entry_per_person_and_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="roster_entry_ends_after_it_starts",
            ),
        ]
        # A person's active entries are found through the unique constraint's index, which
        # starts with the person (a partial index on the person alone duplicated it).
        indexes = [
            models.Index(
                fields=["enterprise", "role"],
                condition=Q(end_date__isnull=True),
                name="roster_active_by_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.enterprise} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.end_date is None
