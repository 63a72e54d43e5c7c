from allauth.account import forms as allauth_forms
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.code_attempts import code_attempt_take


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


class _CountedCodeMixin:
    """Takes a number from the atomic guess counter before allauth compares the code."""

    max_attempts_setting: str
    timeout_setting: str

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 验证码, not allauth's 代码; the phone's numeric keypad, which offers the SMS's code.
        code = self.fields["code"]
        code.label = _("Verification code")
        code.widget.attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]*",
                "maxlength": "6",
                "placeholder": _("6 digits"),
                "autofocus": True,
            }
        )
        # The validity the request page promised, from the same setting.
        self.minutes = getattr(settings, self.timeout_setting) // 60

    def clean_code(self) -> str:
        if not code_attempt_take(
            request=allauth_context.request,
            expected_code=self.expected_code or "",
            max_attempts=getattr(settings, self.max_attempts_setting),
            timeout=getattr(settings, self.timeout_setting),
        ):
            raise ValidationError(
                _("This code can no longer be used. Please request a new code."),
                code="code_void",
            )
        return super().clean_code()


class ConfirmLoginCodeForm(_CountedCodeMixin, allauth_forms.ConfirmLoginCodeForm):
    max_attempts_setting = "ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS"
    timeout_setting = "ACCOUNT_LOGIN_BY_CODE_TIMEOUT"


class VerifyPhoneForm(_CountedCodeMixin, allauth_forms.VerifyPhoneForm):
    max_attempts_setting = "ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS"
    timeout_setting = "ACCOUNT_PHONE_VERIFICATION_TIMEOUT"
