import contextlib

from django import template
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

from publicity.plan_name import plan_name_current
from publicity.wechat import wechat_share_enabled

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
    # Index pages have an introduction and no summary; a page with neither shares the site's.
    description = (
        getattr(page, "share_description", "")
        or page.search_description
        or getattr(page, "intro", "")
        or gettext(
            "Work-injury prevention training, typical cases and publicity for Jilin Province."
        )
    )
    return {
        "title": page.seo_title or page.title,
        "description": Truncator(description or "").chars(120),
        "image_url": request.build_absolute_uri(image_path),
        "url": request.build_absolute_uri(page.get_url(request) or request.path),
        "type": "website" if page.depth <= 2 else "article",
        "wechat_share": wechat_share_enabled(),
    }


@register.tag("page_title")
def page_title(parser, token):
    """`{% page_title %}{% block title %}{% endblock %}{% endpage_title %}`: "<title> · <site>",
    or the site's name alone when the title is empty or is the site's name (the home page)."""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist)


class PageTitleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        site = gettext("Jilin Work-Injury Prevention")
        title = " ".join(self.nodelist.render(context).split())
        if not title or title == conditional_escape(site):
            return conditional_escape(site)
        return format_html("{} · {}", title, site)


@register.simple_tag
def plan_name() -> str:
    """The plan in force, for the footer (publicity.plan_name)."""
    return plan_name_current()
