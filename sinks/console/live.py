"""Live updates: one poller per console reads alerts changed since its last look and hands
each change to every open page (server-sent events).

The store is polled (every ``interval_s``, 0.5 s by default), not subscribed to, because it
is written by other processes (the alert role, the CLI, other console replicas) and SQLite has
no notifications. The watermark trails the newest ``updated_at`` seen by ``overlap`` so that a
change committed late with an earlier time is still found; (id, version) pairs already sent are
skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio import to_thread
from newswatch.sinks.alerts.store import AlertQuery, AlertStoreError, SqlAlertStore

__all__ = ["ChangeFeed"]

log = logging.getLogger("newswatch.console")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class ChangeFeed:
    def __init__(self, store: SqlAlertStore, *, interval_s: float = 0.5,
                 overlap: timedelta = timedelta(seconds=5)) -> None:
        self.store = store
        self.interval_s = interval_s
        self.overlap = overlap
        self._watermark: datetime | None = None
        self._sent: OrderedDict[tuple[str, int], None] = OrderedDict()
        self._queues: set[asyncio.Queue[list[dict[str, Any]]]] = set()
        self._task: asyncio.Task[None] | None = None

    def subscribe(self) -> asyncio.Queue[list[dict[str, Any]]]:
        queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue(maxsize=100)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[list[dict[str, Any]]]) -> None:
        self._queues.discard(queue)

    def changes(self) -> list[dict[str, Any]]:
        """Alerts changed since the last call (blocking: run it in a thread)."""
        if self._watermark is None:
            newest = self.store.list_alerts(AlertQuery(limit=1))
            self._watermark = newest[0].updated_at if newest else _EPOCH
            # what the overlap window already holds was there before any page asked
            for a in self.store.list_alerts(AlertQuery(since=self._watermark - self.overlap,
                                                       limit=1000)):
                self._sent[(a.id, a.version)] = None
            return []
        found = self.store.list_alerts(AlertQuery(since=self._watermark - self.overlap,
                                                  limit=1000))
        fresh = [a for a in reversed(found) if (a.id, a.version) not in self._sent]
        for a in fresh:
            self._sent[(a.id, a.version)] = None
            self._watermark = max(self._watermark, a.updated_at)
        while len(self._sent) > 5000:
            self._sent.popitem(last=False)
        return [{"id": a.id, "version": a.version, "state": a.state, "severity": a.severity,
                 "change": a.change, "title": a.title} for a in fresh]

    async def run(self) -> None:
        while True:
            try:
                fresh = await to_thread.run_sync(self.changes)
            except AlertStoreError as exc:
                log.warning("console: reading the alert store failed: %s", exc)
                fresh = []
            if fresh:
                for queue in list(self._queues):
                    if queue.full():  # a stalled page: drop its oldest batch, it refetches
                        queue.get_nowait()
                    queue.put_nowait(fresh)
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
