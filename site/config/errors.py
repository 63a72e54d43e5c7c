"""Error pages in the site's look, rendered without a request context (so without the
database: the header's user and roles are not needed to say "not found")."""

import sys

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from config.unavailable import database_lost, unavailable_response


def _page(status: int, context: dict | None = None) -> HttpResponse:
    return HttpResponse(render_to_string(f"errors/{status}.html", context), status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Mostly a form left open too long, or cookies refused: say so instead of Django's English.
    return _page(403, {"csrf": True})


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except`: a database error raised by a middleware (loading
    # the session, the user) is a lost database too, and answers 503 like one in a view.
    if database_lost(sys.exc_info()[1]):
        return unavailable_response(request)
    return _page(500)
