"""Which topics are created how (replication for the cluster's size, retention, compaction), and
what a refusal from the cluster is reported as. Pure: the broker side is in
tests/integration/test_topic_setup.py."""

from __future__ import annotations

import pytest
from kafka.errors import (
    ClusterAuthorizationFailedError,
    InvalidReplicationFactorError,
    KafkaConnectionError,
    KafkaTimeoutError,
    PolicyViolationError,
    TopicAuthorizationFailedError,
)

from newswatch.kafka.topic_setup import TopicSetupError, explain_setup_error, plan_topics
from newswatch.settings import ConfigError, Settings
from newswatch.topics import DAY_MS, TOPIC_CONFIGS, Topics, topic_configs


def plan(brokers: int, **settings: object) -> dict[str, tuple[int, dict[str, str]]]:
    made = Settings(bootstrap_servers="x:9092", **settings)
    wanted = {name: 3 for name in made.topics.all()}
    return {spec.name: (spec.replication_factor, spec.configs)
            for spec in plan_topics(made, wanted, brokers).topics}


def test_three_brokers_get_replication_3_and_min_insync_2() -> None:
    for brokers in (3, 5):
        for replication, configs in plan(brokers).values():
            assert replication == 3
            assert configs["min.insync.replicas"] == "2"


def test_one_broker_gets_replication_1_and_a_note() -> None:
    made = Settings(bootstrap_servers="x:9092")
    result = plan_topics(made, {made.topics.raw: 1}, brokers=1)
    (spec,) = result.topics
    assert spec.replication_factor == 1 and "min.insync.replicas" not in spec.configs
    assert result.notes and "replication factor 1" in result.notes[0]


def test_every_pipeline_topic_has_explicit_retention_or_compaction() -> None:
    topics = Topics("news.")
    for name, (_, configs) in plan(3).items():
        if configs["cleanup.policy"] == "compact":
            # keyed by alert or story id: the latest record is the state
            assert name in (topics.alerts, topics.stories)
        else:
            assert int(configs["retention.ms"]) >= 30 * DAY_MS, name


def test_settings_override_one_topic_config() -> None:
    sixty_days = str(60 * DAY_MS)
    planned = plan(1, topic_configs={"articles.raw": {"retention.ms": sixty_days}})
    assert planned["news.articles.raw"][1]["retention.ms"] == sixty_days
    assert planned["news.articles.tagged"][1]["retention.ms"] == str(30 * DAY_MS)


def test_override_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_TOPIC_CONFIGS", '{"dlq": {"retention.ms": "1000"}}')
    monkeypatch.setenv("NEWSWATCH_MIN_INSYNC_REPLICAS", "3")
    made = Settings(bootstrap_servers="x:9092")
    (spec,) = plan_topics(made, {made.topics.dlq: 1}, brokers=4).topics
    assert spec.configs["retention.ms"] == "1000" and spec.configs["min.insync.replicas"] == "3"


def test_unlisted_suffix_gets_30_days_and_table_is_not_mutated() -> None:
    before = {k: dict(v) for k, v in TOPIC_CONFIGS.items()}
    configs = topic_configs("audit", {"audit": {"segment.ms": "1"}})
    assert configs == {"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS),
                       "segment.ms": "1"}
    topic_configs("articles.raw", {"articles.raw": {"retention.ms": "1"}})
    assert TOPIC_CONFIGS == before


def test_replication_above_broker_count_is_a_setup_error() -> None:
    with pytest.raises(TopicSetupError, match="replication factor 3 but only 1 broker"):
        plan(1, replication_factor=3)
    with pytest.raises(TopicSetupError, match="min.insync.replicas 3 exceeds replication factor 2"):
        plan(3, replication_factor=2, min_insync_replicas=3)


@pytest.mark.parametrize(("error", "says"), [
    (TopicAuthorizationFailedError, "not authorised to describe or create the topics"),
    (ClusterAuthorizationFailedError, "not authorised on the cluster"),
    (InvalidReplicationFactorError, "replication factor 3 but only 2 broker(s)"),
    (PolicyViolationError, "rejected the settings of the topics"),
])
def test_refusals_are_explained(error: type[Exception], says: str) -> None:
    explained = explain_setup_error(error(), ["news.dlq"], replication=3, brokers=2)
    assert isinstance(explained, TopicSetupError) and isinstance(explained, ConfigError)
    assert says in str(explained)
    assert "cannot reach" not in str(explained)


@pytest.mark.parametrize("error", [KafkaTimeoutError, KafkaConnectionError])
def test_unreachable_broker_is_not_explained_as_a_refusal(error: type[Exception]) -> None:
    assert explain_setup_error(error(), ["news.dlq"]) is None


def test_broker_count_skips_fenced_brokers_and_falls_back_to_the_setting() -> None:
    # Tansu cannot refuse DescribeCluster or fence a broker, so the admin's answers are given here.
    from newswatch.kafka.clients import _live_brokers

    class Admin:
        def __init__(self, answer: object) -> None:
            self.answer = answer

        def describe_cluster(self) -> dict:
            if isinstance(self.answer, Exception):
                raise self.answer
            return {"brokers": self.answer}

    brokers = [{"broker_id": 1}, {"broker_id": 2, "is_fenced": True}, {"broker_id": 3}]
    made = Settings(bootstrap_servers="x:9092")
    assert _live_brokers(Admin(brokers), made) == 2
    refused = Admin(ClusterAuthorizationFailedError())
    with pytest.raises(ClusterAuthorizationFailedError):
        _live_brokers(refused, made)
    assert _live_brokers(refused, Settings(bootstrap_servers="x:9092", replication_factor=3)) == 3
