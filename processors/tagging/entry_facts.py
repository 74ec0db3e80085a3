"""What the region resolver needs about a geo entry, worked out once when the gazetteer is
compiled: the country and division it implies and its prior score (``Entry.country``,
``Entry.admin1``, ``Entry.prior``).

Why a module of its own: the facts are read per hit by ``regions`` but computed from the
gazetteer's own tables while it is built. Here, between the two, the loader needs no
resolver and the resolver no loader internals (``gazetteer`` imported ``regions`` before).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from newswatch.processors.tagging.entries import (
    ADMIN1,
    COUNTRY,
    DEMONYM,
    GEO_KINDS,
    INSTITUTION,
    PLACE,
    SEAT,
    Kind,
)

if TYPE_CHECKING:
    from newswatch.processors.tagging.gazetteer import Gazetteer

__all__ = ["entry_facts", "log_pop"]

# a reading's score before support from the rest of the article, by kind; a place's depends
# on whether it is curated and on its population
_PRIOR = {COUNTRY: 10.0, DEMONYM: 9.0, SEAT: 9.0, INSTITUTION: 9.0, ADMIN1: 6.0}


def log_pop(pop: int) -> float:
    return math.log10(max(pop, 10))


def entry_facts(gaz: Gazetteer, kind: Kind, ref: Any) -> dict[str, Any]:
    """The country, division and prior score of a gazetteer entry, as ``Entry`` fields (none
    for an entry that names no place)."""
    if kind not in GEO_KINDS:
        return {}
    country = _country_of(gaz, kind, ref)
    return {"country": country, "admin1": _admin1_of(gaz, kind, ref),
            "prior": _prior(gaz, kind, ref, country)}


def _country_of(gaz: Gazetteer, kind: Kind, ref: Any) -> str | None:
    if kind in (COUNTRY, DEMONYM, INSTITUTION):
        return ref
    if kind == ADMIN1:
        return str(ref)[:2]
    if kind == PLACE:
        return gaz.places[ref].country
    if kind == SEAT:
        return ref[0]
    return None


def _admin1_of(gaz: Gazetteer, kind: Kind, ref: Any) -> str | None:
    if kind == ADMIN1:
        return str(ref)
    if kind == PLACE:
        return gaz.places[ref].admin1
    return None


def _prior(gaz: Gazetteer, kind: Kind, ref: Any, country: str | None) -> float:
    if kind == PLACE:
        place = gaz.places[ref]
        return 8.0 if place.curated else 3.0 + log_pop(place.population) / 2
    base = _PRIOR[kind]
    if kind == ADMIN1:
        base += log_pop(gaz.country_pop.get(country or "", 0)) / 100
    return base
