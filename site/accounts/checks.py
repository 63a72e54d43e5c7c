from django.conf import settings
from django.core.checks import Error, register


@register()
def sms_provider_configured(app_configs, **kwargs) -> list[Error]:
    """An Aliyun SMS backend without keys or templates would fail every sign-in: say so at start."""
    if settings.SMS_BACKEND != "accounts.aliyun_sms.AliyunSmsBackend":
        return []
    from accounts.aliyun_sms import aliyun_settings_errors

    return [
        Error(message, hint='See docs/accounts.md, "SMS".', id="accounts.E001")
        for message in aliyun_settings_errors()
    ]
