"""Poll state that survives restarts: an SQLite file under ``settings.state_dir``.

Two tables: ``feed_state`` (validators, schedule, health; one row per feed) and ``seen``
(article id and content hash per feed). A poll's rows are written in one transaction, and only
after its articles were published, so a crash between the two re-publishes (at least once)
but never skips. ``seen`` is bounded per feed (newest M ids, none older than N days; ids still
in the feed are refreshed on every full fetch so they never age out), which keeps 10,000 feeds
on disk, not in memory. The ids of the latest full fetch are never pruned, whatever M is: a feed
showing more items than M would otherwise lose some of them on every poll and publish them again
on the next.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path
from typing import Self

from newswatch.ingest.schedule import FeedState

__all__ = ["STATE_FILE", "FeedCommit", "StateStore", "StateStoreError"]

STATE_FILE = "ingest-state.sqlite3"
_COLUMNS = [f.name for f in fields(FeedState)]
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS feed_state (
    feed_id TEXT PRIMARY KEY,
    {", ".join(f"{name}" for name in _COLUMNS[1:])}
);
CREATE TABLE IF NOT EXISTS seen (
    feed_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    content_hash TEXT,
    seen_at REAL NOT NULL,
    PRIMARY KEY (feed_id, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_age ON seen (feed_id, seen_at);
"""


class StateStoreError(RuntimeError):
    """The poll state cannot be written (disk full, size cap, I/O error). The articles of the
    poll were already published; not recording them means they are published again once the
    store works (at least once), never lost."""


@dataclass(slots=True)
class FeedCommit:
    """Everything one poll of one feed writes: its new state and the ids it saw."""

    state: FeedState
    seen: list[tuple[str, str | None]] = field(default_factory=list)  # (article id, hash)


class StateStore:
    """Thread-safe (one connection behind a lock; the poller writes from one thread anyway)."""

    def __init__(self, path: Path | str, *, seen_max_items: int = 2000,
                 seen_max_age_days: float = 90.0, max_size_bytes: int | None = None) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.seen_max_items = seen_max_items
        self.seen_max_age_s = seen_max_age_days * 86400
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        if max_size_bytes is not None:  # keep the state from filling a disk shared with others
            page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
            self._db.execute(f"PRAGMA max_page_count={max(1, max_size_bytes // page_size)}")

    @classmethod
    def in_dir(cls, state_dir: Path, **kwargs: float | None) -> StateStore:
        return cls(Path(state_dir) / STATE_FILE, **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads --------------------------------------------------------------------------------
    def get(self, feed_id: str) -> FeedState | None:
        with self._lock:
            row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM feed_state "
                                   "WHERE feed_id = ?", (feed_id,)).fetchone()
        return FeedState(*row) if row else None

    def all(self) -> dict[str, FeedState]:
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM feed_state").fetchall()
        return {row[0]: FeedState(*row) for row in rows}

    def seen_hashes(self, feed_id: str, article_ids: Sequence[str]) -> dict[str, str | None]:
        """The stored content hash of each of ``article_ids`` this feed has published."""
        found: dict[str, str | None] = {}
        with self._lock:
            for start in range(0, len(article_ids), 500):
                chunk = list(article_ids[start:start + 500])
                marks = ",".join("?" * len(chunk))
                found.update(self._db.execute(
                    f"SELECT article_id, content_hash FROM seen WHERE feed_id = ? "
                    f"AND article_id IN ({marks})", [feed_id, *chunk]).fetchall())
        return found

    def seen_count(self, feed_id: str) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM seen WHERE feed_id = ?",
                                    (feed_id,)).fetchone()[0]

    def seen_items(self, feed_id: str) -> list[tuple[str, str | None, float]]:
        with self._lock:
            return self._db.execute("SELECT article_id, content_hash, seen_at FROM seen "
                                    "WHERE feed_id = ? ORDER BY seen_at DESC",
                                    (feed_id,)).fetchall()

    # -- writes -------------------------------------------------------------------------------
    def commit(self, commits: Iterable[FeedCommit], now: float | None = None) -> None:
        """Write the polls of several feeds in one transaction."""
        now = time.time() if now is None else now
        placeholders = ", ".join("?" * len(_COLUMNS))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for item in commits:
                    self._db.execute(f"INSERT OR REPLACE INTO feed_state ({', '.join(_COLUMNS)}) "
                                     f"VALUES ({placeholders})", astuple(item.state))
                    if item.seen:
                        self._db.executemany(
                            "INSERT OR REPLACE INTO seen (feed_id, article_id, content_hash, "
                            "seen_at) VALUES (?, ?, ?, ?)",
                            [(item.state.feed_id, aid, digest, now) for aid, digest in item.seen])
                        self._prune(item.state.feed_id, now, [aid for aid, _ in item.seen])
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise StateStoreError(
                    f"poll state {self.path} cannot be written: {exc}. The articles of this "
                    "poll were published and will be published again once it can.") from exc
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        if self._db.in_transaction:  # SQLite already rolled back after some errors (SQLITE_FULL)
            self._db.execute("ROLLBACK")

    def import_seen(self, feed_id: str, items: Iterable[tuple[str, str | None, float]]) -> None:
        """Merge seen ids from elsewhere (another poller's shared state); newest wins."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO seen (feed_id, article_id, content_hash, seen_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (feed_id, article_id) DO UPDATE SET "
                    "content_hash = excluded.content_hash, seen_at = excluded.seen_at "
                    "WHERE excluded.seen_at > seen.seen_at",
                    [(feed_id, aid, digest, at) for aid, digest, at in items])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def put_state(self, state: FeedState) -> None:
        placeholders = ", ".join("?" * len(_COLUMNS))
        with self._lock:
            self._db.execute(f"INSERT OR REPLACE INTO feed_state ({', '.join(_COLUMNS)}) "
                             f"VALUES ({placeholders})", astuple(state))

    def _prune(self, feed_id: str, now: float, current: list[str]) -> None:
        """Drop ids older than the age limit, then the oldest beyond the size bound; the ids of
        this fetch (``current``) stay either way: the bound is at least their number."""
        self._db.execute("DELETE FROM seen WHERE feed_id = ? AND seen_at < ?",
                         (feed_id, now - self.seen_max_age_s))
        count = self._db.execute("SELECT count(*) FROM seen WHERE feed_id = ?",
                                 (feed_id,)).fetchone()[0]
        if count <= self.seen_max_items:  # the common case: skip the sorting delete
            return
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS current_ids "
                         "(article_id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("DELETE FROM current_ids")
        self._db.executemany("INSERT OR IGNORE INTO current_ids VALUES (?)",
                             [(aid,) for aid in current])
        others_kept = max(0, self.seen_max_items - len(set(current)))
        self._db.execute(
            "DELETE FROM seen WHERE feed_id = ? AND article_id NOT IN current_ids "
            "AND article_id NOT IN (SELECT article_id FROM seen WHERE feed_id = ? "
            "AND article_id NOT IN current_ids ORDER BY seen_at DESC LIMIT ?)",
            (feed_id, feed_id, others_kept))
