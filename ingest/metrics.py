"""Prometheus metrics of the poller.

Labels are bounded: error kinds (``fetch.ERROR_KINDS``) and HTTP status classes. A ``feed``
label would mean one series per feed (10,000 feeds: 10,000 series per metric), so the per-feed
series exist only when ``PollerConfig.per_feed_metrics`` is on; per-feed health is always in the
state store and ``newswatch feeds``.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from newswatch.metrics import on_default_registry

__all__ = ["IngestMetrics", "default_metrics", "status_class"]


def status_class(status: int | None) -> str:
    if status is None:
        return "none"
    if status == 304:
        return "304"
    return f"{status // 100}xx"


class IngestMetrics:
    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self.articles_polled = Counter(
            "newswatch_articles_polled_total",
            "Articles published to the raw topic (new and updated)", registry=registry)
        self.articles_updated = Counter(
            "newswatch_articles_updated_total",
            "Articles re-published because their content changed (is_update)", registry=registry)
        self.fetches = Counter(
            "newswatch_feed_fetches_total", "Feed fetches by HTTP status class", ["status"],
            registry=registry)
        self.fetch_errors = Counter(
            "newswatch_feed_fetch_errors_total", "Failed feed polls by kind", ["kind"],
            registry=registry)
        self.fetch_seconds = Histogram(
            "newswatch_feed_fetch_seconds", "Time to fetch one feed (HTTP only, no parsing)",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=registry)
        self.fetch_bytes = Counter(
            "newswatch_feed_fetch_bytes_total", "Feed body bytes read (after decompression)",
            registry=registry)
        self.feeds_truncated = Counter(
            "newswatch_feeds_truncated_total",
            "Fetched feeds with more entries than the parser reads (ingest.max_entries_per_feed)",
            registry=registry)
        self.parse_seconds = Histogram(
            "newswatch_feed_parse_seconds", "Time to parse and normalise one feed body",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5), registry=registry)
        self.cycle_seconds = Histogram(
            "newswatch_poll_cycle_seconds", "Time of one poll cycle over the due feeds",
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300), registry=registry)
        self.feeds = Gauge(
            "newswatch_feeds", "Feeds of this poller by health (owned, enabled feeds only)",
            ["health"], registry=registry)
        self.feeds_registered = Gauge(
            "newswatch_feeds_registered", "Enabled feeds in the registry", registry=registry)
        self.feeds_dead = Gauge(
            "newswatch_feeds_dead", "Owned feeds failing for longer than dead_after_s",
            registry=registry)
        self.feed_articles = Counter(
            "newswatch_feed_articles_published_total",
            "Articles published per feed (only with per_feed_metrics)", ["feed"],
            registry=registry)
        self.feed_last_success = Gauge(
            "newswatch_feed_last_success_timestamp_seconds",
            "Last successful poll per feed (only with per_feed_metrics)", ["feed"],
            registry=registry)


def default_metrics() -> IngestMetrics:
    """The metrics on the default registry, created once per process."""
    return on_default_registry(IngestMetrics)
