"""A lost database answers 503 at once (a Chinese page or JSON, Retry-After): no 500, no hang."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from config.database.deadline import answer_deadline

logger = logging.getLogger(__name__)

# Long enough for a restart or a failover, short enough that a worker at the venue retries soon.
RETRY_AFTER_SECONDS = 30


def database_lost(exception: BaseException | None) -> bool:
    """True for the errors of a database that is down, unreachable or not answering in time."""
    return isinstance(exception, (OperationalError, InterfaceError))


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        request.path.startswith("/api/")
        or request.content_type == "application/json"
        or ("application/json" in accept and "text/html" not in accept)
    )


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer; rendered without a request context, so without touching the database."""
    if wants_json(request):
        response = JsonResponse(
            {"detail": _("The service is temporarily unavailable. Please try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Bounds every wait for PostgreSQL in a request (DB_ANSWER_TIMEOUT) and turns a lost
    database into the 503 answer. First in MIDDLEWARE, so that the deadline also covers the
    other middleware (sessions, authentication); their database errors reach
    config.errors.server_error, which answers the same 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with answer_deadline(settings.DB_ANSWER_TIMEOUT):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_lost(exception):
            return None
        logger.warning("Database unavailable at %s: %s", request.path, exception)
        return unavailable_response(request)
