"""Prometheus metrics of the alert sink.

One ``AlertMetrics`` per registry: the sink uses the process-wide default (so ``/metrics``
shows it) unless given its own, which is how tests read exact values. Label values are rule
ids, severities and notifier names, all bounded by the rules file.
"""

from __future__ import annotations

from typing import NamedTuple

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from newswatch.metrics import on_default_registry

__all__ = ["AlertMetrics", "RuleCounters", "default_metrics"]


class RuleCounters(NamedTuple):
    """One rule's children of the per-rule counters."""

    updated: Counter
    escalated: Counter
    stale: Counter
    duplicates: Counter
    silenced: Counter


class AlertMetrics:
    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self.raised = Counter(
            "newswatch_alerts_raised_total", "New alerts raised", ["rule", "severity"],
            registry=registry)
        self.updated = Counter(
            "newswatch_alerts_updated_total",
            "Articles folded into an existing alert (same rule and story)", ["rule"],
            registry=registry)
        self.stale = Counter(
            "newswatch_alerts_stale_total",
            "Matches that raised no alert because the article was older than the rule's "
            "max_age", ["rule"], registry=registry)
        self.silenced = Counter(
            "newswatch_alerts_silenced_total",
            "Alert versions stored but not notified because a silence covered them", ["rule"],
            registry=registry)
        self.resolved = Counter(
            "newswatch_alerts_resolved_total", "Alerts resolved", ["how"], registry=registry)
        self.actions = Counter(
            "newswatch_alert_actions_total", "Operator actions applied (ack, resolve, silence)",
            ["action"], registry=registry)
        self.open_alerts = Gauge(
            "newswatch_alerts_open", "Alerts not resolved, by state", ["state"],
            registry=registry)
        self.latency = Histogram(
            "newswatch_alert_latency_seconds",
            "From an article's publication (or fetch) time to its alert being stored",
            ["since"], buckets=(1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600,
                                3 * 24 * 3600), registry=registry)
        self.stories = Counter(
            "newswatch_stories_total", "Articles placed in stories", ["how"], registry=registry)
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
        self._by_rule: dict[str, RuleCounters] = {}

    def rule(self, rule_id: str) -> RuleCounters:
        """The per-rule counters of ``rule_id`` (labelled once: ``labels`` costs a lock and
        a validation per call, and the sink counts several decisions per article)."""
        found = self._by_rule.get(rule_id)
        if found is None:
            found = self._by_rule[rule_id] = RuleCounters(
                self.updated.labels(rule_id), self.escalated.labels(rule_id),
                self.stale.labels(rule_id), self.duplicates.labels(rule_id),
                self.silenced.labels(rule_id))
        return found


def default_metrics() -> AlertMetrics:
    """The metrics on the default registry, created once per process."""
    return on_default_registry(AlertMetrics)
