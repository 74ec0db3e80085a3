"""Delivery: one thread per route takes due notifications from the outbox and sends them.

A thread per route is what keeps a failing or slow route from delaying the others: each waits
only on its own rate limit, its own service and its own retries. The loop of one route:

1. wait until the route's ``min_interval`` has passed since its last send;
2. claim due notifications (a lease, so a worker that dies leaves them to another), up to
   ``batch_limit``; with a ``batch_window``, wait until the oldest is that old and claim more;
3. send them as one message; mark them sent, or failed with the next attempt's time (the
   route's exponential backoff), or given up after ``retry.max_attempts`` (logged once).

Delivery is at least once: a crash (or an outbox failure) between the send and ``mark_sent``
sends that message again when its lease expires. Logs, metrics and errors name the route,
never its URL. ``stop()`` ends every thread after its current send.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from newswatch.sinks.alerts.outbox import Notification, Outbox
from newswatch.sinks.alerts.routes.config import RouteConfig
from newswatch.sinks.alerts.routes.message import format_message
from newswatch.sinks.alerts.routes.metrics import RouteMetrics, default_route_metrics
from newswatch.sinks.alerts.routes.sender import DeliveryError, Sender, build_sender

__all__ = ["DeliveryWorker"]

log = logging.getLogger(__name__)

# A lease must outlast the send it covers, or another worker would send the same message.
_LEASE_MARGIN = timedelta(seconds=30)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    """Sends the outbox's notifications for ``routes``, one thread per route."""

    def __init__(self, outbox: Outbox, routes: Sequence[RouteConfig],
                 senders: Mapping[str, Sender], *, worker_id: str | None = None,
                 metrics: RouteMetrics | None = None, poll_interval: float = 1.0,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        missing = [r.name for r in routes if r.name not in senders]
        if missing:
            raise ValueError(f"no sender for route(s) {missing}")
        self.outbox = outbox
        self.routes = {r.name: r for r in routes}
        self.senders = dict(senders)
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}"
        self.metrics = metrics or default_route_metrics()
        self.poll_interval = poll_interval
        self._clock = clock
        self._stop = threading.Event()
        self._wake = {name: threading.Event() for name in self.routes}
        self._threads: list[threading.Thread] = []

    @classmethod
    def from_routes(cls, outbox: Outbox, routes: Sequence[RouteConfig],
                    environ: Mapping[str, str] | None = None, **kwargs: Any) -> DeliveryWorker:
        """A worker whose senders are built from each route's secret URL (RouteError when one
        is missing or not an apprise URL)."""
        senders = {r.name: build_sender(r, environ) for r in routes}
        return cls(outbox, routes, senders, **kwargs)

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        for name in self.routes:
            thread = threading.Thread(target=self._run, args=(name,), daemon=True,
                                      name=f"route-{name}")
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop every route's thread; each finishes the send it is in."""
        self._stop.set()
        for event in self._wake.values():
            event.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [t.name for t in self._threads if t.is_alive()]
        if stuck:
            log.warning("route threads still sending at shutdown: %s", ", ".join(stuck))
        self._threads.clear()

    def wake(self, route: str | None = None) -> None:
        """Look at the outbox now instead of after the poll interval (e.g. after enqueueing)."""
        for name, event in self._wake.items():
            if route is None or name == route:
                event.set()

    def _sleep(self, route: str, seconds: float) -> bool:
        """Wait up to ``seconds`` (less when woken); True when the worker is stopping."""
        if seconds > 0:
            self._wake[route].wait(seconds)
            self._wake[route].clear()
        return self._stop.is_set()

    def _run(self, name: str) -> None:
        route = self.routes[name]
        interval = route.min_interval.total_seconds()
        next_send = 0.0
        while not self._stop.is_set():
            wait = next_send - time.monotonic()
            if wait > 0:
                self._sleep(name, wait)
                continue
            try:
                handled = self.deliver_once(name)
            except Exception as exc:  # noqa: BLE001 - the outbox is down: wait, try again
                self.metrics.outbox_errors.labels(name).inc()
                log.warning("route %s: outbox unavailable (%s: %s); retrying in %.0fs",
                            name, type(exc).__name__, exc, self.poll_interval)
                handled = 0
            if handled:
                next_send = time.monotonic() + interval
            elif self._sleep(name, self.poll_interval):
                break

    # ---- one delivery -----------------------------------------------------------------------

    def deliver_once(self, name: str) -> int:
        """Claim what is due for route ``name``, send it as one message and record the outcome.
        Returns how many notifications were attempted (0: nothing was due)."""
        route = self.routes[name]
        lease = route.timeout + route.batch_window + _LEASE_MARGIN
        claimed = self.outbox.claim(name, self.worker_id, self._clock(), lease,
                                    limit=route.batch_limit)
        if not claimed:
            return 0
        if route.batch_window and len(claimed) < route.batch_limit:
            oldest = min(n.created_at for n in claimed)
            wait = (oldest + route.batch_window - self._clock()).total_seconds()
            if not self._sleep(name, wait):
                claimed += self.outbox.claim(name, self.worker_id, self._clock(), lease,
                                             limit=route.batch_limit - len(claimed))
        claimed.sort(key=lambda n: (n.created_at, n.id))
        error = self._send(route, claimed)
        now = self._clock()
        if error is None:
            self.outbox.mark_sent([n.id for n in claimed], now)
            log.debug("route %s: sent %d notification(s) in one message", name, len(claimed))
            self.metrics.messages.labels(name).inc()
            self.metrics.sent.labels(name).inc(len(claimed))
            for n in claimed:
                self.metrics.latency.labels(name).observe(
                    max(0.0, (now - n.created_at).total_seconds()))
        else:
            self._record_failure(route, claimed, error, now)
        return len(claimed)

    def _send(self, route: RouteConfig, claimed: list[Notification]) -> str | None:
        """None when delivered, else why not (already free of the route's URL)."""
        message = format_message(claimed, route.format)
        try:
            self.senders[route.name].send(message)
        except DeliveryError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - a sender bug must not end the thread
            # Only the type: an unknown exception's text may quote the URL.
            return f"route '{route.name}': sender failed with {type(exc).__name__}"
        return None

    def _record_failure(self, route: RouteConfig, claimed: list[Notification], error: str,
                        now: datetime) -> None:
        name = route.name
        self.metrics.failed.labels(name).inc(len(claimed))
        retry_at: dict[datetime, list[int]] = defaultdict(list)
        given_up: list[Notification] = []
        for n in claimed:
            delay = route.retry.delay(n.attempts + 1)
            if delay is None:
                given_up.append(n)
            else:
                retry_at[now + delay].append(n.id)
        for when, ids in sorted(retry_at.items()):
            self.outbox.mark_failed(ids, error, when, now)
            log.warning("%s; %d notification(s) retried in %.1fs", error, len(ids),
                        (when - now).total_seconds())
        if given_up:
            self.outbox.mark_failed([n.id for n in given_up], error, None, now)
            self.metrics.gave_up.labels(name).inc(len(given_up))
            for n in given_up:
                rules = ", ".join(a.rule_id for a in n.alerts)
                log.error("route %s: gave up on notification %d (%s, rules %s) after %d "
                          "attempts: %s", name, n.id, n.event, rules, n.attempts + 1, error)
