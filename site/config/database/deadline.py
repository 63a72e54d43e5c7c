"""A web request never waits for PostgreSQL longer than a deadline, even if the server hangs.

Why hand-written, and why here: libpq and psycopg clamp `connect_timeout` to at least 2 s
(psycopg.conninfo.timeout_from_conninfo); `statement_timeout` is enforced by the server, so a
server that hangs (a stopped process, a frozen machine) never fires it; TCP keepalives and
`tcp_user_timeout` are answered by the server's kernel, which still ACKs. psycopg 3.3's wait
functions accept a deadline (`Connection.wait(timeout=...)`, `waiting.wait_conn(timeout=...)`)
but nothing passes one for queries, and the one for connecting comes from the clamped
`connect_timeout`: this subclass passes ours. Waits outside a request (Celery tasks, commands)
are untouched: imports may run long statements.

A slow answer is not a lost server: when a wait runs out, a probe (a new connection and
`SELECT 1`, bounded too) asks whether the server still answers. If it does, the statement is
only slow (a big report, a lock wait) and the wait goes on, bounded by the server's own
`statement_timeout`; psycopg's wait generators are made to be resumed after a timed-out wait
(psycopg/generators.py: "If a None value is sent ... yield the same value again"). Only a
server that answers neither gives the request up, so a hung server costs a request about
1.5 × the deadline, and a regulator's slow dashboard is never cut off.
"""

import contextlib
from collections.abc import Generator, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from time import monotonic

import psycopg
from psycopg import errors
from psycopg.conninfo import make_conninfo

# psycopg wakes its waits this often (psycopg.connection._WAIT_INTERVAL) to notice Ctrl-C;
# the connect generator below checks the deadline on each wake-up.
WAIT_INTERVAL = 0.1
# The probe's share of the deadline: a healthy server accepts a connection in milliseconds.
PROBE_SHARE = 0.5
# psycopg's own arguments of `connect`; everything else is a libpq parameter.
_PSYCOPG_ARGUMENTS = {"autocommit", "prepare_threshold", "context", "row_factory", "cursor_factory"}


class DatabaseNoAnswer(psycopg.OperationalError):
    """PostgreSQL did not answer within the request's deadline; the connection was closed."""


@dataclass
class _Deadline:
    seconds: float
    # After one wait has run out, the server is taken for lost for the rest of the request,
    # so a second query (saving the session, say) fails at once instead of waiting again.
    lost: bool = False

    def no_answer(self) -> DatabaseNoAnswer:
        self.lost = True
        return DatabaseNoAnswer(f"PostgreSQL did not answer within {self.seconds:g} s")


_deadline: ContextVar[_Deadline | None] = ContextVar("database_deadline", default=None)
_in_web_request: ContextVar[bool] = ContextVar("database_in_web_request", default=False)


@contextlib.contextmanager
def answer_deadline(seconds: float) -> Iterator[None]:
    """A web request: each wait for PostgreSQL (connecting, a query) ends after `seconds`, and
    connections opened here get the web's statement_timeout (base.DatabaseWrapper)."""
    token = _deadline.set(_Deadline(seconds) if seconds > 0 else None)
    web = _in_web_request.set(True)
    try:
        yield
    finally:
        _in_web_request.reset(web)
        _deadline.reset(token)


def in_web_request() -> bool:
    return _in_web_request.get()


def _bounded(gen: Generator, deadline: _Deadline) -> Generator:
    """The connect generator, given up once the deadline has passed."""
    if deadline.lost:
        raise deadline.no_answer()
    ends = monotonic() + deadline.seconds
    try:
        wanted = next(gen)
        while True:
            ready = yield wanted
            if monotonic() >= ends:
                raise deadline.no_answer()
            wanted = gen.send(ready)
    except StopIteration as done:
        return done.value
    finally:
        gen.close()


class DeadlineConnection(psycopg.Connection):
    _probe_conninfo = ""
    _is_probe = False

    @classmethod
    def connect(cls, conninfo: str = "", **kwargs):
        connection = super().connect(conninfo, **kwargs)
        libpq = {k: v for k, v in kwargs.items() if k not in _PSYCOPG_ARGUMENTS}
        connection._probe_conninfo = make_conninfo(conninfo, **libpq)
        return connection

    @classmethod
    def _connect_gen(cls, conninfo: str = ""):
        deadline = _deadline.get()
        gen = super()._connect_gen(conninfo)
        return gen if deadline is None else _bounded(gen, deadline)

    def wait(self, gen, interval: float = WAIT_INTERVAL, timeout: float | None = None):
        deadline = _deadline.get()
        if deadline is None or timeout is not None:
            return super().wait(gen, interval=interval, timeout=timeout)
        try:
            if deadline.lost:
                raise deadline.no_answer()
            while True:
                try:
                    return super().wait(gen, interval=interval, timeout=deadline.seconds)
                except errors._WaitTimeout:
                    if self._is_probe or not self._server_answers(deadline):
                        raise deadline.no_answer() from None
        finally:
            if deadline.lost:
                # The server may be holding a query of ours: the connection's state is
                # unknown, so it is closed. The server rolls back an open transaction; a
                # COMMIT already sent may still land, whole (tests/config/test_unavailable.py).
                self.pgconn.finish()

    def _server_answers(self, deadline: _Deadline) -> bool:
        """Whether a new connection gets an answer to SELECT 1 within the probe's share."""
        token = _deadline.set(_Deadline(deadline.seconds * PROBE_SHARE))
        try:
            with DeadlineConnection.connect(self._probe_conninfo, autocommit=True) as probe:
                probe._is_probe = True
                probe.execute("SELECT 1")
            return True
        except DatabaseNoAnswer:
            return False
        except psycopg.Error:
            # The server answered, with an error ("too many clients", say): busy, not lost.
            # A server that is gone would also have closed the connection we wait on.
            return True
        finally:
            _deadline.reset(token)
