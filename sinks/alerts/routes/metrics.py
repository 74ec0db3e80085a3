"""Prometheus metrics of route delivery. Labels are route names (bounded by the rules file),
never URLs: a URL would put its token on every dashboard."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

from newswatch.metrics import on_default_registry

__all__ = ["RouteMetrics", "default_route_metrics"]


class RouteMetrics:
    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self.sent = Counter(
            "newswatch_route_notifications_sent_total",
            "Notifications delivered by a route", ["route"], registry=registry)
        self.messages = Counter(
            "newswatch_route_messages_sent_total",
            "Messages a route delivered (several notifications may share one)", ["route"],
            registry=registry)
        self.failed = Counter(
            "newswatch_route_notification_failures_total",
            "Failed delivery attempts of notifications (each retried later or given up)",
            ["route"], registry=registry)
        self.gave_up = Counter(
            "newswatch_route_notifications_given_up_total",
            "Notifications a route gave up on after its last retry", ["route"],
            registry=registry)
        self.latency = Histogram(
            "newswatch_route_delivery_seconds",
            "From enqueueing a notification to its delivery", ["route"],
            buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600), registry=registry)
        self.outbox_errors = Counter(
            "newswatch_route_outbox_errors_total",
            "Outbox (alert store) calls of a route's worker that failed", ["route"],
            registry=registry)


def default_route_metrics() -> RouteMetrics:
    """The metrics on the default registry, created once per process."""
    return on_default_registry(RouteMetrics)
