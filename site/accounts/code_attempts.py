"""Counting guesses at an SMS code so that overlapping requests cannot buy more of them.

allauth counts failed attempts in the session: requests sent together each load the same
count and each save count + 1, so thirty simultaneous guesses cost one attempt and the code
stays usable. Here every guess first takes a number from an atomic counter in the database
and only the first `max_attempts` guesses are compared at all; the rest, the right code
included, are refused until a new code is sent.

Why the database and not the cache: the one-machine default cache is Django's database cache,
whose incr() reads and writes back (not atomic), and a counter that is atomic only when the
operator chose Redis is a security rule that depends on configuration. One upsert with
RETURNING is atomic on PostgreSQL and SQLite (3.35+) alike; Django's ORM cannot express
"insert or add one and tell me the result" in one statement, hence the SQL.
"""

import datetime

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import CodeGuessCount


def _counter_key(*, request: HttpRequest, expected_code: str) -> str:
    # The pending code lives in this session only; a new code (resend, new sign-in) gives a
    # new key and so starts at zero. Keyed by HMAC so the database never holds the code.
    identity = f"{request.session.session_key or ''}:{expected_code}"
    return salted_hmac("accounts.code_attempts", identity).hexdigest()


def code_attempt_take(
    *, request: HttpRequest, expected_code: str, max_attempts: int, timeout: int
) -> bool:
    """Count one guess at the pending code; False once it had `max_attempts` guesses (void)."""
    now = timezone.now()
    table = connection.ops.quote_name(CodeGuessCount._meta.db_table)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, guesses, expires_at) VALUES (%s, 1, %s)"
            f" ON CONFLICT ({key}) DO UPDATE SET guesses = CASE"
            f" WHEN {table}.expires_at < %s THEN 1 ELSE {table}.guesses + 1 END,"
            f" expires_at = CASE WHEN {table}.expires_at < %s"
            f" THEN excluded.expires_at ELSE {table}.expires_at END"
            f" RETURNING guesses",
            [
                _counter_key(request=request, expected_code=expected_code),
                now + datetime.timedelta(seconds=timeout),
                now,
                now,
            ],
        )
        (guesses,) = cursor.fetchone()
    return guesses <= max_attempts


def code_guess_counts_prune() -> int:
    """Delete the counts of codes that have expired (run by beat); safe to run twice."""
    deleted, _ = CodeGuessCount.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
