"""Article identity: canonical URL, article id (the Kafka record key) and content hash.

The same story polled twice, or reached through two campaign-tagged links, must get the same
key, or downstream deduplication and alert suppression fail. So the id hashes the canonical
URL (tracking parameters removed, harmless spelling differences normalised), and only falls back
to the feed's own entry id when there is no link at all.

Tracking parameters live in ``data/tracking_params.tsv`` with the source of each entry.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from urllib.parse import unquote_plus, urlsplit, urlunsplit

__all__ = ["article_id", "canonical_url", "content_hash", "is_tracking_param"]

_ID_CHARS = 32  # 128 bits of sha256: collision-free at any realistic article count
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def _load_tracking_rules() -> tuple[
    dict[str, frozenset[str] | None], list[tuple[str, frozenset[str] | None]]
]:
    exact: dict[str, frozenset[str] | None] = {}
    prefixes: list[tuple[str, frozenset[str] | None]] = []
    text = resources.files("newswatch.ingest").joinpath("data/tracking_params.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith(("#", "param\t")):
            continue
        name, values, _source = (line.split("\t") + ["", ""])[:3]
        allowed = frozenset(v.strip().lower() for v in values.split(",") if v.strip()) or None
        name = name.strip().lower()
        if name.endswith("*"):
            prefixes.append((name[:-1], allowed))
        else:
            exact[name] = allowed
    return exact, prefixes


_EXACT, _PREFIXES = _load_tracking_rules()


def is_tracking_param(name: str, value: str = "") -> bool:
    """True when query parameter ``name=value`` only tags the click, per the data file."""
    key = name.lower()
    value = value.lower()
    if key in _EXACT:
        allowed = _EXACT[key]
        return allowed is None or value in allowed
    for prefix, allowed in _PREFIXES:
        if key.startswith(prefix):
            return allowed is None or value in allowed
    return False


def _clean_query(query: str) -> str:
    kept: list[tuple[str, str, str]] = []
    for segment in query.split("&"):
        while segment.startswith("amp;"):  # '&amp;' escaped twice by the feed
            segment = segment[4:]
        if not segment:
            continue
        raw_name, _, raw_value = segment.partition("=")
        name, value = unquote_plus(raw_name), unquote_plus(raw_value)
        if not is_tracking_param(name, value):
            kept.append((name, value, segment))
    kept.sort()
    return "&".join(segment for _, _, segment in kept)


@lru_cache(maxsize=65536)
def canonical_url(url: str | None) -> str | None:
    """The article URL with tracking removed and spelling normalised, or None if not http(s).

    Lowercase scheme and host, default port dropped, fragment dropped (except ``#!`` routes,
    which address content), tracking parameters removed, remaining parameters sorted, trailing
    slash removed from non-root paths, percent-escapes upper-cased. Idempotent.
    """
    if not url:
        return None
    url = url.strip().replace("&amp;", "&")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. a non-numeric port or a broken IPv6 literal
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.rstrip(".")
    if not host:  # 'http://./': nothing but the root dot
        return None
    if ":" in host:  # IPv6 literal loses its brackets in .hostname
        host = f"[{host}]"
    if port is not None and str(port) != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        host = f"{userinfo}@{host}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    if "%" in path:
        path = _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), path)
    query = _clean_query(parts.query) if parts.query else ""
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    # stripped again: dropping a fragment or tracking parameters can expose trailing whitespace
    return urlunsplit((scheme, host, path, query, fragment)).strip()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:_ID_CHARS]


def article_id(
    url: str | None,
    *,
    feed_id: str | None = None,
    guid: str | None = None,
    title: str | None = None,
    date: str | None = None,
) -> str:
    """Stable record key: a hash of the canonical URL, else of feed id + guid, else title+date.

    ``url`` may be raw or already canonical (canonicalising is idempotent and cached). The
    fallbacks are scoped by ``feed_id`` because guids and titles are only unique within a feed.
    The three kinds are hashed with distinct prefixes so they can never collide with each other.
    """
    canonical = canonical_url(url)
    if canonical:
        return _digest("url", canonical)
    if guid and guid.strip():
        return _digest("guid", feed_id or "", guid.strip())
    if (title and title.strip()) or date:
        return _digest("entry", feed_id or "", (title or "").strip(), date or "")
    raise ValueError("article has no link, guid, title or date to identify it")


def content_hash(title: str, text: str) -> str:
    """Hash of the clean title and text: changes exactly when the story's words change."""
    return _digest("content", title, text)
