"""Hand-tagged articles for the story stage's unit tests: the tags given, as the tagger would
set them (one country, one division, one town, the persons, actors and event types named)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from newswatch.contracts import (
    ActorTag,
    Admin1Tag,
    CountryTag,
    EventTag,
    PersonTag,
    PlaceTag,
    Regions,
    TaggedArticle,
)


def story_article(id_: str, title: str, text: str, *, published_at: datetime, source: str,
                  country: str | None, admin1: str | None, place: str | None,
                  persons: Sequence[str] = (), actors: Sequence[ActorTag] = (),
                  events: Sequence[str] = ()) -> TaggedArticle:
    places = [PlaceTag(name=place, country=country, admin1=admin1, kind="city")] if place else []
    return TaggedArticle(
        id=id_, title=title, text=text, feed_title=source,
        url=f"https://{source.lower().replace(' ', '')}.example/{id_}",
        published_at=published_at,
        regions=Regions(
            countries=[CountryTag(code=country, name=country)] if country else [],
            admin1=[Admin1Tag(code=admin1, name=admin1, country=country or "")] if admin1 else [],
            places=places, primary_country=country),
        persons=[PersonTag(name=p) for p in persons], actors=list(actors),
        event_types=[EventTag(type=e) for e in events])  # type: ignore[arg-type]
