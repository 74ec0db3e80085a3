"""OPML import and export, the format feed readers use to exchange subscription lists.

Import reads every ``<outline>`` that has an ``xmlUrl``; the titles of the enclosing folder
outlines and the ``category`` attribute become tags. Export writes the newswatch-only fields
(id, interval, enabled) as extra ``newswatch*`` attributes, which OPML 2.0 allows and other
readers ignore, so an export imports back unchanged.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime

from newswatch.ingest.address_policy import AddressPolicy
from newswatch.ingest.registry import (
    DEFAULT_INTERVAL_S,
    FeedConfig,
    FeedFileError,
    RegistryLoad,
    refused_feed_url,
)
from pydantic import ValidationError

__all__ = ["read_opml", "write_opml"]

_ID = "newswatchId"
_INTERVAL = "newswatchIntervalS"
_ENABLED = "newswatchEnabled"
# folder titles that become a feed's tags: the outer ones, however deep the folders nest
MAX_FOLDER_TAGS = 16


def _split_categories(value: str | None) -> list[str]:
    if not value:
        return []
    tags = []
    for part in value.split(","):
        # OPML 2.0 categories are slash-delimited paths; the last segment is the label
        label = part.strip().strip("/").split("/")[-1].strip()
        if label:
            tags.append(label)
    return tags


def read_opml(data: bytes, *, source: str = "<opml>",
              policy: AddressPolicy | None = None) -> RegistryLoad:
    """Feeds from an OPML document. Bad outlines are reported, the rest loaded; so are feed
    URLs the address policy refuses (``registry.refused_feed_url``)."""
    result = RegistryLoad()
    policy = policy if policy is not None else AddressPolicy.from_env()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        result.errors.append(FeedFileError(source, line, f"not valid OPML/XML: {exc}"))
        return result
    body = root.find("body")
    if root.tag != "opml" or body is None:
        result.errors.append(FeedFileError(source, 1, "not an OPML document (no <opml><body>)"))
        return result
    seen: set[str] = set()
    seen_urls: set[str] = set()
    for number, (outline, folders) in enumerate(_outlines(body), start=1):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if not url:
            continue
        title = (outline.get("title") or outline.get("text") or "").strip()
        raw: dict[str, object] = {
            "url": url,
            "name": title,
            "language": outline.get("language") or None,
            "tags": list(dict.fromkeys(
                [*folders, *_split_categories(outline.get("category"))])),
        }
        if outline.get(_ID):
            raw["id"] = outline.get(_ID)
            if not outline.get("title") and title == outline.get(_ID):
                raw["name"] = ""  # our own export's placeholder text, not a name
        if outline.get(_INTERVAL):
            raw["interval_s"] = outline.get(_INTERVAL)
        if outline.get(_ENABLED):
            raw["enabled"] = outline.get(_ENABLED)
        where = f"outline #{number} ({title or url})"
        try:
            feed = FeedConfig.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else None
                result.errors.append(FeedFileError(
                    source, None, f"{where}: {err['msg'].removeprefix('Value error, ')}",
                    field=name))
            continue
        refused = refused_feed_url(feed.url, policy)
        if refused:
            result.errors.append(FeedFileError(source, None, f"{where}: {refused}",
                                               field="url", feed=feed.id))
            continue
        if feed.id in seen or feed.url in seen_urls:
            result.errors.append(FeedFileError(source, None, f"{where}: duplicate feed",
                                               feed=feed.id))
            continue
        seen.add(feed.id)
        seen_urls.add(feed.url)
        result.feeds.append(feed)
    return result


def _outlines(body: ET.Element) -> Iterator[tuple[ET.Element, tuple[str, ...]]]:
    """Every ``<outline>`` in document order, with the titles of the folders around it (the
    outer ``MAX_FOLDER_TAGS``). A folder is an outline without ``xmlUrl``; a feed's own
    children are not read. Iterative, so no nesting depth can exhaust the stack (recursion
    raised ``RecursionError`` for an OPML file nested a few thousand folders deep)."""
    stack: list[tuple[Iterator[ET.Element], tuple[str, ...]]] = [
        (iter(body.findall("outline")), ())]
    while stack:
        children, folders = stack[-1]
        outline = next(children, None)
        if outline is None:
            stack.pop()
            continue
        yield outline, folders
        if not (outline.get("xmlUrl") or outline.get("xmlurl")):
            title = (outline.get("title") or outline.get("text") or "").strip()
            inner = (*folders, title) if title and len(folders) < MAX_FOLDER_TAGS else folders
            stack.append((iter(outline.findall("outline")), inner))


def write_opml(feeds: list[FeedConfig], *, title: str = "newswatch feeds",
               now: datetime | None = None) -> str:
    """An OPML 2.0 document listing ``feeds``, one flat outline each."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.name or feed.id, "xmlUrl": feed.url, _ID: feed.id}
        if feed.name:
            attrs["title"] = feed.name
        if feed.language:
            attrs["language"] = feed.language
        if feed.tags:
            attrs["category"] = ",".join(feed.tags)
        if feed.interval_s != DEFAULT_INTERVAL_S:
            attrs[_INTERVAL] = str(feed.interval_s)
        if not feed.enabled:
            attrs[_ENABLED] = "false"
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
