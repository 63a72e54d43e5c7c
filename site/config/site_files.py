"""What browsers and crawlers ask of every site: the icon, robots.txt and the sitemap."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

# Pages for signed-in people and machines: nothing there for a search engine.
PRIVATE_PREFIXES = ["/admin/", "/django-admin/", "/accounts/", "/coverage/", "/api/", "/jobs/"]


def public_url(path: str) -> str:
    """`path` on the public host (PUBLIC_BASE_URL), whatever host the Wagtail Site names."""
    base = urlsplit(settings.PUBLIC_BASE_URL)
    return urlunsplit((base.scheme, base.netloc, *urlsplit(path)[2:]))


@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponsePermanentRedirect(static("favicon.ico"))


@cache_control(max_age=24 * 3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES]
    lines += ["", f"Sitemap: {public_url('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class PublicSitemap(Sitemap):
    """Wagtail's sitemap builds URLs from the Site record's host (`localhost` after setup);
    a crawler needs the public one, which only the configuration knows."""

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["location"] = public_url(url["location"])
        return urls


def sitemap(request: HttpRequest) -> HttpResponse:
    return wagtail_sitemap(request, sitemaps={"wagtail": PublicSitemap})
