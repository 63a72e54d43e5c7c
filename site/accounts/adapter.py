from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse, RateLimited
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.sms import Purpose, SmsSendError, sms_send
from coverage.audit.client_ip import client_ip
from coverage.identifiers import mobile_to_e164


class MainlandMobileField(forms.CharField):
    """A mobile number as people type it (138 0013 8000, +86-138…), cleaned to E.164.

    allauth's own PhoneField accepts E.164 only, which no Chinese user types.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Mobile number"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "inputmode": "tel",
                    "autocomplete": "tel",
                    "placeholder": gettext_lazy("11-digit mobile number"),
                }
            ),
        )
        kwargs.pop("validators", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return mobile_to_e164(value)
        except ValidationError as error:
            raise ValidationError(error.messages, code="invalid_phone") from error


def _sms_send_or_explain(**kwargs) -> None:
    """Send, or send the user back to the page they posted with "短信发送失败，请稍后重试"."""
    try:
        sms_send(**kwargs)
    except SmsSendError:
        # allauth sends from inside its flows, past any form validation; its middleware turns
        # ImmediateHttpResponse into the response (the failure is already logged).
        request = allauth_context.request
        messages.error(request, _("The text message could not be sent. Please try again later."))
        raise ImmediateHttpResponse(HttpResponseRedirect(request.get_full_path())) from None


class AccountAdapter(DefaultAccountAdapter):
    def phone_form_field(self, **kwargs):
        return MainlandMobileField(**kwargs)

    def generate_phone_verification_code(self, *, user, phone: str) -> str:
        request = allauth_context.request
        # A new code from the code page shares the request's limit (one a minute per number,
        # counted down on the page), refused before a code is made so that the last one still
        # works; allauth's view says "too many requests".
        # allauth makes a code twice per resend (resend(), then send_by_phone()): count once.
        resending = request is not None and request.POST.get("action") == "resend"
        if resending and not getattr(request, "_resend_counted", False):
            if not ratelimit.consume(request, action="request_login_code", key=phone.lower()):
                raise RateLimited
            request._resend_counted = True
        return super().generate_phone_verification_code(user=user, phone=phone)

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        minutes = settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60
        _sms_send_or_explain(
            phone=phone,
            purpose=Purpose.VERIFICATION_CODE,
            params={"code": code, "minutes": minutes},
            text=_(
                "[%(signature)s] Your verification code is %(code)s, valid for %(minutes)d "
                "minutes. Do not share it with anyone."
            )
            % {"signature": settings.SMS_SIGNATURE, "code": code, "minutes": minutes},
        )

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        # Sent to the number's owner, never shown to whoever typed it: the page looks the
        # same for registered and unregistered numbers.
        _sms_send_or_explain(
            phone=phone,
            purpose=Purpose.UNKNOWN_ACCOUNT,
            text=_(
                "[%(signature)s] Someone asked to sign in with this number, which has no "
                "account yet. To use the platform, choose “Register” on the sign-in page."
            )
            % {"signature": settings.SMS_SIGNATURE},
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        _sms_send_or_explain(
            phone=phone,
            purpose=Purpose.ACCOUNT_EXISTS,
            text=_(
                "[%(signature)s] Someone tried to register this number, which already has an "
                "account. To use it, choose “Sign in” and request a code."
            )
            % {"signature": settings.SMS_SIGNATURE},
        )

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        if user.pk:  # allauth also calls this on a signup's user before it is saved
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone: str) -> User | None:
        return User.objects.filter(phone=phone, is_active=True).first()

    def get_client_ip(self, request) -> str:
        # allauth's rate limits key on this: the platform's one rule for the client's address.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        # Workers sign up with a phone only; an empty email must be NULL to stay unique.
        user.email = user.email or None
        if commit:
            user.save()
        return user
