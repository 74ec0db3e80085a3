"""What the alert store is: its errors, its queries and the records it keeps beside alerts.

The store is the alert role's memory and the operators' record: alerts with their history,
silences, the story index (``StoryIndex``), the notification outbox (``Outbox``) and the
records still to publish on the topics (``TopicOutbox``). Two implementations share one SQL
core (``sql.SqlAlertStore``): SQLite (default, one file) and PostgreSQL (several alert
replicas on one database).

Every failure surfaces as ``AlertStoreError`` (``AlertStoreFull`` when the disk or the size cap
is full): the caller retries the article later instead of dead-lettering it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from newswatch.contracts import Alert

__all__ = [
    "AlertQuery",
    "AlertStoreError",
    "AlertStoreFull",
    "HistoryEntry",
    "PendingRecord",
]


class AlertStoreError(RuntimeError):
    """The store could not read or write. Retrying the article later is safe."""


class AlertStoreFull(AlertStoreError):
    """The database cannot grow: disk full or the configured size cap reached."""


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """Filters for listing alerts; every field left empty matches everything."""

    states: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    story_id: str | None = None
    admin1: tuple[str, ...] = ()  # ISO 3166-2 first-level divisions
    since: datetime | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One version of an alert: what changed, when, by whom."""

    alert_id: str
    version: int
    change: str
    at: datetime
    actor: str | None
    comment: str | None
    alert: Alert = field(repr=False)


@dataclass(frozen=True, slots=True)
class PendingRecord:
    """A record written to the store to be published on a topic by the alert role."""

    seq: int
    topic: str
    key: bytes
    value: bytes
