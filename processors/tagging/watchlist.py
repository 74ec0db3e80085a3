"""Users' watchlists: extra actors, places and keywords, hot-reloaded from a YAML file.

File format (see ``data/watchlist.example.yaml``)::

    name: my-desk                 # watchlist name written to WatchlistHit.watchlist
    actors:                       # reported in TaggedArticle.actors with source="watchlist"
      - id: acme-mining           # stable id (required)
        name: Acme Mining Ltd     # canonical name (required)
        type: company             # a contracts ActorType (default "other")
        cameo: BUS                # optional
        country: PK               # optional ISO 3166-1 alpha-2
        aliases: [Acme Mining]    # matched with a capital first letter
        acronyms: [AML]           # matched exactly as written
    places:                       # reported as places, implying country and admin1
      - name: Chaman
        country: PK
        admin1: PK-BA             # optional ISO 3166-2
        lat: 30.92                # optional
        lon: 66.45
        aliases: [Chaman border crossing]
    keywords:                     # hits go to TaggedArticle.watchlist_hits
      - border closure            # plain string: any case, whole words
      - {term: CPEC, case_sensitive: true}

A watchlist is compiled into its own small automaton, so reloading it never rebuilds the
gazetteer. ``Watchlist.load`` raises ``WatchlistError`` for a malformed file; the tagger then
keeps the previous watchlist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from newswatch.processors.tagging.entries import (
    ANY,
    CAP,
    EXACT,
    WATCH_ACTOR,
    WATCH_KEYWORD,
    WATCH_PLACE,
    Case,
    Entry,
    Kind,
)
from newswatch.processors.tagging.gazetteer import Actor, Place
from newswatch.processors.tagging.matching import Automaton, Hit, compile_automaton, scan_fields
from newswatch.processors.tagging.vocabulary import ACTOR_TYPES

from newswatch import yaml_files

__all__ = ["Watchlist", "WatchlistError"]



class WatchlistError(ValueError):
    """The watchlist file cannot be read or does not follow the format."""


def _opt(value: object, kind: type, what: str) -> Any:
    """``value`` as ``kind`` (str, int or float) or None; tags built from a watchlist are not
    validated again, so a wrong type must stop the load, not every later article. (Typed
    ``Any``: the value is checked to be a ``kind`` or None, which the signature cannot say.)"""
    if value is None:
        return None
    if kind is str:
        if not isinstance(value, str):
            raise WatchlistError(f"{what} must be text, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WatchlistError(f"{what} must be a number, not {value!r}")
    if kind is int and value != int(value):
        raise WatchlistError(f"{what} must be a whole number, not {value!r}")
    return kind(value)


@dataclass
class Watchlist:
    name: str
    actors: dict[str, Actor] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    automaton: Automaton | None = None
    digest: str = ""

    @classmethod
    def load(cls, path: Path) -> Watchlist:
        import hashlib

        from newswatch.processors.tagging.textnorm import fold, key_of, shape

        try:
            raw = path.read_bytes()
            data = yaml_files.load(raw) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise WatchlistError(f"cannot read watchlist {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise WatchlistError(f"watchlist {path} must be a mapping")
        wl = cls(name=str(data.get("name") or path.stem),
                 digest=hashlib.sha256(raw).hexdigest()[:8])
        keys: dict[str, list[Entry]] = {}

        def add(name: str, kind: Kind, ref: object, mode: Case) -> None:
            for variant in {name, fold(name)}:
                entry = Entry(kind, ref, mode, shape(variant) if mode == EXACT else "")
                bucket = keys.setdefault(key_of(variant), [])
                if entry not in bucket:
                    bucket.append(entry)

        try:
            for row in data.get("actors") or []:
                atype = row.get("type", "other")
                if atype not in ACTOR_TYPES:
                    raise WatchlistError(f"actor {row.get('id')}: unknown type {atype!r}")
                aid = str(row["id"])
                actor = Actor(id=aid, name=str(row["name"]), type=atype,
                              cameo=_opt(row.get("cameo"), str, f"actor {aid}: cameo"),
                              country=_opt(row.get("country"), str, f"actor {aid}: country"),
                              source="watchlist")
                wl.actors[actor.id] = actor
                for alias in [actor.name, *row.get("aliases", [])]:
                    add(alias, WATCH_ACTOR, actor.id, CAP if alias[:1].isupper() else ANY)
                for acronym in row.get("acronyms", []):
                    add(acronym, WATCH_ACTOR, actor.id, EXACT)
            for row in data.get("places") or []:
                what = f"place {row['name']}"
                place = Place(name=str(row["name"]),
                              country=_opt(row.get("country"), str, f"{what}: country"),
                              admin1=_opt(row.get("admin1"), str, f"{what}: admin1"),
                              lat=_opt(row.get("lat"), float, f"{what}: lat"),
                              lon=_opt(row.get("lon"), float, f"{what}: lon"),
                              geonameid=_opt(row.get("geonameid"), int, f"{what}: geonameid"),
                              kind=_opt(row.get("kind", "place"), str, f"{what}: kind"),
                              curated=True)
                wl.places.append(place)
                for alias in [place.name, *row.get("aliases", [])]:
                    add(alias, WATCH_PLACE, len(wl.places) - 1, CAP)
            for row in data.get("keywords") or []:
                term, exact = (row, False) if isinstance(row, str) else (
                    str(row["term"]), bool(row.get("case_sensitive")))
                wl.keywords.append(term)
                add(term, WATCH_KEYWORD, term, EXACT if exact else ANY)
        except (KeyError, TypeError, AttributeError) as exc:
            raise WatchlistError(f"watchlist {path}: bad entry ({exc!r})") from exc
        if keys:
            wl.automaton = compile_automaton(keys)
        return wl

    def scan_article(self, title: str, text: str) -> list[Hit]:
        """Hits in title then text (one automaton pass)."""
        if self.automaton is None:
            return []
        return scan_fields(self.automaton, title, text)
