"""Kafka client factories: every role builds its producer, consumer and admin client here, so
delivery settings (idempotence, acks=all, auto-commit off) are set in one place."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import ClusterAuthorizationFailedError, KafkaError, TopicAlreadyExistsError

from newswatch.kafka.topic_setup import TopicPlan, explain_setup_error, plan_topics
from newswatch.settings import Settings
from newswatch.topics import topic_configs

__all__ = ["ensure_topics", "make_admin", "make_consumer", "make_producer", "require_crc32c"]

log = logging.getLogger(__name__)


def require_crc32c() -> None:
    """kafka-python falls back to pure-Python CRC32C (~12x slower produce) without ``crc32c``."""
    try:
        import crc32c  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise RuntimeError("the 'crc32c' package is required for Kafka throughput") from exc


def _common(settings: Settings) -> dict[str, Any]:
    if not settings.bootstrap_servers:
        raise ValueError("bootstrap_servers is not set (the embedded broker was not started?)")
    return {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "client_id": settings.client_id,
        "bootstrap_timeout_ms": int(settings.broker_timeout_s * 1000),
        **settings.security.client_config(),
    }


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """Idempotent producer with acks=all (kafka-python 3 defaults, stated here on purpose)."""
    require_crc32c()
    config = {
        **_common(settings),
        "acks": "all",
        "enable_idempotence": True,
        # Roles flush at every batch end, so a long linger costs no latency there, while each new
        # producer batch wakes kafka-python's network thread, which then competes with the
        # role's own work for the GIL: few, large batches keep the plumbing cheap.
        "linger_ms": settings.linger_ms,
        "batch_size": 256 * 1024,
        "max_request_size": 4 * 1024 * 1024,
        "max_block_ms": int(settings.broker_timeout_s * 1000),
        # batches of JSON compress about threefold: less broker memory, disk and network
        "compression_type": None if settings.compression_type == "none"
        else settings.compression_type,
        **overrides,
    }
    return KafkaProducer(**config)


def make_consumer(settings: Settings, group_id: str, topics: Iterable[str] | None = None,
                  **overrides: Any) -> KafkaConsumer:
    """Group consumer with auto-commit off: the runner commits after the batch's outputs flush."""
    config = {
        **_common(settings),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": settings.session_timeout_ms,
        "heartbeat_interval_ms": min(settings.heartbeat_interval_ms,
                                     settings.session_timeout_ms // 3),
        "max_poll_records": settings.batch_size,
        "fetch_max_bytes": 16 * 1024 * 1024,
        **overrides,
    }
    consumer = KafkaConsumer(**config)
    if topics is not None:
        consumer.subscribe(list(topics))
    return consumer


def make_admin(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(**_common(settings))


def ensure_topics(settings: Settings, topics: Mapping[str, int] | None = None,
                  timeout_s: float = 30.0, *, suffixes: Mapping[str, str] | None = None) -> None:
    """Create missing topics (name -> partitions; default: the pipeline's topics) with their
    retention and cleanup policy, and replication chosen for the cluster's size
    (:mod:`newswatch.kafka.topic_setup`); existing topics are left as they are.

    Raises :class:`TopicSetupError` when the cluster answers but refuses (authorisation,
    replication factor, configs), and a ``KafkaError`` when it cannot be reached in time."""
    wanted = dict(topics or {name: settings.partitions for name in settings.topics.all()})
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            admin = make_admin(settings)
            break
        except KafkaError as exc:
            explained = explain_setup_error(exc, wanted)
            if explained is not None:
                raise explained from exc
            if time.monotonic() > deadline:
                raise
            log.warning("broker not reachable yet (%s); retrying", exc)
            time.sleep(1)
    brokers: int | None = None
    plan: TopicPlan | None = None
    try:
        existing = set(admin.list_topics())
        absent = {name: count for name, count in wanted.items() if name not in existing}
        _warn_on_cleanup_policy(admin, settings, [n for n in wanted if n in existing], suffixes)
        if absent:  # only then: a restart while a broker is down must not fail on its count
            brokers = _live_brokers(admin, settings)
            plan = plan_topics(settings, absent, brokers, suffixes)
            missing = plan.topics
            for note in plan.notes:
                log.warning("%s", note)
            try:
                admin.create_topics([NewTopic(spec.name, spec.partitions, spec.replication_factor,
                                              topic_configs=spec.configs) for spec in missing])
            except TopicAlreadyExistsError:
                pass  # another role created them meanwhile
            log.info("created topics %s (replication factor %d)", [t.name for t in missing],
                     missing[0].replication_factor)
    except KafkaError as exc:
        replication = plan.topics[0].replication_factor if plan and plan.topics else None
        explained = explain_setup_error(exc, wanted, replication=replication, brokers=brokers)
        if explained is not None:
            raise explained from exc
        raise
    finally:
        admin.close()


def _live_brokers(admin: KafkaAdminClient, settings: Settings) -> int:
    """The unfenced brokers of the cluster (DescribeCluster; Metadata on older brokers). A
    principal without Describe on the cluster may still name the replication factor itself."""
    try:
        brokers = admin.describe_cluster()["brokers"]
    except ClusterAuthorizationFailedError:
        if settings.replication_factor is None:
            raise
        log.warning("not authorised to describe the cluster; trusting replication_factor %d",
                    settings.replication_factor)
        return settings.replication_factor
    return sum(1 for broker in brokers if not broker.get("is_fenced"))


def _warn_on_cleanup_policy(admin: KafkaAdminClient, settings: Settings, names: list[str],
                            suffixes: Mapping[str, str] | None) -> None:
    """Existing topics are left as they are, but one whose cleanup policy is not the one
    newswatch creates it with (e.g. ``news.alerts`` from before it was compacted) is worth a
    warning with the command that fixes it."""
    if not names:
        return
    try:
        described = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, configs=None) for name in names],
            config_filter="all")["topic"]
    except (KafkaError, KeyError) as exc:  # e.g. no DescribeConfigs ACL: only a warning lost
        log.debug("could not describe the topics' configs: %s", exc)
        return
    for name in names:
        suffix = (suffixes or {}).get(name, settings.topics.suffix(name))
        want = topic_configs(suffix, settings.topic_configs).get("cleanup.policy")
        have = described.get(name, {}).get("cleanup.policy", {}).get("value")
        if want and have and have != want:
            log.warning("topic %s has cleanup.policy=%s, newswatch creates it with %s: "
                        "kafka-configs.sh --alter --entity-type topics --entity-name %s "
                        "--add-config cleanup.policy=%s", name, have, want, name, want)
