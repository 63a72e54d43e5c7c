"""The worker's personal check-in code as a card on pages outside coverage (我的)."""

from django import template

from coverage.sessions.personal_codes import personal_code_issue
from coverage.sessions.qr import qr_svg

register = template.Library()


@register.inclusion_tag("coverage/includes/personal_code_card.html")
def personal_code_card(person):
    """The person's QR (issued on first showing) with the links to enlarge, print or renew."""
    return {"svg": qr_svg(personal_code_issue(person=person))}
