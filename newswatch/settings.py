"""The one settings class. Sources, highest first: init arguments, ``NEWSWATCH_*`` environment
variables (nested with ``__``, e.g. ``NEWSWATCH_SECURITY__SASL_PASSWORD``), the YAML file named by
``NEWSWATCH_CONFIG`` (or ``newswatch --config``), then defaults. Secrets are ``SecretStr`` and
never logged.

A key of the YAML file that is no setting is an error naming the closest setting: a typo
silently ignored would leave the default in force and the error, if any, blaming something
else. Validation errors are told as the environment variable to set (``describe``)."""

import difflib
import os
from collections.abc import Mapping
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from newswatch import __version__, yaml_files
from newswatch.durations import parse_duration
from newswatch.text_limits import MAX_TEXT_CHARS
from newswatch.topics import Topics


def package_path(package: str, *parts: str) -> Path:
    """A file shipped inside one of newswatch's packages, wherever it is installed (the role
    folders sit beside ``newswatch/`` in the source tree and inside it once installed)."""
    return Path(str(resources.files(package).joinpath(*parts)))



class ConfigError(ValueError):
    """The configuration cannot work; the message says what to change."""


ENV_PREFIX = "NEWSWATCH_"
CONFIG_ENV = "NEWSWATCH_CONFIG"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# record batch codecs that need no package beyond the dependencies (lz4 and snappy would);
# zstd: about a third of the bytes of plain JSON at little CPU, gzip: as small, 4x the CPU
Compression = Literal["none", "gzip", "zstd"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]

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
    max_text_chars: int = Field(default=MAX_TEXT_CHARS, ge=1000,
                                description="An entry's text is cut to this many characters "
                                "(the record says so in parse_warnings)")
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


class Alerts(BaseModel):
    """The alert role: its store, retention, timers and the story stage."""

    store_url: SecretStr | None = Field(
        default=None, description="postgresql://user:pass@host/db for several alert replicas; "
        "unset: SQLite at <state_dir>/alerts.sqlite3")
    retention: timedelta = Field(default=timedelta(days=30), description="Resolved alerts, "
                                 "sent notifications and ended silences are removed after this")
    max_store_mb: int | None = Field(default=None, ge=1,
                                     description="Cap on the SQLite file; writes past it fail "
                                     "(the article is retried) instead of filling the disk")
    reload_interval_s: float = Field(default=2.0, gt=0, description="Rules, silences and quiet "
                                     "alerts are checked this often")
    default_quiet_period: timedelta = Field(default=timedelta(hours=24))
    story_window: timedelta = Field(default=timedelta(hours=72), description="An article joins "
                                    "a story last seen at most this long before it")
    story_retention: timedelta = Field(default=timedelta(days=7), description="Stories quiet "
                                       "this long are forgotten (bounds the story index)")
    burst_sources: int = Field(default=4, ge=2, description="Distinct outlets that make a burst")
    burst_window: timedelta = Field(default=timedelta(hours=1))

    @field_validator("retention", "default_quiet_period", "story_window", "story_retention",
                     "burst_window", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_duration(value)

    def story_config(self) -> Any:
        from newswatch.sinks.stories.config import StoryConfig

        return StoryConfig(window=self.story_window, burst_sources=self.burst_sources,
                           burst_window=self.burst_window)


class Console(BaseModel):
    """The web console (``newswatch console``; see ``sinks.console.auth`` for access rules)."""

    host: str = Field(default="127.0.0.1", description="Beyond loopback, auth is required")
    port: int = Field(default=8765, ge=0, le=65535, description="0 picks a free port")
    token: SecretStr | None = Field(default=None, description="Bearer/sign-in token (operator)")
    token_file: Path | None = Field(default=None, description="File holding the token")
    users_file: Path | None = Field(default=None, description="'NAME ROLE HASH' lines")
    session_hours: float = Field(default=12.0, gt=0)
    signin_attempts: int = Field(default=10, ge=1, description=(
        "Failed sign-ins allowed per client address and per user name within "
        "signin_window_minutes; further ones are refused (429) until the window has passed"))
    signin_window_minutes: float = Field(default=15.0, gt=0)


class Groups(BaseModel):
    """Consumer group ids, one per consuming role."""

    process: str = "newswatch-process"
    alert: str = "newswatch-alert"
    poll: str = "newswatch-poll"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        # extra="ignore" for the environment, which holds other NEWSWATCH_ variables
        # (NEWSWATCH_CONFIG, NEWSWATCH_PURE_PYTHON); the YAML file's keys are checked instead
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="ignore"
    )

    bootstrap_servers: str | None = Field(
        default=None, description="host:port[,host:port]. Unset: start the embedded broker."
    )
    client_id: str = "newswatch"
    security: Security = Field(default_factory=Security)
    topic_prefix: str = "news."
    partitions: int = Field(default=3, ge=1)
    replication_factor: int | None = Field(
        default=None, ge=1,
        description="Of topics newswatch creates. Unset: 3 on a cluster of 3+ brokers, else 1")
    min_insync_replicas: int | None = Field(
        default=None, ge=1,
        description="Of topics newswatch creates. Unset: 2 when the replication factor is 3+")
    topic_configs: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Kafka configs per topic suffix over newswatch.topics.TOPIC_CONFIGS, e.g. "
        '{"articles.raw": {"retention.ms": "5184000000"}}; read when a topic is created')
    groups: Groups = Field(default_factory=Groups)
    ingest: Ingest = Field(default_factory=Ingest)
    alerts: Alerts = Field(default_factory=Alerts)
    console: Console = Field(default_factory=Console)
    session_timeout_ms: int = Field(default=10_000, ge=1_000)
    heartbeat_interval_ms: int = Field(default=1_000, ge=100)
    batch_size: int = Field(default=500, ge=1, description="Max records per consumed batch")
    batch_timeout_ms: int = Field(default=500, ge=1, description="Max wait to fill a batch")
    linger_ms: int = Field(default=200, ge=0, description="Producer linger; batches end in a flush")
    compression_type: Compression = Field(
        default="zstd", description="Codec of the record batches the roles produce (none: off)")
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
    log_level: LogLevel = "INFO"
    log_format: LogFormat = Field(
        default="text", description="text for people; json: one object per line for log shippers")

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object, info: Any) -> object:
        # a value that is no choice in any case stays as given, so the error quotes it as typed
        if not isinstance(value, str):
            return value
        folded = value.upper() if info.field_name == "log_level" else value.lower()
        return folded if folded in (*LOG_LEVELS, "text", "json") else value
    tag_max_chars: int = Field(
        default=MAX_TEXT_CHARS, ge=1000,
        description="The tagger reads at most this many characters of a field (the record "
        "keeps all of it, with a parse warning): bounds the time one record may take")
    allowed_hosts: str = Field(
        default="", description="Feed hosts the poller may fetch although they are not public "
        "addresses: names, CIDR ranges, host:port; comma-separated (ingest/address_policy.py)")

    @property
    def topics(self) -> Topics:
        return Topics(self.topic_prefix)

    def secret_values(self) -> list[str]:
        """The value of every secret setting that is set (for log redaction)."""
        found: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, SecretStr):
                found.append(value.get_secret_value())
            elif isinstance(value, BaseModel):
                for _name, item in value:
                    walk(item)

        walk(self)
        return [v for v in found if v]

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
        config_file = os.environ.get(CONFIG_ENV)
        if config_file:
            if not Path(config_file).is_file():
                raise FileNotFoundError(
                    f"{CONFIG_ENV} (or --config) names {config_file!r}, which is not a file")
            data = read_config_file(Path(config_file), settings_cls)
            sources.append(InitSettingsSource(settings_cls, data))
        return tuple(sources)


def read_config_file(path: Path, model: type[BaseModel]) -> dict[str, Any]:
    """The settings of a YAML config file, every key checked against ``model``'s fields."""
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml_files.load(stream.read()) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings (key: value), found "
                          f"{type(data).__name__}")
    errors = unknown_keys(data, model)
    if errors:
        raise ConfigError("; ".join(f"{path}: {error}" for error in errors))
    return data


def unknown_keys(data: Mapping[str, Any], model: type[BaseModel], where: str = "") -> list[str]:
    """One message per key of ``data`` (nested mappings included) that ``model`` has no field
    for, each naming the closest field when one is close."""
    errors = []
    for key, value in data.items():
        field = model.model_fields.get(str(key))
        if field is None:
            close = difflib.get_close_matches(str(key), list(model.model_fields), n=1)
            hint = f" (did you mean {where}{close[0]}?)" if close else ""
            errors.append(f"unknown setting {where}{key}{hint}")
            continue
        nested = field.annotation
        if isinstance(value, Mapping) and isinstance(nested, type) and issubclass(nested, BaseModel):
            errors += unknown_keys(value, nested, f"{where}{key}.")
    return errors


def env_var(location: tuple[int | str, ...]) -> str:
    """The environment variable that sets the field at ``location`` (pydantic's ``loc``)."""
    return ENV_PREFIX + "__".join(str(part).upper() for part in location)


def describe(error: ValidationError) -> str:
    """A validation error told as what to set: one line per error, naming the variable (and
    the key of the config file, when one is used) and the value given."""
    config_file = os.environ.get(CONFIG_ENV)
    lines = []
    for item in error.errors():
        location = tuple(item["loc"])
        where = env_var(location)
        if config_file:
            where += f" (or {'.'.join(map(str, location))} in {config_file})"
        secret = any("password" in str(part) for part in location)
        given = f" (got {item['input']!r})" if item["type"] != "missing" and not secret else ""
        lines.append(f"{where}: {item['msg']}{given}")
    return "\n".join(lines)
