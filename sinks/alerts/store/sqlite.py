"""The alert store on one SQLite file (the default): stdlib ``sqlite3``, WAL journal.

Writes happen inside ``transaction()``, which takes SQLite's write lock up front (``BEGIN
IMMEDIATE``), so the read-decide-write of one article is atomic even when a CLI command or a
second process on the host writes to the same file. ``max_size_bytes`` caps the file (SQLite
``max_page_count``) so a flood of alerts cannot fill the disk shared with the broker.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newswatch.sinks.alerts.store.base import AlertStoreError, AlertStoreFull
from newswatch.sinks.alerts.store.migrations import SQLITE_MIGRATIONS
from newswatch.sinks.alerts.store.sql import SqlAlertStore

__all__ = ["SqliteAlertStore"]


class SqliteAlertStore(SqlAlertStore):
    dialect = "sqlite"

    def __init__(self, path: Path | str, *, max_size_bytes: int | None = None,
                 busy_timeout_s: float = 10.0) -> None:
        super().__init__()
        self.path = Path(path)
        self.location = str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: BEGIN/COMMIT are ours (see transaction())
            self._db = sqlite3.connect(self.path, timeout=busy_timeout_s,
                                       isolation_level=None, check_same_thread=False)
            self._wal(busy_timeout_s)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            if max_size_bytes is not None:
                page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
                pages = max(1, max_size_bytes // page_size)
                self._db.execute(f"PRAGMA max_page_count={int(pages)}")
        except sqlite3.Error as exc:
            raise self._translate(exc, "opening") from exc
        except OSError as exc:
            raise AlertStoreError(f"alert store {self.path} cannot be opened: {exc}") from exc

    def _wal(self, busy_timeout_s: float) -> None:
        """Switch to WAL. Several processes opening a new file at once can find it locked
        while one of them switches, and the switch does not always wait for the busy timeout:
        retry until it does."""
        deadline = time.monotonic() + busy_timeout_s
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _migrate(self) -> None:
        latest = len(SQLITE_MIGRATIONS)
        # the version is read under the write lock, so processes opening a new file together
        # migrate it once (the others find it done)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > latest:
                raise AlertStoreError(
                    f"alert store {self.path} has schema version {version}, newer than this "
                    f"code ({latest}); upgrade newswatch")
            for number in range(version + 1, latest + 1):
                for statement in SQLITE_MIGRATIONS[number - 1]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={number}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(sql, tuple(params))

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, [tuple(row) for row in rows])

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _end(self, commit: bool) -> None:
        self._db.execute("COMMIT" if commit else "ROLLBACK")

    def _errors(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error,)

    def _translate(self, exc: Exception, action: str) -> AlertStoreError:
        message = str(exc)
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL or "full" in message.lower():
            return AlertStoreFull(
                f"alert store {self.path} is full while {action}: {message}. Free disk space "
                "or raise the size cap; the article was not processed and will be retried.")
        return AlertStoreError(f"alert store {self.path} failed while {action}: {message}")

    def _stories_under(self, keys: list[str]) -> list[Any]:
        # the keys as one JSON array walked by json_each: SQLite probes the key index for each
        # without first building a temporary index of 64 bound values
        return self._query(
            "SELECT id, version, last_seen_at FROM stories WHERE id IN (SELECT b.story_id"
            " FROM json_each(?) AS k JOIN story_bands AS b ON b.band = k.value)",
            (json.dumps(keys),))

    def size_bytes(self) -> int:
        pages = self._all("PRAGMA page_count")[0][0]
        size = self._all("PRAGMA page_size")[0][0]
        return int(pages) * int(size)

    def close(self) -> None:
        with self._lock:
            self._db.close()
