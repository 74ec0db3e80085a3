"""Which library turns feed bytes into entries: feedparser-rs first, feedparser when it must.

feedparser is the reference (two decades of real-world feeds behind it) but reads ~1,150
items/s on one core here; feedparser-rs has the same API and is an order of magnitude faster.
The differential test over the real feeds (tests/integration/test_real_feeds.py) found where
feedparser-rs 0.7.1 goes wrong; each such class is detected here and either repaired (empty
elements, see ``xmlbytes.repair_empty_elements``) or handed to feedparser:

* bytes that are not in the encoding the document implies (undeclared windows-1252): rs
  replaces the letters with U+FFFD without flagging anything;
* rs raises, or finds no entries (feedparser may still recover some), or fewer entries than
  the document's item or entry tags (it skips an entry nesting elements about 100 deep);
* entries without any link (the symptom of the element mix-ups seen so far);
* undated entries in a document carrying prefixed Atom dates (``<a10:updated>``), which rs
  ignores inside RSS items;
* RSS items with several ``<author>`` elements, or ``<author>`` beside ``<dc:creator>``: rs
  keeps one of them.

Both libraries are called on bytes wrapped so that neither ever treats the body as a URL or
a file name. Both read at most ``max_entries`` entries (feedparser-rs stops there itself, as a
defence against huge feeds; feedparser's list is cut to the same length) and the document says
when entries were left out, so a truncation is reported, never silent.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any, Literal

import feedparser
import feedparser_rs
from newswatch.ingest.xmlbytes import (
    repair_empty_elements,
    undeclared_encoding_problem,
    wellformedness_error,
)

__all__ = ["MAX_ENTRIES", "Engine", "FeedDocument", "read_document"]

MAX_ENTRIES = 10_000
"""Entries read from one document (feedparser-rs' own default); the first ones, which feeds
order newest first."""

Engine = Literal["auto", "fast", "reference"]

_PREFIXED_ATOM_DATE = re.compile(rb"<[A-Za-z_][\w.-]*:(?:updated|published)[\s>]")
# the start tag of an RSS item or an Atom entry (escaped markup in a description is &lt;item)
_ENTRY_START = re.compile(rb"<(?:item|entry)[\s/>]")


@dataclass(slots=True)
class FeedDocument:
    """A parsed document as the library returned it, and how we came to trust it."""

    result: Any  # a FeedParserDict from feedparser or feedparser-rs (same shape)
    engine: Literal["fast", "reference"]
    fallback_reason: str | None = None  # why feedparser was used instead of the fast parser
    malformed: str | None = None  # the XML error, when the document is not well-formed
    encoding_note: str | None = None  # feedparser had to override or guess the encoding
    truncated_at: int | None = None  # the document had more entries than this; the rest unread


def _reference(body: bytes, content_type: str | None) -> Any:
    headers = {"content-type": content_type} if content_type else None
    # BytesIO: feedparser.parse() opens URLs and file paths given as strings or bytes.
    return feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)


def _fast(body: bytes, max_entries: int) -> Any:
    # Bytes are never taken for a URL by feedparser-rs (only str is). Sanitising is off: we
    # reduce HTML to text ourselves, and the sanitiser costs ~6x the parse.
    limits = feedparser_rs.ParserLimits(max_entries=max_entries)
    return feedparser_rs.parse_with_limits(body, limits=limits, sanitize_html=False)


def _rs_truncated(result: Any, max_entries: int) -> bool:
    """feedparser-rs flags a cut-off entry list only through bozo ('Entry limit exceeded')."""
    return bool(result.bozo) and "entry limit" in str(result.bozo_exception or "").lower() \
        and len(result.entries) >= max_entries


def _cut_reference(doc: FeedDocument, max_entries: int) -> FeedDocument:
    entries = doc.result.get("entries") or []
    if len(entries) > max_entries:
        doc.result["entries"] = entries[:max_entries]
        doc.truncated_at = max_entries
    return doc


_ENCODING_COMPLAINTS = (
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
    feedparser.NonXMLContentType,
)


def _from_reference(result: Any, reason: str, malformed: str | None = None) -> FeedDocument:
    """Wrap a feedparser result, sorting its bozo complaint into encoding vs. XML syntax."""
    doc = FeedDocument(result, "reference", reason, malformed)
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        message = str(exc) if exc is not None else "unknown parse error"
        if isinstance(exc, _ENCODING_COMPLAINTS):
            doc.encoding_note = message
        elif doc.malformed is None:  # expat's wording, when we have it, names line and column
            doc.malformed = message
    return doc


def _suspicion(result: Any, body: bytes, max_entries: int) -> str | None:
    """Why this fast-parser result may be wrong, or None. ``body`` is the repaired document."""
    entries = result.entries
    if not entries:
        return "fast parser found no entries"
    if len(entries) < max_entries:
        # rs skips an entry that nests elements about 100 deep, without a word; a start tag
        # inside CDATA counts too, which costs only a needless second parse
        tags = len(_ENTRY_START.findall(body))
        if tags > len(entries):
            return f"fast parser read {len(entries)} of the document's {tags} entries"
    if any(not e.get("link") and not e.get("links") for e in entries):
        return "fast parser returned entries without links"
    if any(not e.get("link") and not any(link.get("href") for link in e.get("links"))
           for e in entries):
        # rs blanks links to private or loopback addresses; in a feed they are data, not
        # fetch targets, and an intranet feed's links are all of that kind
        return "fast parser blanked entry links (it drops links to private addresses)"
    undated = any(not e.get("published") and not e.get("updated") for e in entries)
    if undated and _PREFIXED_ATOM_DATE.search(body):
        return "undated entries but the document has prefixed Atom dates"
    if (result.get("version") or "").startswith("rss"):
        # rs keeps only the last RSS <author> of an item, and drops it beside a dc:creator.
        authors = body.count(b"<author>") + body.count(b"<author ")
        if authors and (authors > len(entries) or b"<dc:creator" in body):
            return "RSS items with several <author> elements or <author> beside <dc:creator>"
    return None


def read_document(
    body: bytes, content_type: str | None = None, engine: Engine = "auto",
    max_entries: int = MAX_ENTRIES,
) -> FeedDocument:
    """Parse ``body`` with the fast parser where it is known to be right, else with feedparser.

    ``engine="fast"`` or ``"reference"`` forces one library (for the differential test and the
    benchmark). Never raises for bad input: a broken document comes back with ``malformed``
    set and whatever entries could be recovered; one with more than ``max_entries`` entries
    comes back with the first ``max_entries`` and ``truncated_at`` set.
    """
    if engine == "reference":
        return _cut_reference(_from_reference(_reference(body, content_type), "forced"),
                              max_entries)
    if engine == "auto":
        problem = undeclared_encoding_problem(body, content_type)
        if problem:
            return _cut_reference(_from_reference(_reference(body, content_type), problem),
                                  max_entries)
    malformed = wellformedness_error(body)
    repaired = repair_empty_elements(body)
    try:
        result = _fast(repaired, max_entries)
    except Exception as exc:
        if engine == "fast":
            raise
        reason = f"fast parser raised {type(exc).__name__}: {exc}"
        return _cut_reference(_from_reference(_reference(body, content_type), reason, malformed),
                              max_entries)
    if engine == "auto":
        reason = _suspicion(result, repaired, max_entries)
        if reason:
            return _cut_reference(
                _from_reference(_reference(body, content_type), reason, malformed), max_entries)
    doc = FeedDocument(result, "fast", None, malformed)
    if _rs_truncated(result, max_entries):
        doc.truncated_at = max_entries
    return doc
