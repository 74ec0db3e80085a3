"""Helpers for testing alert rules without running the tagger.

``tagged_article`` builds a TaggedArticle the way the tagger would, with evidence spans found
in the text, so rule authors can check a rule in a few lines::

    art = tagged_article("Bomb kills 3 in Quetta", countries=[("PK", "Quetta")],
                         events=[("bombing", "Bomb")])
    evaluate(load_rules(path), art, now, MemoryHistory())
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from newswatch.contracts import (
    ActorTag,
    Admin1Tag,
    CountryTag,
    EventTag,
    Regions,
    Span,
    TaggedArticle,
    WatchlistHit,
)

__all__ = ["span_of", "tagged_article"]


def span_of(title: str, text: str, surface: str | None) -> list[Span]:
    """The first occurrence of ``surface`` in the title, else the text (case-insensitive)."""
    if not surface:
        return []
    for field, value in (("title", title), ("text", text)):
        start = value.lower().find(surface.lower())
        if start >= 0:
            end = start + len(surface)
            return [Span(start=start, end=end, text=value[start:end], field=field)]
    return []


def _pair(item: str | tuple[str, str]) -> tuple[str, str | None]:
    return (item, None) if isinstance(item, str) else (item[0], item[1])


def tagged_article(
    title: str = "",
    text: str = "",
    *,
    id: str | None = None,
    url: str | None = None,
    countries: Iterable[str | tuple[str, str]] = (),
    primary: str | None = None,
    admin1: Iterable[str | tuple[str, str]] = (),
    macro_regions: Iterable[str] = (),
    actors: Iterable[tuple[str, str, str]] = (),
    events: Iterable[str | tuple[str, str]] = (),
    watchlist: Iterable[tuple[str, str]] = (),
    severity: float = 0.0,
    confidence: float = 1.0,
    published_at: datetime | None = None,
    feed_id: str | None = None,
) -> TaggedArticle:
    """A TaggedArticle. ``countries``/``admin1``/``events``: a code or ``(code, surface)``;
    ``actors``: ``(id, name, type)``; ``watchlist``: ``(watchlist, term)``. Evidence spans
    point at the surface (or name/term) in the title or text when it occurs there."""
    country_tags = []
    for item in countries:
        code, surface = _pair(item)
        country_tags.append(CountryTag(code=code, name=code, confidence=confidence,
                                       evidence=span_of(title, text, surface)))
    admin_tags = []
    for item in admin1:
        code, surface = _pair(item)
        admin_tags.append(Admin1Tag(code=code, name=code, country=code.split("-")[0],
                                    confidence=confidence,
                                    evidence=span_of(title, text, surface)))
    event_tags = []
    for item in events:
        kind, surface = _pair(item)
        event_tags.append(EventTag(type=kind, confidence=confidence,
                                   evidence=span_of(title, text, surface)))
    actor_tags = [ActorTag(id=aid, name=name, type=kind, confidence=confidence,
                           evidence=span_of(title, text, name)) for aid, name, kind in actors]
    hits = [WatchlistHit(watchlist=w, term=t, confidence=confidence,
                         evidence=span_of(title, text, t)) for w, t in watchlist]
    codes = [c.code for c in country_tags]
    article_id = id or hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:32]
    return TaggedArticle(
        id=article_id, title=title, text=text, url=url, feed_id=feed_id,
        published_at=published_at,
        regions=Regions(countries=country_tags, admin1=admin_tags,
                        macro_regions=list(macro_regions),
                        primary_country=primary or (codes[0] if codes else None)),
        actors=actor_tags, event_types=event_tags, watchlist_hits=hits, severity=severity,
    )
