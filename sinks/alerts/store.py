"""The alert store: what has been alerted, so cooldowns and dedup survive a restart.

``AlertStore`` is the small interface the sink needs; ``SqliteAlertStore`` implements it on a
SQLite file (stdlib ``sqlite3``, WAL). A PostgreSQL store would implement the same methods,
with ``transaction()`` taking a row or advisory lock on the dedup key instead of SQLite's
database-wide write lock.

Writes happen inside ``transaction()``, which takes the write lock up front (``BEGIN
IMMEDIATE``): the read-evaluate-write of one article is atomic even when several alert
processes on one host share the file. Any database failure surfaces as ``AlertStoreError``
(``AlertStoreFull`` when the disk or the size cap is full) and rolls the transaction back, so
the caller can retry the whole article.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, Self

from newswatch.contracts import Alert, AlertSeverity

__all__ = ["AlertStore", "AlertStoreError", "AlertStoreFull", "SqliteAlertStore"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id                TEXT PRIMARY KEY,
    dedup_key         TEXT NOT NULL,
    rule_id           TEXT NOT NULL,
    severity          TEXT NOT NULL,
    raised_at         TEXT NOT NULL,
    last_seen_at      TEXT NOT NULL,
    occurrences       INTEGER NOT NULL,
    notified_severity TEXT,
    body              TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_key ON alerts (dedup_key, raised_at);
CREATE INDEX IF NOT EXISTS alerts_by_last_seen ON alerts (last_seen_at);
CREATE TABLE IF NOT EXISTS alert_articles (
    rule_id    TEXT NOT NULL,
    article_id TEXT NOT NULL,
    alert_id   TEXT NOT NULL REFERENCES alerts (id),
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (rule_id, article_id)
);
"""


class AlertStoreError(RuntimeError):
    """The store could not read or write. Retrying the article later is safe."""


class AlertStoreFull(AlertStoreError):
    """The database file cannot grow: disk full or the configured size cap reached."""


class AlertStore(Protocol):
    """Persistence the alert sink needs. Implementations raise AlertStoreError on failure."""

    def transaction(self) -> AbstractContextManager[None]:
        """Atomic read-evaluate-write of one article; re-entrant."""
        ...

    def latest(self, dedup_key: str) -> Alert | None: ...

    def find_by_article(self, rule_id: str, article_id: str) -> Alert | None: ...

    def save(self, alert: Alert, rule_id: str, article_id: str, seen_at: datetime) -> None:
        """Insert or replace ``alert`` and record that ``article_id`` is folded into it."""
        ...

    def notified_severity(self, alert_id: str) -> AlertSeverity | None: ...

    def mark_notified(self, alert_id: str, severity: AlertSeverity) -> None: ...

    def recent(self, limit: int = 100, since: datetime | None = None) -> list[Alert]: ...

    def close(self) -> None: ...


def _ts(value: datetime) -> str:
    # One fixed UTC format, so text order is time order in SQL.
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _translate(exc: sqlite3.Error, path: Path, action: str) -> AlertStoreError:
    message = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or "full" in message.lower():
        return AlertStoreFull(
            f"alert store {path} is full while {action}: {message}. Free disk space or raise "
            "the size cap; the article was not processed and can be retried.")
    return AlertStoreError(f"alert store {path} failed while {action}: {message}")


class SqliteAlertStore:
    """Alerts in one SQLite file. Creates the schema on open; thread-safe (one lock).

    ``max_size_bytes`` caps the database size (SQLite ``max_page_count``) so a flood of alerts
    cannot fill the disk shared with the broker; writes past it raise ``AlertStoreFull``.
    """

    def __init__(self, path: Path | str, *, max_size_bytes: int | None = None,
                 busy_timeout_s: float = 10.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._in_tx = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (see transaction()).
            self._db = sqlite3.connect(self.path, timeout=busy_timeout_s,
                                       isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise AlertStoreError(
                    f"alert store {self.path} has schema version {version}, newer than this "
                    f"code ({SCHEMA_VERSION}); upgrade newswatch")
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            if max_size_bytes is not None:
                page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
                pages = max(1, max_size_bytes // page_size)
                self._db.execute(f"PRAGMA max_page_count={int(pages)}")
        except sqlite3.Error as exc:
            raise _translate(exc, self.path, "opening") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Atomic unit: everything inside commits together or not at all. Re-entrant."""
        with self._lock:
            if self._in_tx:
                yield
                return
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _translate(exc, self.path, "starting a transaction") from exc
            self._in_tx = True
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException as exc:
                try:
                    self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite may already have rolled back (e.g. on SQLITE_FULL)
                if isinstance(exc, sqlite3.Error):
                    raise _translate(exc, self.path, "committing") from exc
                raise
            finally:
                self._in_tx = False

    def _query(self, sql: str, params: tuple = (), action: str = "reading") -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise _translate(exc, self.path, action) from exc

    def _write(self, sql: str, params: tuple, action: str) -> None:
        with self.transaction(), self._lock:
            try:
                self._db.execute(sql, params)
            except sqlite3.Error as exc:
                raise _translate(exc, self.path, action) from exc

    def latest(self, dedup_key: str) -> Alert | None:
        rows = self._query(
            "SELECT body FROM alerts WHERE dedup_key = ? ORDER BY raised_at DESC LIMIT 1",
            (dedup_key,))
        return Alert.model_validate_json(rows[0][0]) if rows else None

    def find_by_article(self, rule_id: str, article_id: str) -> Alert | None:
        rows = self._query(
            "SELECT a.body FROM alert_articles x JOIN alerts a ON a.id = x.alert_id "
            "WHERE x.rule_id = ? AND x.article_id = ?", (rule_id, article_id))
        return Alert.model_validate_json(rows[0][0]) if rows else None

    def get(self, alert_id: str) -> Alert | None:
        rows = self._query("SELECT body FROM alerts WHERE id = ?", (alert_id,))
        return Alert.model_validate_json(rows[0][0]) if rows else None

    def save(self, alert: Alert, rule_id: str, article_id: str, seen_at: datetime) -> None:
        """Idempotent upsert: saving the same alert and article twice changes nothing more."""
        with self.transaction():
            self._write(
                "INSERT INTO alerts (id, dedup_key, rule_id, severity, raised_at, last_seen_at,"
                " occurrences, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET severity = excluded.severity,"
                " last_seen_at = max(last_seen_at, excluded.last_seen_at),"
                " occurrences = excluded.occurrences, body = excluded.body",
                (alert.id, alert.dedup_key, rule_id, alert.severity, _ts(alert.raised_at),
                 _ts(seen_at), alert.occurrences, alert.model_dump_json()),
                "saving an alert")
            self._write(
                "INSERT OR IGNORE INTO alert_articles (rule_id, article_id, alert_id, seen_at)"
                " VALUES (?, ?, ?, ?)", (rule_id, article_id, alert.id, _ts(seen_at)),
                "saving an alert")

    def notified_severity(self, alert_id: str) -> AlertSeverity | None:
        rows = self._query("SELECT notified_severity FROM alerts WHERE id = ?", (alert_id,))
        return rows[0][0] if rows else None

    def mark_notified(self, alert_id: str, severity: AlertSeverity) -> None:
        self._write("UPDATE alerts SET notified_severity = ? WHERE id = ?",
                    (severity, alert_id), "recording a notification")

    def recent(self, limit: int = 100, since: datetime | None = None) -> list[Alert]:
        """Alerts by most recent activity (raised or updated), newest first."""
        if since is None:
            rows = self._query("SELECT body FROM alerts ORDER BY last_seen_at DESC LIMIT ?",
                               (limit,))
        else:
            rows = self._query("SELECT body FROM alerts WHERE last_seen_at >= ?"
                               " ORDER BY last_seen_at DESC LIMIT ?", (_ts(since), limit))
        return [Alert.model_validate_json(r[0]) for r in rows]

    def prune(self, older_than: datetime) -> int:
        """Delete alerts not seen since ``older_than`` (and their article links); returns how
        many. Re-delivery of a pruned article would alert again, so keep more than the
        longest plausible replay (days, not hours)."""
        cutoff = _ts(older_than)
        with self.transaction(), self._lock:
            try:
                self._db.execute(
                    "DELETE FROM alert_articles WHERE alert_id IN"
                    " (SELECT id FROM alerts WHERE last_seen_at < ?)", (cutoff,))
                return self._db.execute(
                    "DELETE FROM alerts WHERE last_seen_at < ?", (cutoff,)).rowcount
            except sqlite3.Error as exc:
                raise _translate(exc, self.path, "pruning") from exc

    def count(self) -> int:
        return self._query("SELECT count(*) FROM alerts")[0][0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
