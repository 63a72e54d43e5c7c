"""Anonymous views of publicity pages, served from Django's cache and purged on publish.

Only page types with `AnonymousCacheMixin` are cached, only for GET requests without a session
(nobody signed in, no messages waiting) and only when the page set no cookie. The key holds
the host, scheme, path with query string and the interface language; the entry holds the
"generation" it was made in, and publishing, unpublishing, moving or deleting any page starts
a new generation, because a change shows in more than its own page (lists, the home page).

A hit costs one round trip (one MGET of the generation and the page) and nothing per visitor:
whether a path may be a page is a prefix check against the other views' URLs, worked out once
per URLconf, and cached pages carry no CSRF token. A token must be each visitor's own, so the
header's language switch on a page that may be cached takes it when it is submitted, from
`publicity:csrf_token` (`publicity/static/publicity/csrf_lazy.js`); a page whose rendering
asked for a token anyway is not stored.

Hand-written on Django's cache framework because wagtail-cache, the library for this, supports
Wagtail only up to 7.0 (its 3.0.0 release), and this project runs Wagtail 8.
"""

import functools
import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import translation
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from coverage.models import TrainingTarget
from media.models import MediaItem
from publicity.plan_name import plan_name_forget

GENERATION_KEY = "publicity:pages:generation"
# The index pages' filters and page number (publicity/forms.py).
CACHED_PARAMETERS = frozenset(
    {"topic", "tag", "industry", "region", "year", "accident_type", "filing_status", "page"}
)
CACHE_HEADER = "X-Page-Cache"
# Set on a request whose page may be stored: its templates leave CSRF tokens out.
CANDIDATE_ATTRIBUTE = "page_cache_candidate"
# Part of every page key: entries of an older layout are never read.
_KEY_PREFIX = "publicity:page:2:"
_REGEX_SPECIAL = frozenset("\\.^$*+?{}[]|()")
# Cookies that make a page someone's own: a session (signed in, or anything kept for the
# visitor) and messages waiting to be shown.
_PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def _cache():
    return caches[getattr(settings, "PUBLICITY_PAGE_CACHE_ALIAS", "default")]


def _timeout() -> int:
    return getattr(settings, "PUBLICITY_PAGE_CACHE_SECONDS", 15 * 60)


def _restricted(page: Page) -> bool:
    """The page or one of its ancestors has a view restriction (one query, by tree path)."""
    step = Page.steplen
    paths = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    return PageViewRestriction.objects.filter(page__path__in=paths).exists()


class AnonymousCacheMixin:
    """Marks a page type's live views as cacheable for anonymous visitors."""

    cache_anonymous = True

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if (
            self.cache_anonymous
            and not getattr(request, "is_preview", False)
            and not _restricted(self)
        ):
            response.publicity_cacheable = True
        return response


def pages_cache_purge() -> None:
    """Start a new generation: every cached page is stale from now on."""
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def _generation(found: dict) -> str:
    generation = found.get(GENERATION_KEY)
    if generation is None:
        _cache().add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = _cache().get(GENERATION_KEY)
    return generation


def _page_key(request: HttpRequest) -> str:
    query = "&".join(f"{name}={request.GET[name]}" for name in sorted(request.GET))
    raw = "|".join(
        [request.scheme, request.get_host(), translation.get_language() or "", request.path, query]
    )
    return _KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _literal_prefix(pattern) -> str:
    """The start of a URL pattern that is plain text: what every path it matches begins with."""
    if isinstance(pattern, RoutePattern):  # "admin/", "learn/<int:pk>/"
        return str(pattern).split("<", 1)[0]
    if isinstance(pattern, RegexPattern):
        text = str(pattern).removeprefix("^")
        end = next((i for i, char in enumerate(text) if char in _REGEX_SPECIAL), len(text))
        return text[:end]
    return ""  # anything else (a locale prefix): taken to match every path


def _serves_pages_somewhere(entry) -> bool:
    if isinstance(entry, URLPattern):
        return entry.name == "wagtail_serve"
    return any(_serves_pages_somewhere(child) for child in entry.url_patterns)


def _prefixes_of_other_views(patterns, start: str) -> list[str]:
    prefixes = []
    for entry in patterns:
        prefix = start + _literal_prefix(entry.pattern)
        if isinstance(entry, URLResolver) and _serves_pages_somewhere(entry):
            if prefix != start + str(entry.pattern):
                # Pages behind a prefix that is not plain text: none is taken for a page.
                prefixes.append(prefix)
            else:
                prefixes.extend(_prefixes_of_other_views(entry.url_patterns, prefix))
        elif not (isinstance(entry, URLPattern) and entry.name == "wagtail_serve"):
            prefixes.append(prefix)
    return prefixes


@functools.lru_cache(maxsize=8)
def _other_views(resolver: URLResolver) -> tuple[str, ...]:
    """The paths every other view of this URLconf starts with ("/admin/", "/learn/", …)."""
    return tuple("/" + prefix for prefix in _prefixes_of_other_views(resolver.url_patterns, ""))


def _serves_pages(request: HttpRequest) -> bool:
    """Wagtail's page view may answer this path: no other view's URL starts it, and it ends in
    a slash as page URLs do (CommonMiddleware redirects the others). Checked by prefix, not by
    resolve(), so that other views never pay for a cache lookup and pages pay little for the
    check; a path taken for a page that is none only costs a lookup that misses, since only
    page views store entries."""
    path = request.path_info
    if WAGTAIL_APPEND_SLASH and not path.endswith("/"):
        return False
    return not path.startswith(_other_views(get_resolver(getattr(request, "urlconf", None))))


def _known_query(request: HttpRequest) -> bool:
    """Only the listings' own filters, once each: any other query string is answered without
    the cache, so nobody can fill it with ?x=1, ?x=2, …"""
    return all(
        name in CACHED_PARAMETERS
        and len(request.GET.getlist(name)) == 1
        and len(request.GET[name]) <= 40
        for name in request.GET
    )


def _request_cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and _known_query(request)
        and not any(name in request.COOKIES for name in _PERSONAL_COOKIES)
        and "HTTP_AUTHORIZATION" not in request.META
        and _serves_pages(request)
    )


def _response_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        getattr(response, "publicity_cacheable", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and not request.user.is_authenticated
        and not (session is not None and session.modified)
        # The rendering put this visitor's CSRF token in the page: nobody else may get it.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _entry(generation: str, response: HttpResponse) -> tuple:
    headers = [(name, value) for name, value in response.items() if name != CACHE_HEADER]
    return (generation, response.status_code, headers, response.content)


def _response(entry: tuple) -> HttpResponse:
    _generation_made, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[CACHE_HEADER] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """After CsrfViewMiddleware and AuthenticationMiddleware, and after the language is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _request_cacheable(request):
            return self.get_response(request)
        key = _page_key(request)
        found = _cache().get_many([GENERATION_KEY, key])
        generation = _generation(found)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return _response(entry)
        setattr(request, CANDIDATE_ATTRIBUTE, True)
        response = self.get_response(request)
        if _response_cacheable(request, response):
            _cache().set(key, _entry(generation, response), _timeout())
            response[CACHE_HEADER] = "miss"
        return response


def _purge_now_and_after_commit(**_kwargs) -> None:
    # Now, so the editor sees the change at once; again after the commit, so a page rendered
    # from the old content between the two is not kept either.
    pages_cache_purge()
    transaction.on_commit(pages_cache_purge)


def _purge_on_change(sender, **kwargs) -> None:
    _purge_now_and_after_commit()


def pages_cache_connect() -> None:
    """Purge on every change that can show on a page (PublicityConfig.ready)."""
    page_published.connect(_purge_now_and_after_commit, dispatch_uid="publicity-purge-published")
    page_unpublished.connect(
        _purge_now_and_after_commit, dispatch_uid="publicity-purge-unpublished"
    )
    post_page_move.connect(_purge_now_and_after_commit, dispatch_uid="publicity-purge-moved")
    # Deleting any page type deletes its base Page row: listening to Page alone keeps Django's
    # fast bulk deletes for every other model.
    post_delete.connect(_purge_on_change, sender=Page, dispatch_uid="publicity-purge-deleted")
    # A page made private (password, sign-in or groups) must leave the cache at once.
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _purge_on_change,
            sender=PageViewRestriction,
            dispatch_uid=f"publicity-purge-restriction-{name}",
        )
    m2m_changed.connect(
        _purge_on_change,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="publicity-purge-restriction-groups",
    )
    # What pages show of other objects: a replaced or deleted picture, a video that has
    # finished transcoding (until then its block says "being prepared").
    image_model = get_image_model()
    # Every page's footer names the current plan (publicity.plan_name).
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            plan_name_forget, sender=TrainingTarget, dispatch_uid=f"publicity-plan-name-{name}"
        )
        signal.connect(
            _purge_on_change, sender=TrainingTarget, dispatch_uid=f"publicity-purge-target-{name}"
        )
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _purge_on_change, sender=image_model, dispatch_uid=f"publicity-purge-image-{name}"
        )
    post_save.connect(
        _purge_on_media_ready, sender=MediaItem, dispatch_uid="publicity-purge-media-ready"
    )


def _purge_on_media_ready(sender, instance, **kwargs) -> None:
    # Progress is saved every few percent while transcoding: only the moment it is ready or
    # has failed changes what a page shows.
    if instance.status in (MediaItem.Status.READY, MediaItem.Status.FAILED):
        _purge_now_and_after_commit()
