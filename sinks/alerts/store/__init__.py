"""The alert store: SQLite by default, PostgreSQL for teams that run one (see ``base``)."""

from __future__ import annotations

from pathlib import Path

from newswatch.sinks.alerts.store.base import (
    AlertQuery,
    AlertStoreError,
    AlertStoreFull,
    HistoryEntry,
    PendingRecord,
)
from newswatch.sinks.alerts.store.sql import SqlAlertStore
from newswatch.sinks.alerts.store.sqlite import SqliteAlertStore

AlertStore = SqlAlertStore

__all__ = [
    "AlertQuery",
    "AlertStore",
    "AlertStoreError",
    "AlertStoreFull",
    "HistoryEntry",
    "PendingRecord",
    "SqlAlertStore",
    "SqliteAlertStore",
    "open_store",
]


def open_store(url: str | None, default_path: Path, *,
               max_size_bytes: int | None = None) -> SqlAlertStore:
    """The store named by ``url`` (``postgresql://...``, ``sqlite:///path``), or the SQLite
    file ``default_path`` when ``url`` is empty."""
    if url and url.startswith(("postgresql://", "postgres://")):
        from newswatch.sinks.alerts.store.postgres import PostgresAlertStore

        return PostgresAlertStore(url)
    if url and url.startswith("sqlite:///"):
        return SqliteAlertStore(url.removeprefix("sqlite:///"), max_size_bytes=max_size_bytes)
    if url:
        raise AlertStoreError(f"alert store URL must start with postgresql:// or sqlite:///, "
                              f"got {url.split(':', 1)[0]}:...")
    return SqliteAlertStore(default_path, max_size_bytes=max_size_bytes)
