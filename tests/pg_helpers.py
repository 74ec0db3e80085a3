"""PostgreSQL for tests: the machine's server, one fresh schema per test.

The server is the one the machine runs (127.0.0.1:5432, database ``test``, user ``postgres``,
trust auth); ``NEWSWATCH_TEST_PG_URL`` points elsewhere. ``temporary_schema()`` creates a
schema, yields a URL whose ``search_path`` is that schema (give it to ``open_store`` or to
``NEWSWATCH_ALERTS__STORE_URL`` of a ``newswatch alert`` process), and drops it afterwards,
so tests never see each other's tables and leave nothing behind. ``TcpProxy`` stands between
a store and the server to cut the database away and bring it back.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

PG_URL = os.environ.get("NEWSWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
START_HINT = ("start it with: pg_ctlcluster --skip-systemctl-redirect "
              "$(ls /etc/postgresql) main start")


def _connect(url: str = PG_URL) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def pg_unreachable_reason() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    try:
        _connect().close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_URL} is unreachable ({' '.join(str(exc).split())}); " \
            + START_HINT
    return None


def schema_url(schema: str, base: str = PG_URL) -> str:
    """``base`` with ``search_path`` set to ``schema`` (libpq ``options``)."""
    option = quote(f"-c search_path={schema}", safe="")
    return f"{base}{'&' if '?' in base else '?'}options={option}"


@contextmanager
def temporary_schema(prefix: str = "nwtest") -> Iterator[str]:
    """A new empty schema for the duration of the block; yields its URL."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _connect() as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema_url(schema)
    finally:
        with _connect() as admin:
            # a store left open mid-transaction must fail the test, not hang it
            admin.execute("SET lock_timeout = '20s'")
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def execute(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on its own connection (outside any store) and return its rows."""
    with _connect(url) as conn:
        cursor = conn.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


class TcpProxy:
    """A loopback TCP relay to the server that a test can cut and bring back, to play a
    database that goes away (``stop``: every connection dropped, new ones refused) and
    returns (``start`` again, same port) without touching the machine's shared server."""

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 5432)) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._guard = threading.Lock()

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def url(self, base: str = PG_URL) -> str:
        """``base`` pointed at the relay."""
        host = f"{self.target[0]}:{self.target[1]}"
        assert host in base, f"{base} does not name {host}"
        return base.replace(host, f"127.0.0.1:{self.port}", 1)

    def stop(self) -> None:
        with self._guard:
            everything = [*self._sockets, *([self._listener] if self._listener else [])]
            self._sockets, self._listener = [], None
        for s in everything:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._guard:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass  # one side closed: close the other below
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
