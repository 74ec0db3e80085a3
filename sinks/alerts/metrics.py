"""Prometheus metrics of the alert sink.

One ``AlertMetrics`` per registry: the sink uses the process-wide default (so ``/metrics``
shows it) unless given its own, which is how tests read exact values. Label values are rule
ids, severities and notifier names, all bounded by the rules file.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge

from newswatch.metrics import on_default_registry

__all__ = ["AlertMetrics", "default_metrics"]


class AlertMetrics:
    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self.raised = Counter(
            "newswatch_alerts_raised_total", "New alerts raised", ["rule", "severity"],
            registry=registry)
        self.suppressed = Counter(
            "newswatch_alerts_suppressed_total",
            "Matches folded into an existing alert because of the rule's cooldown", ["rule"],
            registry=registry)
        self.escalated = Counter(
            "newswatch_alerts_escalated_total", "Alerts whose severity was raised", ["rule"],
            registry=registry)
        self.duplicates = Counter(
            "newswatch_alert_redeliveries_total",
            "Articles the rule had already handled (at-least-once re-delivery)", ["rule"],
            registry=registry)
        self.notifications = Counter(
            "newswatch_alert_notifications_total", "Notifications delivered", ["notifier"],
            registry=registry)
        self.notification_failures = Counter(
            "newswatch_alert_notification_failures_total",
            "Notifications that failed after retries", ["notifier"], registry=registry)
        self.store_errors = Counter(
            "newswatch_alert_store_errors_total", "Alert store failures (article retried)",
            registry=registry)
        self.rules_loaded = Gauge(
            "newswatch_alert_rules_enabled", "Enabled rules currently in use", registry=registry)
        self.rules_reload_errors = Counter(
            "newswatch_alert_rules_reload_errors_total",
            "Rule file changes that failed validation (old rules kept)", registry=registry)


def default_metrics() -> AlertMetrics:
    """The metrics on the default registry, created once per process."""
    return on_default_registry(AlertMetrics)
