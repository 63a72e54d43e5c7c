"""A check-in's write: the insert (with the invitation check and any earlier check-in in the
same statement) in a transaction of its own, then, after its commit, the one query behind the
check-in's flags (coverage/sessions/flags.py).

On PostgreSQL the four statements go in two round trips (psycopg's pipeline mode) instead of
four: BEGIN with the INSERT, then COMMIT with the flags' query. The server runs them in that
order, so the query sees the check-in committed, and any concurrent one committed before it,
exactly as a query sent after the commit would. The COMMIT is sent only once the INSERT has
answered: a request given up while the database hangs before that closes the connection, and
the server rolls the insert back instead of storing a check-in the worker was told had failed
(tests/config/test_unavailable.py). Inside a transaction (tests) a savepoint stands for it.
"""

from django.db import connection, transaction
from django.db.models import QuerySet
from psycopg import pq

from coverage.models import Attendance
from coverage.sessions.flags import attendance_source_query

SAVEPOINT = "checkin_insert"


def attendance_insert(
    attendance: Attendance, *, invitations: QuerySet
) -> tuple[bool, tuple | None]:
    """(whether the check-in was inserted, the row of its flags' query when it was and has
    one; None for the row: the caller runs the query itself if it needs it)."""
    sql, params = _insert_sql(attendance, invitations)
    if connection.vendor != "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return _inserted(attendance, row), None
    nested = connection.in_atomic_block
    begin, commit = (
        (f"SAVEPOINT {SAVEPOINT}", f"RELEASE SAVEPOINT {SAVEPOINT}")
        if nested
        else ("BEGIN", "COMMIT")
    )
    with (
        connection.cursor() as control,
        connection.cursor() as insert,
        connection.cursor() as flags,
    ):
        raw = connection.connection
        try:
            with connection.wrap_database_errors, raw.pipeline() as pipeline:
                control.execute(begin)
                insert.execute(sql, params)
                pipeline.sync()  # the first round trip: BEGIN and the INSERT
                inserted = _inserted(attendance, insert.fetchone())
                control.execute(commit)
                query = attendance_source_query(attendance) if inserted else None
                if query is not None:
                    flags.execute(*query)
            # The pipeline's end was the second: COMMIT, then the flags' query.
            counted = flags.fetchone() if query is not None else None
        except Exception:
            _abandon(raw, nested)
            raise
    return inserted, counted


def _insert_sql(attendance: Attendance, invitations: QuerySet) -> tuple[str, list]:
    """INSERT … SELECT … WHERE EXISTS (invitation) ON CONFLICT DO NOTHING RETURNING id: the
    invitation check, the insert and the check for an earlier check-in in one statement, so a
    double tap never raises. Nothing returned when nothing was inserted (not invited, or
    checked in already). The ORM writes neither INSERT … SELECT nor ON CONFLICT DO NOTHING
    with RETURNING; PostgreSQL and SQLite (3.35+) both take this."""
    fields = [field for field in Attendance._meta.concrete_fields if not field.primary_key]
    values = [
        field.get_db_prep_save(field.pre_save(attendance, True), connection) for field in fields
    ]
    invited_sql, invited_params = invitations.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Attendance._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"SELECT {', '.join(['%s'] * len(fields))} WHERE EXISTS ({invited_sql}) "
        f"ON CONFLICT ({quote('session_id')}, {quote('person_id')}) DO NOTHING "
        f"RETURNING {quote(Attendance._meta.pk.column)}"
    )
    return sql, [*values, *invited_params]


def _inserted(attendance: Attendance, row: tuple | None) -> bool:
    if row is None:
        return False
    attendance.pk = row[0]
    attendance._state.adding = False
    attendance._state.db = connection.alias
    return True


def _abandon(raw, nested: bool) -> None:
    """After an error: leave no transaction of ours open on a connection that still answers
    (a closed one, a lost server's, has none left). Inside a transaction the error goes on
    to the caller's, which rolls back; a failed one is taken back to before the check-in."""
    if raw.closed:
        return
    status = raw.pgconn.transaction_status
    with connection.cursor() as cursor:
        if not nested and status in (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR):
            cursor.execute("ROLLBACK")
        elif nested and status == pq.TransactionStatus.INERROR:
            cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
