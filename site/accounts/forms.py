from allauth.core import ratelimit
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaffLoginForm(AuthenticationForm):
    """Email and password, with allauth's failed-login rate limit (per IP and per email)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many_attempts": _("Too many failed sign-in attempts. Please try again later."),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        if not ratelimit.consume(self.request, action="login_failed", key=email, dry_run=True):
            raise ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        try:
            return super().clean()
        except ValidationError:
            ratelimit.consume(self.request, action="login_failed", key=email)
            raise
