"""What the automaton finds for a name: its entries, their kinds and case rules.

Every name the gazetteer (or a watchlist) registers becomes an ``Entry`` under the name's
match key; one key can hold several ("Georgia": a country and a US state; "Paris": dozens of
towns). A hit carries the entries whose case rule its surface meets, and each stage reads the
kinds it cares about. The module holds only these definitions, so the loader, the scanner and
the resolvers all import it and none of them imports another to learn what an entry is.

``Entry`` is a ``NamedTuple``: entries are compared (a name added twice is registered once),
pickled in the gazetteer cache by the million, and unpacked in the resolvers' loops.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["ABBR", "ACTOR", "ADMIN1", "ANY", "BODY", "CAP", "COUNTRY", "DEMONYM", "EVENT",
           "EXACT", "GEO_KINDS", "INSTITUTION", "MASK", "NAME_KINDS", "NOT_EVENT", "PLACE",
           "SEAT", "WATCH_ACTOR", "WATCH_KEYWORD", "WATCH_PLACE", "Entry"]

# How the surface of a hit must be cased for an entry to apply. ABBR: exactly as written,
# and regions also wants the shape "<Name>, Abbr." (a US state in a dateline).
ANY, CAP, EXACT, ABBR = 0, 1, 2, 3

# Entry kinds: what the name names.
COUNTRY, DEMONYM, ADMIN1, PLACE, SEAT, INSTITUTION = "C", "D", "A", "P", "S", "I"
ACTOR, BODY, MASK, EVENT = "R", "B", "M", "E"
NOT_EVENT = "-"  # the event "type" (``ref``) of a phrase that cancels the cues inside it
# a watchlist's actors, places and keywords (its own automaton; see ``watchlist``)
WATCH_ACTOR, WATCH_PLACE, WATCH_KEYWORD = "WR", "WP", "WK"
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
    entry (``regions.entry_facts``), filled in when the gazetteer is compiled; other entries
    keep the defaults.
    """

    kind: str
    ref: Any
    mode: int  # ANY, CAP, EXACT or ABBR
    shape: str = ""  # EXACT and ABBR: the ``textnorm.shape`` the surface must have
    tag: str = ""  # "alt": a city's alternate name, a weaker reading
    country: str | None = None
    admin1: str | None = None
    prior: float = 0.0  # the reading's score before support from the rest of the article
