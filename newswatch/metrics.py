"""Operational metrics shared by every role, and the ``/metrics`` endpoint.

Role-specific metrics (feed health, tags, alerts) are defined beside their role; all use the
default prometheus-client registry so one endpoint per process serves them all.
"""

from __future__ import annotations

import threading
from typing import Protocol, TypeVar

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)

__all__ = ["BATCH_SECONDS", "COMMIT_FAILURES", "CONSUMER_LAG", "DLQ_RECORDS", "RECORDS_PROCESSED",
           "on_default_registry", "serve_metrics"]

RECORDS_PROCESSED = Counter(
    "newswatch_records_processed_total", "Records consumed and handled (incl. dead-lettered)", ["role"]
)
DLQ_RECORDS = Counter("newswatch_dlq_records_total", "Records sent to the dead-letter topic", ["role"])
BATCH_SECONDS = Histogram(
    "newswatch_batch_seconds", "Consume-transform-produce-commit time per batch", ["role"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CONSUMER_LAG = Gauge(
    "newswatch_consumer_lag", "Records on a partition not yet consumed by the role's group "
    "(high-water mark minus the position), updated after every poll",
    ["role", "group", "topic", "partition"],
)
COMMIT_FAILURES = Counter(
    "newswatch_commit_failures_total", "Offset commits that failed (records will be redelivered)", ["role"]
)


class _MetricsSet(Protocol):
    def __init__(self, registry: CollectorRegistry) -> None: ...


M = TypeVar("M", bound=_MetricsSet)
_instances: dict[type, object] = {}
_instances_lock = threading.Lock()


def on_default_registry(metrics_class: type[M]) -> M:
    """The one instance of a role's metrics class on the default registry in this process.
    Registering a metric twice raises, and roles of ``newswatch up`` start in parallel threads,
    hence the lock. Tests pass their own registry to the class instead."""
    with _instances_lock:
        if metrics_class not in _instances:
            _instances[metrics_class] = metrics_class(REGISTRY)
        return _instances[metrics_class]  # type: ignore[return-value]


def serve_metrics(port: int, host: str = "127.0.0.1") -> int:
    """Serve ``/metrics`` in a daemon thread; returns the bound port (``port=0`` picks one)."""
    server, _thread = start_http_server(port, addr=host)
    return int(server.server_port)
