from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from coverage.identifiers import mask_mobile


class AccountManager(UserManager):
    """Users have no username: staff sign in by email, workers by mobile number."""

    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email) or None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    # NULL rather than "" when absent, so that uniqueness holds only among the present ones.
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("mobile number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stored in international form, e.g. +8613800138000."),
    )
    phone_verified = models.BooleanField(_("mobile number verified"), default=False)

    objects = AccountManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.masked_phone or f"#{self.pk}"

    def get_full_name(self) -> str:
        # Chinese names are written family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    def get_username(self) -> str:
        return self.email or self.phone or ""

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone) if self.phone else ""


class CodeGuessCount(models.Model):
    """How many guesses a pending SMS code has had (accounts/code_attempts.py)."""

    key = models.CharField(max_length=64, primary_key=True)
    guesses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("SMS code guess count")
        verbose_name_plural = _("SMS code guess counts")

    def __str__(self) -> str:
        return f"{self.guesses}"
