"""What topics to create, and what a failure to create them means. Pure: the admin calls are
in :func:`newswatch.kafka.clients.ensure_topics`.

Replication follows the cluster unless the settings fix it: a cluster of three or more brokers
gets replication factor 3 and ``min.insync.replicas=2`` (so ``acks=all``, the producers'
setting, means two copies before a write counts), a smaller one gets what it has brokers for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kafka.errors import (
    AuthorizationError,
    ClusterAuthorizationFailedError,
    InvalidConfigurationError,
    InvalidReplicationFactorError,
    PolicyViolationError,
    SaslAuthenticationFailedError,
    TopicAuthorizationFailedError,
)

from newswatch.settings import ConfigError, Settings
from newswatch.topics import topic_configs

__all__ = ["TopicPlan", "TopicSetupError", "TopicSpec", "explain_setup_error", "plan_topics"]

PRODUCTION_REPLICATION = 3
PRODUCTION_MIN_INSYNC = 2


class TopicSetupError(ConfigError):
    """The cluster answered, but the topics cannot be set up as configured; the message says
    what to change (a restart would not help, unlike an unreachable broker)."""


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]


@dataclass(frozen=True, slots=True)
class TopicPlan:
    topics: list[TopicSpec]
    notes: list[str] = field(default_factory=list)


def plan_topics(settings: Settings, wanted: Mapping[str, int], brokers: int,
                suffixes: Mapping[str, str] | None = None) -> TopicPlan:
    """The specs of the topics ``wanted`` (name -> partitions) on a cluster of ``brokers``.
    ``suffixes`` names a topic's suffix in :data:`newswatch.topics.TOPIC_CONFIGS` where it is
    not the name minus the prefix (the pollers' topics, whose suffixes are settings)."""
    notes: list[str] = []
    replication = settings.replication_factor
    if replication is None:
        replication = PRODUCTION_REPLICATION if brokers >= PRODUCTION_REPLICATION else 1
        if replication < PRODUCTION_REPLICATION:
            notes.append(f"the cluster has {brokers} broker(s): topics get replication factor "
                         f"{replication}, so a broker loss loses data (3+ brokers get 3)")
    if replication > brokers:
        raise TopicSetupError(
            f"replication factor {replication} but only {brokers} broker(s) in the cluster: "
            "set NEWSWATCH_REPLICATION_FACTOR to at most the broker count (or unset it)")
    min_insync = settings.min_insync_replicas
    if min_insync is None and replication >= PRODUCTION_REPLICATION:
        min_insync = PRODUCTION_MIN_INSYNC
    if min_insync is not None and min_insync > replication:
        raise TopicSetupError(
            f"min.insync.replicas {min_insync} exceeds replication factor {replication}: "
            "every acks=all write would fail (NEWSWATCH_MIN_INSYNC_REPLICAS)")
    specs = []
    for name, partitions in wanted.items():
        suffix = (suffixes or {}).get(name, settings.topics.suffix(name))
        configs = topic_configs(suffix, settings.topic_configs)
        if min_insync is not None:
            configs.setdefault("min.insync.replicas", str(min_insync))
        specs.append(TopicSpec(name, partitions, replication, configs))
    return TopicPlan(specs, notes)


def explain_setup_error(exc: BaseException, topics: Iterable[str], *,
                        replication: int | None = None, brokers: int | None = None
                        ) -> TopicSetupError | None:
    """A Kafka error raised while describing the cluster or creating topics, as a message that
    says what went wrong; None for errors that mean the broker is not there (or not yet)."""
    names = ", ".join(sorted(topics))
    if isinstance(exc, TopicAuthorizationFailedError):
        message = (f"not authorised to describe or create the topics {names}: grant the "
                   "principal Describe and Create on them, or create them beforehand "
                   "(deploy/README.md, 'Topics on a real cluster')")
    elif isinstance(exc, ClusterAuthorizationFailedError):
        message = ("not authorised on the cluster (describe it, create topics): grant the "
                   "principal Describe and Create on the cluster, or create the topics "
                   "beforehand and set NEWSWATCH_REPLICATION_FACTOR (deploy/README.md, "
                   "'Topics on a real cluster')")
    elif isinstance(exc, AuthorizationError):
        message = f"not authorised: {type(exc).__name__}"
    elif isinstance(exc, SaslAuthenticationFailedError):
        message = ("the broker rejected the credentials (SASL authentication failed): check "
                   "NEWSWATCH_SECURITY__SASL_MECHANISM, __SASL_PLAIN_USERNAME and __SASL_PLAIN_PASSWORD")
    elif isinstance(exc, InvalidReplicationFactorError):
        asked = f"replication factor {replication}" if replication else "the replication factor"
        have = f"only {brokers} broker(s)" if brokers is not None else "too few brokers"
        message = (f"{asked} but {have} can hold the topics {names}: set "
                   "NEWSWATCH_REPLICATION_FACTOR to at most the live broker count (or unset it)")
    elif isinstance(exc, InvalidConfigurationError | PolicyViolationError):
        message = (f"the broker rejected the settings of the topics {names} "
                   f"({type(exc).__name__}): check NEWSWATCH_TOPIC_CONFIGS, "
                   "NEWSWATCH_REPLICATION_FACTOR and NEWSWATCH_MIN_INSYNC_REPLICAS")
    else:
        return None
    error = TopicSetupError(message)
    error.__cause__ = exc
    return error
