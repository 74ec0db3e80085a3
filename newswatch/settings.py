"""The one settings class. Sources, highest first: init arguments, ``NEWSWATCH_*`` environment
variables (nested with ``__``, e.g. ``NEWSWATCH_SECURITY__SASL_PASSWORD``), the YAML file named by
``NEWSWATCH_CONFIG``, then defaults. Secrets are ``SecretStr`` and never logged."""

import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from newswatch import __version__
from newswatch.topics import Topics


def package_path(package: str, *parts: str) -> Path:
    """A file shipped inside one of newswatch's packages, wherever it is installed (the role
    folders sit beside ``newswatch/`` in the source tree and inside it once installed)."""
    return Path(str(resources.files(package).joinpath(*parts)))



class ConfigError(ValueError):
    """The configuration cannot work; the message says what to change."""

USER_AGENT = f"newswatch/{__version__} (+https://github.com/newswatch/newswatch)"


class Security(BaseModel):
    """Kafka client security. Field names follow kafka-python's configuration keys."""

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] | None = None
    sasl_plain_username: str | None = None
    sasl_plain_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_password: SecretStr | None = None

    def client_config(self) -> dict[str, Any]:
        """kafka-python keyword arguments, secrets revealed only here."""
        config: dict[str, Any] = {"security_protocol": self.security_protocol}
        for name, value in self:
            if name == "security_protocol" or value is None:
                continue
            config[name] = value.get_secret_value() if isinstance(value, SecretStr) else value
        return config


class Ingest(BaseModel):
    """Poller knobs (``NEWSWATCH_INGEST__*``), used by ``ingest/`` as ``PollerConfig``."""

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
    max_entries_per_feed: int = Field(
        default=10_000, ge=1, description="Entries read from one feed body; more is reported "
        "(a warning in the log and in parse_warnings, newswatch_feeds_truncated_total)")
    # dates only dateparser can read cost ~50 ms each: bounded per feed and per poll cycle, after
    # which they fall back to the fetch time with a warning
    date_parse_feed_s: float = Field(default=2.0, gt=0, description="dateparser time per feed")
    date_parse_feed_reads: int = Field(default=200, ge=0, description="dateparser calls per feed")
    date_parse_cycle_s: float = Field(default=20.0, gt=0,
                                      description="dateparser time per poll cycle, all feeds")
    # dedup memory, per feed (never fewer than the ids of the feed's latest full fetch)
    seen_max_items: int = Field(default=2000, ge=10)
    seen_max_age_days: float = Field(default=90.0, gt=0)
    state_max_bytes: int | None = Field(default=None, ge=64 * 1024,
                                        description="Cap on the poll state file; unset: none")
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


class Groups(BaseModel):
    """Consumer group ids, one per consuming role."""

    process: str = "newswatch-process"
    alert: str = "newswatch-alert"
    poll: str = "newswatch-poll"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSWATCH_", env_nested_delimiter="__", extra="ignore"
    )

    bootstrap_servers: str | None = Field(
        default=None, description="host:port[,host:port]. Unset: start the embedded broker."
    )
    client_id: str = "newswatch"
    security: Security = Field(default_factory=Security)
    topic_prefix: str = "news."
    partitions: int = Field(default=3, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    groups: Groups = Field(default_factory=Groups)
    ingest: Ingest = Field(default_factory=Ingest)
    session_timeout_ms: int = Field(default=10_000, ge=1_000)
    heartbeat_interval_ms: int = Field(default=1_000, ge=100)
    batch_size: int = Field(default=500, ge=1, description="Max records per consumed batch")
    batch_timeout_ms: int = Field(default=500, ge=1, description="Max wait to fill a batch")
    linger_ms: int = Field(default=200, ge=0, description="Producer linger; batches end in a flush")
    broker_timeout_s: float = Field(
        default=60.0, gt=0, description="Exit non-zero when the broker stays unreachable this long"
    )
    metrics_port: int = Field(default=9108, ge=0, le=65535, description="0 picks a free port")
    metrics_host: str = "127.0.0.1"
    feeds_file: Path | None = Field(
        default=None, description="Feeds registry, YAML or OPML (`newswatch up` without it: the demo)")
    rules_file: Path = package_path("newswatch.sinks", "alerts", "rules.yaml")
    watchlist_file: Path | None = None
    state_dir: Path = Path("var")
    log_level: str = "INFO"
    allowed_hosts: str = Field(
        default="", description="Feed hosts the poller may fetch although they are not public "
        "addresses: names, CIDR ranges, host:port; comma-separated (ingest/address_policy.py)")

    @property
    def topics(self) -> Topics:
        return Topics(self.topic_prefix)

    def feeds_path(self, given: Path | None = None) -> Path:
        """The feeds file to use: ``given`` (a CLI option), else ``feeds_file``."""
        path = given or self.feeds_file
        if path is None:
            raise ConfigError("no feeds file: pass --feeds FILE or set NEWSWATCH_FEEDS_FILE")
        return Path(path)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("NEWSWATCH_CONFIG")
        if config_file:
            if not Path(config_file).is_file():
                raise FileNotFoundError(f"NEWSWATCH_CONFIG names {config_file!r}, which is not a file")
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
        return tuple(sources)
