"""A PostgreSQL server of a test's own (initdb + pg_ctl from Debian's PostgreSQL 15), to stop,
hang (SIGSTOP) and resume without touching the server the rest of the suite uses."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="yufang-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            # initdb refuses to run as root: the server belongs to the postgres user.
            shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(
            BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync"
        )

    def _as_postgres(self, *args) -> None:
        command = [str(arg) for arg in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/h_failure"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._as_postgres(
            BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start"
        )

    def stop(self) -> None:
        self._as_postgres(BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def create_database(self) -> None:
        self._as_postgres(
            BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "h_failure"
        )

    def client_backends(self) -> list[int]:
        """The server processes of the connections open now (another one runs this query)."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=h_failure"
        ) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall()
        return [pid for (pid,) in rows]

    @property
    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def hang(self, *backend_pids: int) -> list[int]:
        """Stop the postmaster and the given backends as a frozen server would: the kernel
        still accepts connections and ACKs data, nobody answers."""
        pids = [self.postmaster_pid, *backend_pids]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        return pids

    @staticmethod
    def resume(pids: list[int]) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def destroy(self) -> None:
        try:
            self.resume([self.postmaster_pid])
            self.stop()
        except (FileNotFoundError, subprocess.CalledProcessError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
