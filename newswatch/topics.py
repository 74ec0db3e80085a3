"""Topic names and the Kafka configs each topic is created with. One prefix (default
``news.``) lets several deployments share a cluster.

A topic added here gets the same treatment everywhere (creation, retention, the Strimzi
resources and compose's topic-init, which tests compare with this table): give it a suffix
constant, list it in :meth:`Topics.all` and, unless the 30-day default fits, an entry in
:data:`TOPIC_CONFIGS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ALERTS", "DLQ", "FEEDS", "FEEDS_STATE", "RAW", "STORIES", "TAGGED", "TOPIC_CONFIGS",
           "Topics",
           "topic_configs"]

RAW = "articles.raw"
TAGGED = "articles.tagged"
ALERTS = "alerts"
STORIES = "stories"
DLQ = "dlq"
# The pollers' topics (their suffixes are settings: ``NEWSWATCH_INGEST__FEEDS_TOPIC_SUFFIX``).
FEEDS = "feeds"
FEEDS_STATE = "feeds.state"

DAY_MS = 24 * 3600 * 1000
_DELETE_30_DAYS = {"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)}

# Kafka configs per topic suffix. Why each:
# - raw: the replay source (re-tagging history after the dictionaries change reads it from the
#   earliest offset), so it keeps as long as a replay should reach back;
# - alerts, stories: keyed by id, the latest record of a key is that alert's or story's
#   state: compacted;
# - feeds: carries no records, only the partitions the poller group shares out;
# - feeds.state: the latest poll state of each feed: compacted.
TOPIC_CONFIGS: dict[str, dict[str, str]] = {
    RAW: dict(_DELETE_30_DAYS),
    TAGGED: dict(_DELETE_30_DAYS),
    ALERTS: {"cleanup.policy": "compact"},
    STORIES: {"cleanup.policy": "compact"},
    DLQ: dict(_DELETE_30_DAYS),
    FEEDS: dict(_DELETE_30_DAYS),
    FEEDS_STATE: {"cleanup.policy": "compact"},
}


def topic_configs(suffix: str, overrides: Mapping[str, Mapping[str, str]] | None = None
                  ) -> dict[str, str]:
    """The configs of the topic ``<prefix><suffix>``: the table's (30 days of retention for a
    suffix it does not list), then the operator's ``overrides[suffix]`` on top."""
    configs = dict(TOPIC_CONFIGS.get(suffix, _DELETE_30_DAYS))
    configs.update((overrides or {}).get(suffix, {}))
    return configs


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str = "news."

    @property
    def raw(self) -> str:
        return self.prefix + RAW

    @property
    def tagged(self) -> str:
        return self.prefix + TAGGED

    @property
    def alerts(self) -> str:
        return self.prefix + ALERTS

    @property
    def stories(self) -> str:
        return self.prefix + STORIES

    @property
    def dlq(self) -> str:
        return self.prefix + DLQ

    def all(self) -> list[str]:
        return [self.raw, self.tagged, self.alerts, self.stories, self.dlq]

    def suffix(self, name: str) -> str:
        """``news.articles.raw`` -> ``articles.raw``."""
        return name.removeprefix(self.prefix)
