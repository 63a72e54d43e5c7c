from django import template

from media.failures import duration_text

register = template.Library()


@register.inclusion_tag("media/player.html")
def media_player(item, caption: str = ""):
    """`{% media_player item %}`: the accessible player, or a notice while transcoding."""
    return {"item": item, "caption": caption}


@register.filter
def media_duration(seconds) -> str:
    return duration_text(seconds) if seconds else ""
