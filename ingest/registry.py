"""The feed registry: which feeds to poll, read from a YAML file (or OPML, see ``opml.py``).

A registry file is edited by hand, so a mistake in one entry must not take the others down:
``load_feeds`` validates each entry on its own, reports every bad one with its line and field,
and returns the good ones. A feed URL whose host is a loopback, private, link-local or other
non-public address (in any spelling) or ``localhost`` is such an error unless the address
policy allows it (``NEWSWATCH_ALLOWED_HOSTS``, see ``address_policy.py``).

File shape::

    defaults:            # optional; applies to every entry that does not set the field
      interval_s: 900
    feeds:
      - id: bbc-world     # optional; derived from the URL when absent
        url: https://feeds.bbci.co.uk/news/world/rss.xml
        name: BBC World
        language: en
        interval: 15m     # or interval_s: 900
        tags: [world, uk]
        enabled: true
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from newswatch.ingest.address_policy import AddressPolicy
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newswatch import yaml_files
from newswatch.durations import parse_seconds

__all__ = [
    "DEFAULT_INTERVAL_S",
    "FeedConfig",
    "FeedFileError",
    "RegistryLoad",
    "feed_id_for_url",
    "feeds_to_yaml",
    "load_feeds",
    "parse_feeds_yaml",
    "refused_feed_url",
]

DEFAULT_INTERVAL_S = 900
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
# characters no XML 1.0 document may hold: a feed's fields must survive `feeds export-opml`
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def feed_id_for_url(url: str) -> str:
    """A readable, stable id for a feed that has none: host plus a short hash of the URL."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a broken IPv6 literal: the URL check reports it
        host = ""
    # an IPv6 literal ('::1', 'fe80::1%eth0') has characters an id may not start with or hold
    host = re.sub(r"[^A-Za-z0-9._-]+", "-", host.removeprefix("www.")).strip("._-")[:100]
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    return f"{host or 'feed'}-{digest}"


class FeedConfig(BaseModel):
    """One feed to poll. ``interval_s`` is the preferred poll interval; the scheduler may
    stretch it (the feed's ``ttl``, Cache-Control, backoff) within its min/max limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=128)
    url: str
    name: str = ""
    language: str | None = None
    interval_s: int = Field(default=DEFAULT_INTERVAL_S, ge=1, le=7 * 86400)
    tags: tuple[str, ...] = ()
    enabled: bool = True

    @model_validator(mode="before")
    @classmethod
    def _fill_in(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("a feed entry must be a mapping with at least 'url'")  # noqa: TRY004
        data = dict(data)
        if "interval" in data:
            if "interval_s" in data:
                raise ValueError("set 'interval' or 'interval_s', not both")
            data["interval_s"] = data.pop("interval")
        if not data.get("id") and isinstance(data.get("url"), str):
            data["id"] = feed_id_for_url(data["url"].strip())
        return data

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError("id must start with a letter or digit and use only letters, digits "
                             "and . _ : -")
        return value

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("interval_s", mode="before")
    @classmethod
    def _check_interval(cls, value: Any) -> int:
        return parse_seconds(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _check_tags(cls, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise ValueError("tags must be a list of strings")  # noqa: TRY004
        return tuple(str(tag).strip() for tag in value if str(tag).strip())

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("url", "name", "language", "tags")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # a YAML file can spell them ("\x01"); the OPML export then wrote a document that
        # no reader, ours included, could open
        for text in value if isinstance(value, tuple) else (value or "",):
            found = _NOT_IN_XML.search(text)
            if found:
                raise ValueError(f"control character U+{ord(found.group()):04X} in {text!r}")
        return value


@dataclass(frozen=True, slots=True)
class FeedFileError:
    """One bad entry: where it is and what is wrong, worded for the person editing the file."""

    source: str
    line: int | None
    message: str
    field: str | None = None
    feed: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        what = []
        if self.feed:
            what.append(f"feed {self.feed!r}")
        if self.field:
            what.append(f"field {self.field!r}")
        prefix = (" ".join(what) + ": ") if what else ""
        return f"{where}: {prefix}{self.message}"


@dataclass(slots=True)
class RegistryLoad:
    """The good feeds and, separately, the errors for the bad entries."""

    feeds: list[FeedConfig] = field(default_factory=list)
    errors: list[FeedFileError] = field(default_factory=list)

    @property
    def enabled(self) -> list[FeedConfig]:
        return [feed for feed in self.feeds if feed.enabled]


def load_feeds(path: Path, policy: AddressPolicy | None = None) -> RegistryLoad:
    """Read a YAML registry file (``.opml``/``.xml`` files are read as OPML). ``policy``:
    which feed addresses are allowed (default: ``AddressPolicy.from_env()``)."""
    path = Path(path)
    if path.suffix.lower() in (".opml", ".xml"):
        from newswatch.ingest.opml import read_opml

        return read_opml(path.read_bytes(), source=str(path), policy=policy)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return RegistryLoad(errors=[FeedFileError(str(path), None, f"cannot read: {exc}")])
    return parse_feeds_yaml(text, source=str(path), policy=policy)


def refused_feed_url(url: str, policy: AddressPolicy | None = None) -> str | None:
    """Why the poller would refuse to fetch ``url`` (see ``address_policy.py``), or None."""
    return (policy if policy is not None else AddressPolicy.from_env()).refusal_for_url(url)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _key_lines(node: yaml.Node) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): _line(key) for key, _ in node.value if isinstance(key, yaml.ScalarNode)}


def parse_feeds_yaml(text: str, *, source: str = "<feeds>",
                     policy: AddressPolicy | None = None) -> RegistryLoad:
    """Validate every entry of a registry document; the bad ones become errors, not exceptions."""
    result = RegistryLoad()
    policy = policy if policy is not None else AddressPolicy.from_env()
    try:
        root = yaml_files.compose(text)
        data = yaml_files.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        result.errors.append(FeedFileError(source, line, f"not valid YAML: {problem}"))
        return result
    if data is None:
        return result
    if isinstance(data, list):  # a bare list of feeds is accepted too
        data, feeds_node = {"feeds": data}, root
    elif isinstance(data, dict):
        feeds_node = next((value for key, value in root.value if key.value == "feeds"), None)
    else:
        result.errors.append(FeedFileError(source, 1, "expected a mapping with a 'feeds' list"))
        return result
    unknown = set(data) - {"feeds", "defaults"}
    for key in sorted(unknown):
        result.errors.append(FeedFileError(source, _key_lines(root).get(key),
                                           f"unknown top-level key {key!r} (ignored)"))
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        result.errors.append(FeedFileError(source, None, "'defaults' must be a mapping (ignored)"))
        defaults = {}
    entries = data.get("feeds") or []
    if not isinstance(entries, list) or feeds_node is None:
        result.errors.append(FeedFileError(source, None, "'feeds' must be a list"))
        return result
    seen_ids: dict[str, int] = {}
    for entry, node in zip(entries, feeds_node.value, strict=True):
        line = _line(node)
        key_lines = _key_lines(node)
        label = entry.get("id") or entry.get("url") if isinstance(entry, dict) else None
        merged = entry
        if isinstance(entry, dict):
            base = dict(defaults)
            if "interval" in entry or "interval_s" in entry:
                base.pop("interval", None)
                base.pop("interval_s", None)
            merged = {**base, **entry}
        if "interval" in key_lines:
            key_lines.setdefault("interval_s", key_lines["interval"])
        try:
            feed = FeedConfig.model_validate(merged)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else None
                message = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    message = "unknown field"
                result.errors.append(FeedFileError(source, key_lines.get(name or "", line),
                                                   message, field=name, feed=label))
            continue
        refused = refused_feed_url(feed.url, policy)
        if refused:
            result.errors.append(FeedFileError(source, key_lines.get("url", line), refused,
                                               field="url", feed=feed.id))
            continue
        if feed.id in seen_ids:
            result.errors.append(FeedFileError(
                source, line, f"duplicate id (first used on line {seen_ids[feed.id]})",
                field="id", feed=feed.id))
            continue
        seen_ids[feed.id] = line
        result.feeds.append(feed)
    return result


def feeds_to_yaml(feeds: list[FeedConfig], *, header: str = "") -> str:
    """A registry document for ``feeds`` (fields at their defaults are left out)."""
    entries = []
    for feed in feeds:
        entry: dict[str, Any] = {"id": feed.id, "url": feed.url}
        if feed.name:
            entry["name"] = feed.name
        if feed.language:
            entry["language"] = feed.language
        if feed.interval_s != DEFAULT_INTERVAL_S:
            entry["interval_s"] = feed.interval_s
        if feed.tags:
            entry["tags"] = list(feed.tags)
        if not feed.enabled:
            entry["enabled"] = False
        entries.append(entry)
    body = yaml.safe_dump({"feeds": entries}, sort_keys=False, allow_unicode=True, width=100)
    prefix = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return prefix + body
