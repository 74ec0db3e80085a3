"""Operational metrics shared by every role, and the HTTP endpoint serving ``/metrics`` and
``/ready`` (newswatch.readiness).

Role-specific metrics (feed health, tags, alerts) are defined beside their role; all use the
default prometheus-client registry so one endpoint per process serves them all.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from newswatch.readiness import READINESS, Readiness

__all__ = ["BATCH_SECONDS", "COMMIT_FAILURES", "CONSUMER_LAG", "DLQ_RECORDS", "RECORDS_PROCESSED",
           "metrics_app", "on_default_registry", "serve_metrics"]

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


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Probes every few seconds would flood stderr."""


def metrics_app(readiness: Readiness = READINESS, registry: CollectorRegistry = REGISTRY
                ) -> Callable[..., Iterable[bytes]]:
    """WSGI app: ``/ready`` answers from ``readiness``, every other path serves the metrics."""
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/ready":
            ready, lines = readiness.report()
            status = "200 OK" if ready else "503 Service Unavailable"
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return ["\n".join(lines).encode() + b"\n"]
        return metrics(environ, start_response)

    return app


def serve_metrics(port: int, host: str = "127.0.0.1") -> int:
    """Serve ``/metrics`` and ``/ready`` in a daemon thread; returns the bound port (``port=0``
    picks one)."""

    class Server(ThreadingWSGIServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    httpd = make_server(host, port, metrics_app(), Server, handler_class=_QuietHandler)
    threading.Thread(target=httpd.serve_forever, name="metrics-http", daemon=True).start()
    return int(httpd.server_port)
