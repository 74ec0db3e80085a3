"""One parsed feed entry -> one ``RawArticle``: clean text, resolved link, UTC date, stable id.

Works on entries from either feedparser or feedparser-rs (same field names; nested objects
answer ``.get``), so the choice of parser never shows in the records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from newswatch.ingest.dates import DateBudget, published_at
from newswatch.ingest.identity import article_id, canonical_url, content_hash
from newswatch.ingest.text import clean_title, html_to_text

from newswatch.contracts import RawArticle
from newswatch.text_limits import MAX_TEXT_CHARS, cut_point

__all__ = ["FeedContext", "author_name", "capped", "language_tag", "normalise_entry",
           "resolve_link"]


@dataclass(slots=True)
class FeedContext:
    """What every entry of one fetched feed shares."""

    feed_id: str
    feed_url: str
    fetched_at: datetime
    base_url: str  # where relative entry links point: the feed's own <link>, else feed_url
    feed_title: str | None = None
    language: str | None = None  # declared by the feed, else xml:lang, else the caller's default
    authors: list[str] = field(default_factory=list)  # Atom: feed authors apply to every entry
    # Learnt from the first entry whose date needed dateparser: the feed's other dates are
    # then read with that language's month names in microseconds instead of milliseconds.
    date_language: str | None = None
    warnings: list[str] = field(default_factory=list)
    max_text_chars: int = MAX_TEXT_CHARS
    date_budget: DateBudget | None = None  # bounds dateparser for the whole feed; None: unbounded


_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def language_tag(value: str | None) -> str | None:
    """A BCP-47-cased language tag ('EN_us' -> 'en-US', 'zh-hans' -> 'zh-Hans'), or None."""
    if not value:
        return None
    value = value.strip()
    if not _LANG_TAG.match(value):
        return None
    first, *rest = re.split(r"[-_]", value)
    parts = [first.lower()]
    for sub in rest:
        if len(sub) == 4 and sub.isalpha():
            parts.append(sub.title())  # script
        elif len(sub) == 2 or (len(sub) == 3 and sub.isdigit()):
            parts.append(sub.upper())  # region
        else:
            parts.append(sub.lower())
    return "-".join(parts)


def resolve_link(link: str | None, base_url: str) -> str | None:
    """An absolute article link: whitespace trimmed, doubled '&amp;' undone, relative resolved;
    None when there is none or it cannot be parsed as a URL ('http://[' raises in urlsplit)."""
    if not link:
        return None
    link = link.strip()
    while "&amp;" in link:  # the feed escaped the query twice; '&amp;' is never meant literally
        link = link.replace("&amp;", "&")
    if not link:
        return None
    try:
        if not urlsplit(link).scheme:
            link = urljoin(base_url, link)
        urlsplit(link).port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    return link


_DATE_KEYS = ("published", "updated", "created")


def _field(entry: Any, key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated published<->updated aliasing (and warning)."""
    if isinstance(entry, dict):
        return dict.get(entry, key)
    return entry.get(key)


def _entry_link(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return link
    for candidate in entry.get("links") or ():
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return candidate.get("href")
    guid = entry.get("id") or ""
    if guid.startswith(("http://", "https://")):
        return guid  # an RSS guid that is a permalink (feedparser does the same)
    return None


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)


_EMAIL = r"[^\s@()<>]+@[^\s@()<>]+"
_EMAIL_THEN_NAME = re.compile(rf"^\s*{_EMAIL}\s*\((.*)\)\s*$")  # RSS 2.0: 'a@b.org (Name)'
_NAME_THEN_EMAIL = re.compile(rf"^(.*?)\s*[<(]\s*{_EMAIL}\s*[>)]\s*$")  # 'Name <a@b.org>'
_BARE_EMAIL = re.compile(rf"^\s*(?:mailto:)?{_EMAIL}\s*$")


def author_name(value: str | None) -> str:
    """The person or desk in an author field; e-mail addresses are not names ('' if only one)."""
    name = clean_title(value)
    if "@" not in name:
        return name
    m = _EMAIL_THEN_NAME.match(name) or _NAME_THEN_EMAIL.match(name)
    if m:
        return m.group(1).strip()
    return "" if _BARE_EMAIL.match(name) else name


def _authors(entry: Any, inherited: list[str]) -> list[str]:
    names = _unique(author_name(a.get("name")) for a in entry.get("authors") or ())
    if not names:
        names = _unique([author_name(entry.get("author"))])
    return names or list(inherited)


def _categories(entry: Any) -> list[str]:
    return _unique(clean_title(t.get("term") or t.get("label")) for t in entry.get("tags") or ())


def _text(entry: Any) -> str:
    """The longest real text among the entry's content blocks and its summary (ties: content).

    Cleaning does not make a string longer (tags and entities only shrink, a paragraph break
    replaces a longer tag; rare NFC expansions aside), so a candidate whose raw value is no
    longer than the best text so far is not cleaned at all: the summary is usually skipped.
    """
    best = ""
    for value in [block.get("value") for block in entry.get("content") or ()] + [
        entry.get("summary")
    ]:
        if value and len(value) > len(best):
            text = html_to_text(value)
            if len(text) > len(best):
                best = text
    return best


def capped(text: str, limit: int) -> tuple[str, str | None]:
    """``text`` cut to at most ``limit`` characters (see ``text_limits``), and the warning
    that says so, or None."""
    cut = cut_point(text, limit)
    if cut == len(text):
        return text, None
    kept = text[:cut].rstrip()
    return kept, (f"text truncated: {len(text):,} characters, the first {len(kept):,} kept "
                  f"(max_text_chars {limit:,})")


def _entry_language(entry: Any) -> str | None:
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key)
        if detail is not None and detail.get("language"):
            return detail.get("language")
    return None


def _article_link(entry: Any, base_url: str) -> tuple[str | None, str | None]:
    """(the entry's http(s) link, or None; a warning when a link of another scheme was dropped).

    Only http and https URLs are article links: ``javascript:`` or ``data:`` would run in the
    page of whoever opens the link downstream (alert e-mails, a web console)."""
    raw = _entry_link(entry)
    url = resolve_link(raw, base_url)
    if url is None:
        if raw and raw.strip():
            return None, f"link dropped: not a valid URL: {_shown(raw)!r}"
        return None, None
    if urlsplit(url).scheme.lower() in ("http", "https"):
        return url, None
    return None, f"link dropped: not an http(s) URL: {_shown(url)!r}"


def _shown(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit - 3] + "..."


def normalise_entry(entry: Any, ctx: FeedContext) -> RawArticle | None:
    """Build the record for one entry, or None when the entry carries nothing to identify.

    Never raises on odd content: unreadable dates become ``fetched_at`` with a warning, links
    that are not http(s) are dropped with one.
    """
    title = clean_title(entry.get("title"))
    text, cut = capped(_text(entry), ctx.max_text_chars)
    url, link_warning = _article_link(entry, ctx.base_url)
    canonical = canonical_url(url)
    guid = (entry.get("id") or "").strip() or None
    language = language_tag(_entry_language(entry)) or ctx.language
    when = published_at(
        [(_field(entry, key), _field(entry, f"{key}_parsed")) for key in _DATE_KEYS],
        ctx.fetched_at,
        language=language or ctx.date_language,
        budget=ctx.date_budget,
    )
    if when.language and not language:
        ctx.date_language = when.language
    raw_date = _field(entry, "published") or _field(entry, "updated") or ""
    if not (canonical or guid or title or raw_date or text):
        return None
    if canonical or guid or title or raw_date:
        # The raw url, not `canonical`: canonical_url() is cached by its argument.
        key = article_id(url, feed_id=ctx.feed_id, guid=guid, title=title, date=raw_date)
    else:
        key = article_id(None, feed_id=ctx.feed_id, title=text[:200])
    warnings = list(ctx.warnings)
    if link_warning:
        warnings.append(link_warning)
    if when.warning:
        warnings.append(when.warning)
    if cut:
        warnings.append(cut)
    return RawArticle(
        id=key,
        title=title,
        text=text,
        url=url,
        canonical_url=canonical,
        guid=guid,
        feed_id=ctx.feed_id,
        feed_url=ctx.feed_url,
        feed_title=ctx.feed_title,
        language=language,
        authors=_authors(entry, ctx.authors),
        categories=_categories(entry),
        published_at=when.value,
        published_at_source=when.source,
        fetched_at=ctx.fetched_at,
        content_hash=content_hash(title, text),
        parse_warnings=warnings,
    )
