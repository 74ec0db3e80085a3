"""Operational metrics shared by every role, and the ``/metrics`` endpoint.

Role-specific metrics (feed health, tags, alerts) are defined beside their role; all use the
default prometheus-client registry so one endpoint per process serves them all.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

__all__ = ["BATCH_SECONDS", "COMMIT_FAILURES", "DLQ_RECORDS", "RECORDS_PROCESSED", "serve_metrics"]

RECORDS_PROCESSED = Counter(
    "newswatch_records_processed_total", "Records consumed and handled (incl. dead-lettered)", ["role"]
)
DLQ_RECORDS = Counter("newswatch_dlq_records_total", "Records sent to the dead-letter topic", ["role"])
BATCH_SECONDS = Histogram(
    "newswatch_batch_seconds", "Consume-transform-produce-commit time per batch", ["role"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
COMMIT_FAILURES = Counter(
    "newswatch_commit_failures_total", "Offset commits that failed (records will be redelivered)", ["role"]
)


def serve_metrics(port: int, host: str = "127.0.0.1") -> int:
    """Serve ``/metrics`` in a daemon thread; returns the bound port (``port=0`` picks one)."""
    server, _thread = start_http_server(port, addr=host)
    return int(server.server_port)
