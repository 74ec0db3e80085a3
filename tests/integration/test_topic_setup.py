"""Topics as the roles create them on a real Kafka-protocol broker (embedded Tansu, one
broker): retention and compaction per topic, replication for a one-broker cluster, operator
overrides, and a refusal reported as what it is rather than as an unreachable broker.

Tansu stores topic configs and returns them from DescribeConfigs (with the ``all`` filter),
so the configs are checked as the broker holds them. What one Tansu cannot show: it accepts
any replication factor on its one broker (so the broker-side InvalidReplicationFactor is
covered by the unit tests, and newswatch's own check before creating is tested here), and
``min.insync.replicas`` is only set on clusters of 3+ brokers (tests/unit/test_topic_setup.py).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from kafka.admin import ConfigResource, ConfigResourceType
from newswatch.ingest.ownership import FeedOwnership

from newswatch.kafka.clients import ensure_topics, make_admin
from newswatch.kafka.topic_setup import TopicSetupError
from newswatch.settings import Settings
from newswatch.topics import DAY_MS

pytestmark = pytest.mark.integration


def described(settings: Settings, topics: list[str]) -> dict[str, tuple[int, int, dict[str, str]]]:
    """topic -> (partitions, replication factor, configs) as the broker reports them."""
    admin = make_admin(settings)
    try:
        configs = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name) for name in topics],
            config_filter="all")["topic"]
        found = {}
        for topic in admin.describe_topics(topics):
            partitions = topic["partitions"]
            found[topic["name"]] = (len(partitions), len(partitions[0]["replica_nodes"]),
                                    {k: v["value"] for k, v in configs[topic["name"]].items()})
        return found
    finally:
        admin.close()


def test_pipeline_topics_are_created_with_their_retention_and_policy(
        make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(partitions=2)
    with caplog.at_level(logging.WARNING, logger="newswatch.kafka.clients"):
        ensure_topics(settings)
    topics = settings.topics
    got = described(settings, topics.all())
    thirty_days = str(30 * DAY_MS)
    for name in (topics.raw, topics.tagged, topics.dlq):
        partitions, replication, configs = got[name]
        assert (partitions, replication) == (2, 1), name
        assert configs["cleanup.policy"] == "delete" and configs["retention.ms"] == thirty_days
    assert got[topics.alerts][2]["cleanup.policy"] == "compact"
    # one broker: replication 1, said once in the log, and no min ISR a write could not meet
    assert "replication factor 1" in caplog.text
    assert all("min.insync.replicas" not in configs for _, _, configs in got.values())


def test_operator_overrides_reach_the_broker(make_settings: Callable[..., Settings]) -> None:
    sixty_days = str(60 * DAY_MS)
    settings = make_settings(topic_configs={"articles.raw": {"retention.ms": sixty_days},
                                            "dlq": {"max.message.bytes": "2097152"}})
    ensure_topics(settings)
    got = described(settings, [settings.topics.raw, settings.topics.dlq])
    assert got[settings.topics.raw][2]["retention.ms"] == sixty_days
    assert got[settings.topics.dlq][2]["max.message.bytes"] == "2097152"
    assert got[settings.topics.dlq][2]["retention.ms"] == str(30 * DAY_MS)


def test_poller_topics_state_is_compacted(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(partitions=2)
    ownership = FeedOwnership(settings)
    ownership._ensure_topics()
    got = described(settings, [ownership.topic, ownership.state_topic])
    assert got[ownership.state_topic][2]["cleanup.policy"] == "compact"
    assert got[ownership.topic][2]["cleanup.policy"] == "delete"


def test_replication_beyond_the_cluster_is_refused_before_creating(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(replication_factor=3)
    with pytest.raises(TopicSetupError, match=r"replication factor 3 but only 1 broker"):
        ensure_topics(settings)
    admin = make_admin(settings)
    try:
        assert not set(settings.topics.all()) & set(admin.list_topics())
    finally:
        admin.close()


def test_role_reports_the_refusal_not_an_unreachable_broker(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers or "",
           "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix, "NEWSWATCH_REPLICATION_FACTOR": "3",
           "NEWSWATCH_METRICS_PORT": "0", "NEWSWATCH_BROKER_TIMEOUT_S": "20"}
    result = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "process"], env=env,
                            capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "replication factor 3 but only 1 broker" in result.stderr
    assert "cannot reach" not in result.stderr


def test_existing_topics_need_no_check_of_the_broker_count(
        make_settings: Callable[..., Settings]) -> None:
    """A role restarting while brokers are down must not refuse topics that already exist."""
    settings = make_settings()
    ensure_topics(settings)
    ensure_topics(settings.model_copy(update={"replication_factor": 3}))


def test_an_existing_topic_with_another_cleanup_policy_is_reported(
        make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture) -> None:
    """news.alerts created before it was compacted keeps its policy, with a warning saying how
    to change it."""
    settings = make_settings(topic_configs={"alerts": {"cleanup.policy": "delete"}})
    ensure_topics(settings)
    with caplog.at_level(logging.WARNING, logger="newswatch.kafka.clients"):
        ensure_topics(settings.model_copy(update={"topic_configs": {}}))
    assert f"topic {settings.topics.alerts} has cleanup.policy=delete" in caplog.text
    assert "--add-config cleanup.policy=compact" in caplog.text
    assert settings.topics.raw not in caplog.text
    assert described(settings, [settings.topics.alerts])[settings.topics.alerts][2][
        "cleanup.policy"] == "delete"
