"""The notification outbox: what each route still has to send, kept in the alert store.

The sink enqueues a notification in the same transaction that changes the alerts, so a crash
can neither lose one nor (thanks to the unique ``(route, group_key)``) enqueue it twice, even
with several alert replicas on one PostgreSQL database. Delivery workers claim notifications
with a lease, send them, and mark them sent or failed; a worker that dies leaves its claims to
expire, and another worker picks them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from newswatch.contracts import Alert

__all__ = ["Notification", "NotifyEvent", "Outbox"]

# why a notification goes out: a new alert, a severity rise, a burst of outlets, a re-opening
NotifyEvent = Literal["new", "escalated", "burst", "reopened"]


@dataclass(frozen=True, slots=True)
class Notification:
    """One message for one route: every alert it names was triggered by the same article."""

    id: int
    route: str
    group_key: str
    event: NotifyEvent
    alerts: tuple[Alert, ...]
    created_at: datetime
    attempts: int = 0


class Outbox(Protocol):
    def enqueue(self, route: str, group_key: str, event: NotifyEvent,
                alerts: Sequence[Alert], now: datetime) -> bool:
        """Add a notification unless ``(route, group_key)`` is already there; True if added."""
        ...

    def claim(self, route: str, worker: str, now: datetime, lease: timedelta,
              limit: int = 50) -> list[Notification]:
        """Pending notifications of ``route`` that are due (oldest first), leased to
        ``worker`` until ``now + lease``; expired leases of other workers count as pending."""
        ...

    def mark_sent(self, ids: Sequence[int], now: datetime) -> None: ...

    def mark_failed(self, ids: Sequence[int], error: str, retry_at: datetime | None,
                    now: datetime) -> None:
        """Record a failed attempt: retried from ``retry_at``, or given up when None."""
        ...
