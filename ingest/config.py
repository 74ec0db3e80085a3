"""Poller knobs. One model, so the CLI, the benchmark and the tests tune the same names.

Read from ``NEWSWATCH_INGEST__*`` environment variables (e.g. ``NEWSWATCH_INGEST__MAX_BODY_BYTES``)
over these defaults; ``newswatch.settings.Settings`` may also carry one as ``ingest``, which
``PollerConfig.from_settings`` then prefers.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

import newswatch

__all__ = ["USER_AGENT", "PollerConfig"]

USER_AGENT = f"newswatch/{newswatch.__version__} (+https://github.com/newswatch/newswatch)"


class PollerConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSWATCH_INGEST__", extra="ignore")

    user_agent: str = USER_AGENT
    # HTTP
    timeout_s: float = Field(default=20.0, gt=0, description="Whole request, after a slot is free")
    connect_timeout_s: float = Field(default=10.0, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024,
                                description="Bigger (decompressed) bodies are an error")
    max_redirects: int = Field(default=5, ge=0)
    max_in_flight: int = Field(default=200, ge=1, description="Requests in flight, all hosts")
    per_host_limit: int = Field(default=4, ge=1, description="Requests in flight per host")
    # scheduling: the feed's own hints (ttl, sy:updatePeriod, max-age, Retry-After) may
    # lengthen the configured interval, never beyond these limits
    min_interval_s: float = Field(default=60.0, ge=0)
    max_interval_s: float = Field(default=6 * 3600.0, gt=0)
    backoff_base_s: float = Field(default=60.0, gt=0)
    backoff_max_s: float = Field(default=6 * 3600.0, gt=0,
                                 description="A failing (or dead) feed is tried at least this often")
    dead_after_s: float = Field(default=24 * 3600.0, gt=0,
                                description="Failing this long: reported as dead")
    # parsing off the I/O path
    parse_workers: int = Field(default_factory=lambda: min(4, os.cpu_count() or 1), ge=0,
                               description="Parser processes (default: one per core, up to 4); "
                               "0 parses in a thread instead")
    # dedup memory, per feed
    seen_max_items: int = Field(default=2000, ge=10)
    seen_max_age_days: float = Field(default=90.0, gt=0)
    # publishing: at most this many articles per Kafka flush ...
    publish_batch: int = Field(default=5000, ge=1)
    # ... and a commit (publish + flush + state write) starts once this many articles are
    # waiting, or the oldest finished feed has waited this long
    commit_min_articles: int = Field(default=1000, ge=1)
    commit_max_wait_s: float = Field(default=0.25, ge=0)
    # metrics with a feed label (10k feeds = 10k series each): off by default
    per_feed_metrics: bool = False
    # ownership: the feeds topic's partitions are the shards (at most one poller each);
    # None = settings.partitions. Only read when the topic is created.
    feed_partitions: int | None = Field(default=None, ge=1)
    # ownership
    feeds_topic_suffix: str = "feeds"
    state_topic_suffix: str = "feeds.state"

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> PollerConfig:
        base = getattr(settings, "ingest", None)
        if base is None:
            return cls(**overrides)
        data = base.model_dump() if isinstance(base, BaseModel) else dict(base)
        return cls(**{**data, **overrides})
