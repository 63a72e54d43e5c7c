"""What a real Redis server runs, seen through its MONITOR command: round trips counted on the
server itself rather than in our client code."""

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis


@contextmanager
def redis_commands_watch(url: str) -> Iterator[list[str]]:
    """The commands the server at `url` runs on that URL's database while the block runs
    (complete once the block has left)."""
    client = redis.Redis.from_url(url)
    database = client.connection_pool.connection_kwargs.get("db", 0)
    # Connected before the watch starts, so that its handshake is not among the commands.
    closing = redis.Redis.from_url(url)
    closing.ping()
    marker = f"end-of-watch-{uuid.uuid4().hex}"
    commands: list[str] = []

    with client.monitor() as monitor:
        # MONITOR answered OK before this point: every later command is streamed to it.
        def listen() -> None:
            for entry in monitor.listen():
                if marker in entry["command"]:
                    return
                if entry["db"] == database:
                    commands.append(entry["command"])

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        try:
            yield commands
        finally:
            # A command after the block's: once the listener sees it, it has seen them all.
            closing.echo(marker)
            listener.join(timeout=10)
    closing.close()
    client.close()
