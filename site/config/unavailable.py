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


# SQLSTATE classes of a server that cannot serve now: connection exceptions (08), operator
# intervention such as a shutdown or a cancelled statement (57), insufficient resources (53).
UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57", "53")
# SQLite (the one-machine default) says so in words: a writer holds the file, or it is gone.
UNAVAILABLE_SQLITE_MESSAGES = ("database is locked", "unable to open database", "disk i/o error")


def database_lost(exception: BaseException | None) -> bool:
    """True for the errors of a database that is down, unreachable, overloaded or not
    answering in time; False for the rest (a deadlock, a missing table: bugs, for the 500
    page and the error log)."""
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if hasattr(cause, "sqlstate"):  # psycopg: None when no server answered at all
        return cause.sqlstate is None or cause.sqlstate.startswith(UNAVAILABLE_SQLSTATE_PREFIXES)
    message = str(exception).lower()
    return any(words in message for words in UNAVAILABLE_SQLITE_MESSAGES)


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
        # With the traceback: a statement cancelled by statement_timeout is a page to speed up.
        logger.warning("Database unavailable at %s: %s", request.path, exception, exc_info=True)
        return unavailable_response(request)
