"""An in-memory ``Outbox`` with the store's semantics, for testing routes and the sink without
a database. Thread-safe, because delivery runs one thread per route."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from newswatch.sinks.alerts.outbox import Notification, NotifyEvent

from newswatch.contracts import Alert

__all__ = ["MemoryOutbox", "OutboxEntry", "make_alert"]

_T0 = datetime(2026, 11, 3, 9, 14, tzinfo=UTC)


@dataclass
class OutboxEntry:
    notification: Notification
    due_at: datetime
    state: str = "pending"  # pending | sent | given_up
    lease_owner: str | None = None
    lease_until: datetime | None = None
    errors: list[str] = field(default_factory=list)
    sent_at: datetime | None = None
    times_marked_sent: int = 0


class MemoryOutbox:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.entries: dict[int, OutboxEntry] = {}
        self._keys: set[tuple[str, str]] = set()

    def enqueue(self, route: str, group_key: str, event: NotifyEvent,
                alerts: Sequence[Alert], now: datetime) -> bool:
        with self._lock:
            if (route, group_key) in self._keys:
                return False
            self._keys.add((route, group_key))
            n = Notification(id=next(self._ids), route=route, group_key=group_key, event=event,
                             alerts=tuple(alerts), created_at=now)
            self.entries[n.id] = OutboxEntry(n, due_at=now)
            return True

    def claim(self, route: str, worker: str, now: datetime, lease: timedelta,
              limit: int = 50) -> list[Notification]:
        with self._lock:
            due = [e for e in self.entries.values()
                   if e.notification.route == route and e.state == "pending"
                   and e.due_at <= now
                   and (e.lease_until is None or e.lease_until <= now)]
            due.sort(key=lambda e: (e.notification.created_at, e.notification.id))
            for entry in due[:limit]:
                entry.lease_owner, entry.lease_until = worker, now + lease
            return [e.notification for e in due[:limit]]

    def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        with self._lock:
            for i in ids:
                entry = self.entries[i]
                entry.state, entry.sent_at = "sent", now
                entry.times_marked_sent += 1
                entry.lease_owner = entry.lease_until = None

    def mark_failed(self, ids: Sequence[int], error: str, retry_at: datetime | None,
                    now: datetime) -> None:
        with self._lock:
            for i in ids:
                entry = self.entries[i]
                entry.errors.append(error)
                entry.notification = replace(entry.notification,
                                             attempts=entry.notification.attempts + 1)
                entry.lease_owner = entry.lease_until = None
                if retry_at is None:
                    entry.state = "given_up"
                else:
                    entry.due_at = retry_at

    def states(self) -> dict[int, str]:
        with self._lock:
            return {i: e.state for i, e in self.entries.items()}


def make_alert(**fields: Any) -> Alert:
    """An Alert with plausible values for every required field; ``fields`` override them."""
    values: dict[str, Any] = {
        "id": "alert-1", "rule_id": "pk-attack", "rule_name": "Militant attack in Pakistan",
        "severity": "high", "story_id": "story-1", "title": "Blast hits market in Peshawar",
        "url": "https://news.example/peshawar-blast", "article_id": "art-1",
        "latest_article_id": "art-1", "primary_country": "PK", "countries": ["PK"],
        "admin1": ["PK-KP"], "event_types": ["bombing"], "first_seen_at": _T0,
        "last_seen_at": _T0, "raised_at": _T0, "updated_at": _T0}
    values.update(fields)
    return Alert(**values)
