"""Actors: dictionary names, composed state bodies and seats of government.

Dictionary hits ("TTP", "Shanghai Cooperation Organisation") map straight to an actor.
Composed actors bind a generic body to a country: from the phrase itself ("Pakistani troops",
"Pakistan's foreign ministry", "government of Pakistan"), or - for bodies a story names without
a country ("the Foreign Office", "FO", "the government") - from the story's primary country.
A seat of government used as a speaker ("Islamabad said", "accuse Kabul") is that country's
government. Ids are stable slugs; composed ids ("PK-MOFA") equal dictionary ids where the
dictionary knows the body, so both merge into one actor.
"""

from __future__ import annotations

import re

from processors.tagging.context import FieldText
from processors.tagging.gazetteer import ACTOR, BODY, Actor, Gazetteer
from processors.tagging.matching import Hit
from processors.tagging.records import span_of
from processors.tagging.regions import GeoMention

__all__ = ["resolve_actors"]

_JOIN = re.compile(r"^(?:\s|'s\s|’s\s|-)+$")  # "Pakistani troops", "Pakistan's army"
_OF = re.compile(r"^\s+of\s+(?:the\s+)?$")


class _Acc:
    """Accumulates actor tags (records, see ``records``) by id, merging evidence."""

    def __init__(self) -> None:
        self.tags: dict[str, dict] = {}

    def add(self, actor: Actor, hit: Hit, conf: float, source: str) -> None:
        tag = self.tags.get(actor.id)
        if tag is None:
            self.tags[actor.id] = {
                "id": actor.id, "name": actor.name, "type": actor.type, "country": actor.country,
                "cameo": actor.cameo, "source": source, "confidence": conf,
                "evidence": [span_of(hit)],
            }
            return
        if all((e[3], e[0]) != (hit.field, hit.start) for e in tag["evidence"]):
            tag["evidence"].append(span_of(hit))
        tag["confidence"] = max(tag["confidence"], conf)
        if source == "dictionary":
            tag["source"] = "dictionary"


def _state_actor(gaz: Gazetteer, country: str, suffix: str) -> Actor | None:
    actor_id = f"{country}-{suffix}"
    if actor_id in gaz.actors:
        return gaz.actors[actor_id]
    body = next((b for b in gaz.bodies if b.suffix == suffix), None)
    if body is None:
        return None
    name = body.name.format(country=gaz.country_names.get(country, country))
    return Actor(id=actor_id, name=name, type=body.type, cameo=body.cameo, country=country,
                 source="composed")


def resolve_actors(
    gaz: Gazetteer,
    name_hits: list[Hit],
    geo: list[GeoMention],
    fields: dict[str, FieldText],
    primary: str | None,
) -> list[dict]:
    acc = _Acc()
    geo_by_field: dict[str, list[GeoMention]] = {}
    for m in geo:
        geo_by_field.setdefault(m.hit.field, []).append(m)
    for hit in name_hits:
        for kind, ref, *_ in hit.entries:
            if kind == ACTOR:
                acc.add(gaz.actors[ref], hit, 0.9, "dictionary")
            elif kind == BODY:
                _compose(gaz, acc, hit, gaz.bodies[ref], geo_by_field.get(hit.field, []),
                         fields[hit.field], primary)
    for m in geo:
        if m.as_government and m.country:
            actor = _state_actor(gaz, m.country, "GOV")
            if actor is not None:
                acc.add(actor, m.hit, 0.75, "composed")
    return list(acc.tags.values())


def _compose(gaz, acc: _Acc, hit: Hit, body, geo: list[GeoMention], ctx: FieldText,
             primary: str | None) -> None:
    text = ctx.text
    country: str | None = None
    conf = 0.8
    for m in geo:  # a country word right before: "Pakistani troops", "Pakistan's army"
        if m.country and m.hit.end <= hit.start and _JOIN.match(text[m.hit.end:hit.start]):
            country = m.country
    if country is None:
        for m in geo:  # "government of Pakistan": the evidence is the whole phrase
            if m.country and m.hit.start >= hit.end and _OF.match(text[hit.end:m.hit.start]):
                country = m.country
                hit = Hit(hit.field, hit.start, m.hit.end, text[hit.start:m.hit.end], hit.entries)
                break
    if country is None:
        term = hit.surface.lower()
        bare_ok = body.bare and (body.bare_terms is None or term in body.bare_terms
                                 or hit.surface.isupper())
        if not bare_ok or primary is None:
            return
        before = text[max(0, hit.start - 5):hit.start].lower()
        if not (hit.surface.isupper() or before.endswith("the ") or hit.surface[0].isupper()):
            return  # "a government", "any government": no particular one
        country, conf = primary, 0.65
    actor = _state_actor(gaz, country, body.suffix)
    if actor is not None:
        acc.add(actor, hit, conf, "composed")
