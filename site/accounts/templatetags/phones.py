from django import template

register = template.Library()


@register.filter
def phone_display(phone: str | None) -> str:
    """+8613800000001 → 138 0000 0001: how a mainland mobile number is read aloud and checked
    digit by digit; anything else is shown as stored."""
    digits = (phone or "").removeprefix("+86")
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return phone or ""
