"""One shared tagger for the tagging unit tests, and the views of its output they assert on."""

from __future__ import annotations

from functools import lru_cache

from newswatch.processors.tagging import Tagger

from newswatch.contracts import RawArticle, TaggedArticle


@lru_cache(maxsize=1)
def shared_tagger() -> Tagger:
    """Built once per test process: loading the gazetteer is the slow part."""
    return Tagger()


def tag(text: str, title: str = "", tagger: Tagger | None = None) -> TaggedArticle:
    return (tagger or shared_tagger()).tag(RawArticle(id="t", title=title, text=text))


def countries(t: TaggedArticle) -> set[str]:
    return {c.code for c in t.regions.countries}


def admin1(t: TaggedArticle) -> set[str]:
    return {a.code for a in t.regions.admin1}


def places(t: TaggedArticle) -> set[str]:
    return {p.name for p in t.regions.places}


def actor_ids(t: TaggedArticle) -> set[str]:
    return {a.id for a in t.actors}


def person_names(t: TaggedArticle) -> set[str]:
    return {p.name for p in t.persons}


def event_types(t: TaggedArticle) -> set[str]:
    return {e.type for e in t.event_types}
