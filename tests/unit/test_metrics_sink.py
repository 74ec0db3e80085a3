"""Content metrics: counts by primary country, event type, actor type; severity histogram."""

from newswatch.sinks.alerts.testing import tagged_article
from newswatch.sinks.metrics.content import ContentMetrics, observe
from prometheus_client import REGISTRY, CollectorRegistry

TTP = ("ttp", "TTP", "armed_group")
ARMY = ("pk-army", "Pakistan Army", "military")


def sample(registry, name, **labels):
    return registry.get_sample_value(name, labels) or 0.0


def test_counts_by_country_event_and_actor_type():
    registry = CollectorRegistry()
    metrics = ContentMetrics(registry)
    metrics.observe(tagged_article(
        "TTP attack in Bannu", "TTP attacked; Pakistan Army responded; attack repelled.",
        countries=["PK"], actors=[TTP, ARMY, ("bla", "BLA", "armed_group")],
        events=["attack", "attack", "armed_clash"], severity=0.72))
    metrics.observe(tagged_article("Match report", "A draw.", countries=["gb"],
                                   events=["sports"], severity=0.05))
    metrics.observe(tagged_article("No place", "Nothing tagged."))

    assert sample(registry, "newswatch_content_articles_total", primary_country="PK") == 1
    assert sample(registry, "newswatch_content_articles_total", primary_country="GB") == 1
    assert sample(registry, "newswatch_content_articles_total", primary_country="none") == 1
    # Once per article and type, however many tags of that type.
    assert sample(registry, "newswatch_content_event_types_total", event_type="attack") == 1
    assert sample(registry, "newswatch_content_event_types_total",
                  event_type="armed_clash") == 1
    assert sample(registry, "newswatch_content_event_types_total", event_type="sports") == 1
    assert sample(registry, "newswatch_content_actor_types_total",
                  actor_type="armed_group") == 1
    assert sample(registry, "newswatch_content_actor_types_total", actor_type="military") == 1

    assert sample(registry, "newswatch_content_severity_count") == 3
    assert abs(sample(registry, "newswatch_content_severity_sum") - 0.77) < 1e-9
    assert sample(registry, "newswatch_content_severity_bucket", le="0.1") == 2
    assert sample(registry, "newswatch_content_severity_bucket", le="0.7") == 2
    assert sample(registry, "newswatch_content_severity_bucket", le="0.8") == 3


def test_names_do_not_clash_with_the_pipeline_metrics():
    """Registering on the default registry beside every role's metrics must not fail."""
    import newswatch.processors.role
    import newswatch.sinks.alerts.metrics as alert_metrics
    from newswatch.sinks.metrics.content import default_content_metrics

    import newswatch.metrics  # noqa: F401 - registers the runner's counters

    default_content_metrics()
    alert_metrics.default_metrics()


def test_observe_uses_the_default_registry():
    def read():
        return sample(REGISTRY, "newswatch_content_articles_total", primary_country="NP")

    before = read()
    observe(tagged_article("Flood in Nepal", "Rivers rose.", countries=["NP"]))
    observe(tagged_article("Flood in Nepal 2", "Rivers rose.", countries=["NP"]))
    assert read() == before + 2
