"""Prometheus metrics about the content of tagged articles: where, what, who, how severe.

``observe(tagged)`` updates the metrics on the default registry (served on ``/metrics`` by the
runner); ``ContentMetrics(registry)`` gives a separate set, e.g. for tests. Delivery is at
least once, so a re-delivered article is counted again: these are trend metrics, not a ledger.
Label values are bounded (ISO country codes, the contract's event and actor types) so the
series count stays small. Names carry ``newswatch_content_`` so they never collide with the
pipeline's own counters (``newswatch_articles_tagged_total`` counts the tagger's output).
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram

from newswatch.contracts import TaggedArticle
from newswatch.metrics import on_default_registry

__all__ = ["SEVERITY_BUCKETS", "ContentMetrics", "default_content_metrics", "observe"]

SEVERITY_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
_NONE = "none"


class ContentMetrics:
    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self.articles = Counter(
            "newswatch_content_articles_total",
            "Tagged articles seen by the sinks, by primary country ISO code ('none' if unknown)",
            ["primary_country"], registry=registry)
        self.event_types = Counter(
            "newswatch_content_event_types_total",
            "Tagged articles reporting each event type (an article counts once per type)",
            ["event_type"], registry=registry)
        self.actor_types = Counter(
            "newswatch_content_actor_types_total",
            "Tagged articles naming an actor of each type (an article counts once per type)",
            ["actor_type"], registry=registry)
        self.severity = Histogram(
            "newswatch_content_severity", "Article severity from the tagger, 0 to 1",
            buckets=SEVERITY_BUCKETS, registry=registry)

    def observe(self, tagged: TaggedArticle) -> None:
        primary = tagged.regions.primary_country
        self.articles.labels(primary.upper() if primary else _NONE).inc()
        for event_type in sorted({e.type for e in tagged.event_types}):
            self.event_types.labels(event_type).inc()
        for actor_type in sorted({a.type for a in tagged.actors}):
            self.actor_types.labels(actor_type).inc()
        self.severity.observe(tagged.severity)


def default_content_metrics() -> ContentMetrics:
    """The metrics on the default registry, created once per process."""
    return on_default_registry(ContentMetrics)


def observe(tagged: TaggedArticle) -> None:
    """Count one tagged article in the default-registry metrics."""
    default_content_metrics().observe(tagged)
