import contextlib

from django import template
from django.templatetags.static import static
from django.utils.text import Truncator
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

register = template.Library()

SHARE_RENDITION = "fill-1200x630"
DEFAULT_SHARE_IMAGE = "img/share-default.png"


@register.inclusion_tag("publicity/includes/share_meta.html", takes_context=True)
def share_meta(context, page):
    """Description and Open Graph tags, so a link shared in WeChat shows a title, summary and
    picture. Every URL is absolute, as crawlers require."""
    request = context["request"]
    image = getattr(page, "share_image", None)
    image_path = static(DEFAULT_SHARE_IMAGE)
    # A lost original must not take the page down: the default picture is shared instead.
    if image:
        with contextlib.suppress(SourceImageIOError, InvalidFilterSpecError):
            image_path = image.get_rendition(SHARE_RENDITION).url
    description = getattr(page, "share_description", "") or page.search_description
    return {
        "title": page.seo_title or page.title,
        "description": Truncator(description or "").chars(120),
        "image_url": request.build_absolute_uri(image_path),
        "url": request.build_absolute_uri(page.get_url(request) or request.path),
        "type": "website" if page.depth <= 2 else "article",
    }
