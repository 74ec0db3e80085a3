"""Feed bytes -> normalised articles: the pure core the poller calls after every fetch.

``parse_feed`` never raises on bad input. A feed that cannot be read at all comes back with
``error`` set to a reason an operator can act on; a feed that is broken but readable comes
back with its articles and a warning, copied into every article's ``parse_warnings`` so the
damage stays visible downstream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newswatch.ingest.dates import DateBudget
from newswatch.ingest.engine import MAX_ENTRIES, Engine, read_document
from newswatch.ingest.normalise import (
    FeedContext,
    author_name,
    language_tag,
    normalise_entry,
    resolve_link,
)
from newswatch.ingest.text import clean_title
from newswatch.ingest.xmlbytes import xml_lang

from newswatch.contracts import RawArticle
from newswatch.text_limits import MAX_TEXT_CHARS

__all__ = ["MAX_ENTRIES", "ParsedFeed", "parse_feed"]

_PERIOD_SECONDS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 7 * 86400,
    "monthly": 30 * 86400,
    "yearly": 365 * 86400,
}


@dataclass(slots=True)
class ParsedFeed:
    """The outcome of parsing one fetched feed body."""

    articles: list[RawArticle] = field(default_factory=list)
    feed_title: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # set when nothing could be read; articles is then empty
    ttl_s: int | None = None  # RSS <ttl>, converted from minutes
    update_period_s: int | None = None  # sy:updatePeriod / sy:updateFrequency
    feed_link: str | None = None
    engine: str | None = None  # "fast" (feedparser-rs) or "reference" (feedparser)
    fallback_reason: str | None = None  # why the reference parser was used
    truncated_at: int | None = None  # more entries than this were in the feed; the rest unread


def _positive_int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _ttl_s(feed: Any) -> int | None:
    minutes = _positive_int(feed.get("ttl"))
    return minutes * 60 if minutes else None


def _update_period_s(feed: Any) -> int | None:
    syndication = feed.get("syndication")  # feedparser-rs
    if syndication is not None:
        period = getattr(syndication, "update_period", None)
        frequency = getattr(syndication, "update_frequency", None)
    else:  # feedparser
        period, frequency = feed.get("sy_updateperiod"), feed.get("sy_updatefrequency")
    if not period:
        return None
    seconds = _PERIOD_SECONDS.get(str(period).strip().lower())
    if seconds is None:
        return None
    return seconds // (_positive_int(frequency) or 1)


def _feed_authors(feed: Any, version: str) -> list[str]:
    """Atom (RFC 4287, 4.2.1): an entry without authors has the feed's. RSS has no such rule."""
    if not version.startswith("atom"):
        return []
    names = (author_name(a.get("name")) for a in feed.get("authors") or ())
    return list(dict.fromkeys(name for name in names if name))


def _as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _no_entries_error(version: str, malformed: str | None, body: bytes) -> str | None:
    if not body.strip():
        return "empty response body"
    if malformed:
        return f"malformed XML and no entries could be read: {malformed}"
    if not version:
        return "not an RSS or Atom feed (no feed element found)"
    return None  # a well-formed feed that simply has no entries right now


def parse_feed(
    body: bytes,
    *,
    feed_id: str,
    feed_url: str,
    fetched_at: datetime,
    content_type: str | None = None,
    language: str | None = None,
    engine: Engine = "auto",
    max_text_chars: int = MAX_TEXT_CHARS,
    date_budget: DateBudget | None = None,
    max_entries: int = MAX_ENTRIES,
) -> ParsedFeed:
    """Parse and normalise one fetched feed body into ``RawArticle`` records.

    ``content_type`` is the HTTP Content-Type (its charset matters for undeclared encodings),
    ``language`` the language to assume when the feed declares none. ``engine`` forces one
    parser library ("fast" or "reference") for tests and benchmarks; leave it on "auto".
    ``max_text_chars``: longer entry texts are cut, with a parse warning in the record.
    ``date_budget`` bounds the time spent on dates only dateparser can read (None: unbounded).
    ``max_entries``: the first this many entries are read; more is reported in ``warnings``.
    """
    fetched_at = _as_utc(fetched_at)
    try:
        doc = read_document(body, content_type, engine, max_entries)
    except Exception as exc:  # noqa: BLE001 - a parser library bug must not stop the poller
        return ParsedFeed(error=f"feed parser failed: {type(exc).__name__}: {exc}")
    result = doc.result
    feed = result.get("feed") or {}
    entries = result.entries

    warnings: list[str] = []
    if doc.encoding_note:
        warnings.append(f"encoding guessed (recovered): {doc.encoding_note}")
    if doc.malformed and entries:
        warnings.append(f"malformed XML (recovered): {doc.malformed}")
    if doc.truncated_at is not None:
        warnings.append(f"feed truncated: it has more than {doc.truncated_at:,} entries; only "
                        f"the first {doc.truncated_at:,} were read")

    feed_link = resolve_link(feed.get("link"), feed_url)
    if feed_link and not feed_link.startswith(("http://", "https://")):
        feed_link = None  # feedparser-rs offers an Atom feed's id ('tag:...') when it has no link
    parsed = ParsedFeed(
        feed_title=clean_title(feed.get("title")) or None,
        warnings=warnings,
        ttl_s=_ttl_s(feed),
        update_period_s=_update_period_s(feed),
        feed_link=feed_link,
        engine=doc.engine,
        fallback_reason=doc.fallback_reason,
        truncated_at=doc.truncated_at,
    )
    if not entries:
        parsed.error = _no_entries_error(result.get("version") or "", doc.malformed, body)
        return parsed

    ctx = FeedContext(
        feed_id=feed_id,
        feed_url=feed_url,
        fetched_at=fetched_at,
        base_url=feed_link or feed_url,
        feed_title=parsed.feed_title,
        language=language_tag(feed.get("language"))
        or language_tag(xml_lang(body))
        or language_tag(language),
        authors=_feed_authors(feed, result.get("version") or ""),
        warnings=list(warnings),  # feed-level warnings known before any entry is read
        max_text_chars=max_text_chars,
        date_budget=date_budget,
    )
    for index, entry in enumerate(entries):
        try:
            article = normalise_entry(entry, ctx)
        except Exception as exc:  # noqa: BLE001 - one odd entry must not cost the others
            warnings.append(f"entry {index} skipped: {type(exc).__name__}: {exc}")
            continue
        if article is None:
            warnings.append(f"entry {index} skipped: no link, guid, title, date or text")
            continue
        parsed.articles.append(article)
    return parsed
