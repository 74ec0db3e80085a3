"""What the automaton finds for a name: its entries, their kinds and case rules.

Every name the gazetteer (or a watchlist) registers becomes an ``Entry`` under the name's
match key; one key can hold several ("Georgia": a country and a US state; "Paris": dozens of
towns). A hit carries the entries whose case rule its surface meets, and each stage reads the
kinds it cares about. The module holds only these definitions, so the loader, the scanner and
the resolvers all import it and none of them imports another to learn what an entry is.

``Entry`` is a ``NamedTuple``: entries are compared (a name added twice is registered once)
and pickled in the gazetteer cache by the hundred thousand. ``Kind`` is a ``StrEnum`` and
``Case`` an ``IntEnum``: their members hash and compare like the strings and numbers they
stand for, so the sets of kinds the resolvers test membership in stay as fast as before. The
module-level names (``COUNTRY``, ``CAP``...) are the same members; the hot loops read them as
globals, which is quicker than ``Kind.COUNTRY`` (an attribute of an enum class).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any, NamedTuple

__all__ = ["ABBR", "ACTOR", "ADMIN1", "ANY", "BODY", "CAP", "COUNTRY", "DEMONYM", "EVENT",
           "EXACT", "GEO_KINDS", "INSTITUTION", "MASK", "NAME_KINDS", "NOT_EVENT", "PLACE",
           "SEAT", "UNSURE_PLACE", "WATCH_ACTOR", "WATCH_KEYWORD", "WATCH_PLACE", "Case", "Entry",
           "Kind"]


class Case(IntEnum):
    """How the surface of a hit must be cased for an entry to apply."""

    ANY = 0  # any case: event cues, lower-case aliases, body terms
    CAP = 1  # a capital or digit first (``matching._capitalised``)
    EXACT = 2  # exactly as written, up to punctuation (``Entry.shape``): acronyms
    ABBR = 3  # as EXACT, and regions also wants "<Name>, Abbr." (a US state in a dateline)


class Kind(StrEnum):
    """What an entry names."""

    COUNTRY = "C"
    DEMONYM = "D"  # "Pakistani": the country
    ADMIN1 = "A"  # a first-level division
    PLACE = "P"  # a city, district, region or landmark (``Gazetteer.places``)
    SEAT = "S"  # a seat of government: the city, or the government ("Islamabad said")
    INSTITUTION = "I"  # a country's institution named like a place ("the Kremlin")
    ACTOR = "R"  # a dictionary actor
    BODY = "B"  # a generic state body ("foreign ministry"), composed with a country
    MASK = "M"  # a name that hides the places inside it ("South China Sea")
    EVENT = "E"  # an event cue
    WATCH_ACTOR = "WR"  # a watchlist's actor, place and keyword (see ``watchlist``)
    WATCH_PLACE = "WP"
    WATCH_KEYWORD = "WK"
    # not an entry's kind but a reading's (``regions``): a place that counts only when other
    # mentions support its country (a small town, a big city's alternate name)
    UNSURE_PLACE = "p?"


ANY, CAP, EXACT, ABBR = Case.ANY, Case.CAP, Case.EXACT, Case.ABBR
COUNTRY, DEMONYM, ADMIN1, PLACE = Kind.COUNTRY, Kind.DEMONYM, Kind.ADMIN1, Kind.PLACE
SEAT, INSTITUTION, ACTOR, BODY = Kind.SEAT, Kind.INSTITUTION, Kind.ACTOR, Kind.BODY
MASK, EVENT, UNSURE_PLACE = Kind.MASK, Kind.EVENT, Kind.UNSURE_PLACE
WATCH_ACTOR, WATCH_PLACE, WATCH_KEYWORD = Kind.WATCH_ACTOR, Kind.WATCH_PLACE, Kind.WATCH_KEYWORD
NOT_EVENT = "-"  # the event "type" (``ref``) of a phrase that cancels the cues inside it
GEO_KINDS = frozenset({COUNTRY, DEMONYM, ADMIN1, PLACE, SEAT, INSTITUTION})
NAME_KINDS = GEO_KINDS | {ACTOR, BODY, MASK}


class Entry(NamedTuple):
    """One reading of a name.

    ``ref`` is what the entry names, by kind: a country code (``COUNTRY``, ``DEMONYM``,
    ``INSTITUTION``), an ISO 3166-2 code (``ADMIN1``), an index into ``Gazetteer.places``
    (``PLACE``), ``(country code, place index)`` (``SEAT``), an actor id (``ACTOR``), an index
    into ``Gazetteer.bodies`` (``BODY``), an event type or ``NOT_EVENT`` (``EVENT``), None
    (``MASK``); in a watchlist an actor id, a place index or the keyword itself.

    ``country``, ``admin1`` and ``prior`` are what the region resolver needs about a geo
    entry (``entry_facts``), filled in when the gazetteer is compiled; other entries
    keep the defaults.
    """

    kind: Kind
    ref: Any
    mode: Case
    shape: str = ""  # EXACT and ABBR: the ``textnorm.shape`` the surface must have
    tag: str = ""  # "alt": a city's alternate name, a weaker reading
    country: str | None = None
    admin1: str | None = None
    prior: float = 0.0  # the reading's score before support from the rest of the article
