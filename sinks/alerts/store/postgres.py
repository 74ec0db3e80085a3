"""The alert store on PostgreSQL (psycopg 3): several alert replicas on one database.

What makes replicas safe side by side:

- story assignment is serialised by a transaction-scoped advisory lock taken before the
  candidates are read (``_lock_story_index``), so two replicas never open two stories for
  one event;
- the notification outbox is unique per ``(route, group_key)`` (an article processed by two
  replicas queues one notification) and workers claim rows with ``FOR UPDATE SKIP LOCKED``
  and a lease, so two workers never hold the same notification and a killed worker's
  claims are taken over when its lease expires.

The connection runs in autocommit mode and ``SqlAlertStore.transaction()`` issues BEGIN and
COMMIT itself, at PostgreSQL's default READ COMMITTED: every statement sees what other
replicas committed before it, which is what the advisory lock relies on. A connection lost
during a transaction fails it (``AlertStoreError``; the role retries the article); one found
lost between transactions is reopened before the next one. The URL's password never appears
in a message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from newswatch.sinks.alerts.store.base import AlertStoreError, AlertStoreFull
from newswatch.sinks.alerts.store.migrations import POSTGRES_MIGRATIONS
from newswatch.sinks.alerts.store.sql import SqlAlertStore

__all__ = ["PostgresAlertStore", "redact_url", "to_pyformat"]

_DISK_FULL = "53100"
# connection exceptions (08xxx), server shutting down or not accepting connections (57P0x)
_UNREACHABLE = re.compile(r"^(08|57P0)")


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise AlertStoreError(
            "a postgresql:// alert store needs psycopg 3: pip install 'newswatch[postgres]'"
        ) from exc
    return psycopg


def redact_url(url: str) -> str:
    """``url`` with its password (in the user part or a ``password=`` parameter) masked."""
    url = re.sub(r"(://[^:/?#@]*):[^@/?#]*@", r"\1:***@", url)
    return re.sub(r"(?i)((?:^|[?&\s])password=)[^&#\s]*", r"\1***", url)


@lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """The shared SQL's ``?`` placeholders as psycopg's ``%s``; literal ``%`` doubled
    (psycopg reads ``%`` everywhere, quoted or not). ``?`` inside quotes stays."""
    out: list[str] = []
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _lock_key(purpose: str, schema: str) -> int:
    """A stable signed 64-bit advisory-lock key per purpose and schema, so stores in
    different schemas of one database do not wait for each other."""
    digest = hashlib.sha256(f"newswatch.alerts/{purpose}/{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _text(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL; only free text (a webhook's error message) may carry one
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value \
        else value


class PostgresAlertStore(SqlAlertStore):
    dialect = "postgresql"
    _claim_lock = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str, *, connect_timeout_s: int = 10, lock_timeout_s: float = 30.0,
                 idle_in_transaction_timeout_s: float = 60.0) -> None:
        super().__init__()
        self._psycopg = _import_psycopg()
        self._url = url
        self._connect_timeout_s = connect_timeout_s
        self._lock_timeout_ms = int(lock_timeout_s * 1000)
        self._idle_in_tx_ms = int(idle_in_transaction_timeout_s * 1000)
        self.location = redact_url(url)
        self._secrets = self._passwords(url)
        self._conn: Any = None
        self._story_lock = 0
        self._schema = ""
        try:
            self._connect()
            self._migrate()
        except self._psycopg.Error as exc:
            self._close_quietly()
            raise self._translate(exc, "opening") from exc
        except BaseException:
            self._close_quietly()
            raise

    def _passwords(self, url: str) -> tuple[str, ...]:
        try:
            password = self._psycopg.conninfo.conninfo_to_dict(url).get("password")
        except self._psycopg.Error:
            return ()
        password = str(password or "")
        return tuple({password, quote(password, safe="")} - {""})

    # ---- connection --------------------------------------------------------------------------

    def _connect(self) -> None:
        self._conn = self._psycopg.connect(
            self._url, autocommit=True, connect_timeout=self._connect_timeout_s,
            application_name="newswatch-alert",
            # a server that vanished without closing the socket is noticed within a minute
            keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)
        schema = self._conn.execute("SELECT current_schema()").fetchone()[0]
        if schema is None:
            raise AlertStoreError(
                f"alert store {self.location}: no schema to create tables in (the search_path "
                "names none that exists); create it or fix the URL's options")
        self._schema = str(schema)
        self._story_lock = _lock_key("stories", self._schema)
        # A replica frozen inside a transaction (stopped, cut off) would hold the story lock
        # and its rows until the server noticed, hours later with default TCP settings: the
        # server ends such a session, and a replica waiting too long for a lock gives up with
        # an error (the article is retried) instead of hanging. Our transactions are short.
        self._conn.execute(f"SET lock_timeout = {self._lock_timeout_ms}")
        self._conn.execute(f"SET idle_in_transaction_session_timeout = {self._idle_in_tx_ms}")

    def _connection(self) -> Any:
        """The open connection, reopened first if the last one was lost (never inside a
        transaction: a lost connection has already lost the transaction)."""
        if not self._in_tx and (self._conn is None or self._conn.closed or self._conn.broken):
            self._close_quietly()
            self._connect()
        return self._conn

    def _close_quietly(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except self._psycopg.Error:
                pass  # already gone
            self._conn = None

    def _migrate(self) -> None:
        latest = len(POSTGRES_MIGRATIONS)
        conn = self._conn
        # the advisory lock makes replicas that start together migrate one after the other;
        # DDL is transactional in PostgreSQL, so a failed migration leaves nothing behind
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)",
                         (_lock_key("schema", self._schema),))
            conn.execute("CREATE TABLE IF NOT EXISTS newswatch_schema (version INTEGER NOT NULL)")
            version = conn.execute("SELECT max(version) FROM newswatch_schema").fetchone()[0] or 0
            if version > latest:
                raise AlertStoreError(
                    f"alert store {self.location} has schema version {version}, newer than this "
                    f"code ({latest}); upgrade newswatch")
            for number in range(version + 1, latest + 1):
                for statement in POSTGRES_MIGRATIONS[number - 1]:
                    conn.execute(statement)
            if version < latest:
                conn.execute("DELETE FROM newswatch_schema")
                conn.execute("INSERT INTO newswatch_schema (version) VALUES (%s)", (latest,))

    def size_bytes(self) -> int:
        """On-disk size of the store's tables with their indexes and TOAST (its schema)."""
        rows = self._all("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                         " JOIN pg_namespace n ON n.oid = c.relnamespace"
                         " WHERE n.nspname = current_schema() AND c.relkind = 'r'")
        return int(rows[0][0])

    def schema_version(self) -> int:
        return int(self._all("SELECT max(version) FROM newswatch_schema")[0][0])

    # ---- dialect hooks -----------------------------------------------------------------------

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        query, args = to_pyformat(sql), tuple(_text(p) for p in params)
        conn = self._connection()
        try:
            return conn.execute(query, args)
        except self._psycopg.OperationalError:
            # Outside a transaction only BEGIN and single reads run here, so a connection
            # found dead (server restarted, idle connection dropped) is reopened and the
            # statement sent again; inside one, the transaction is lost and the caller retries.
            if self._in_tx or not conn.broken:
                raise
            return self._connection().execute(query, args)

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        query = to_pyformat(sql)
        with self._connection().cursor() as cursor:
            cursor.executemany(query, [tuple(_text(p) for p in row) for row in rows])

    def _begin(self) -> None:
        self._run("BEGIN")

    def _end(self, commit: bool) -> None:
        if self._conn is None:
            raise self._psycopg.OperationalError("the connection was lost")
        self._conn.execute("COMMIT" if commit else "ROLLBACK")

    def _errors(self) -> tuple[type[Exception], ...]:
        return (self._psycopg.Error,)

    def _lock_story_index(self) -> None:
        self._query("SELECT pg_advisory_xact_lock(?)", (self._story_lock,),
                    "locking the story index")

    def _translate(self, exc: Exception, action: str) -> AlertStoreError:
        message = str(exc).strip()
        for secret in self._secrets:
            message = message.replace(secret, "***")
        sqlstate = getattr(exc, "sqlstate", None) or ""
        if sqlstate == _DISK_FULL:
            return AlertStoreFull(
                f"alert store {self.location} is full while {action}: {message}. Free disk "
                "space on the database server; the article was not processed and will be "
                "retried.")
        lost = self._conn is None or self._conn.closed or self._conn.broken
        if _UNREACHABLE.match(sqlstate) or (
                isinstance(exc, self._psycopg.OperationalError) and (lost or not sqlstate)):
            return AlertStoreError(
                f"alert store {self.location} is unreachable while {action}: {message}; "
                "the article was not processed and will be retried (the connection is "
                "reopened at the next attempt)")
        return AlertStoreError(f"alert store {self.location} failed while {action}: {message}")

    def close(self) -> None:
        with self._lock:
            self._close_quietly()
