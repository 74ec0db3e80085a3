"""Build the console's world map (``sinks/console/static/world.json``) from Natural Earth.

Source: Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com), as
shipped in the ``naturalearth_lowres`` shapefile of the geopandas 0.14.4 wheel on PyPI
(``geopandas/datasets/naturalearth_lowres/``). Get it offline-friendly with:

    pip download --no-deps -d /tmp/ne geopandas==0.14.4
    unzip -o /tmp/ne/geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/*' -d /tmp/ne
    pip install pyshp
    python tools/make_world_map.py /tmp/ne/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp

First-level divisions are points, not shapes (1:110m has none, and finer boundary files are
tens of MB): each ISO 3166-2 first-level subdivision's representative point from the
``iso3166-2`` package (MIT; ``pip install iso3166-2``), drawn as a circle where alerts name
the division.

Output: ``{"source": ..., "width": W, "height": H, "countries": {ISO alpha-2: {"name", "d"}},
"divisions": {ISO 3166-2: [x, y, name]}}`` where ``d`` is an SVG path in an equirectangular
projection (x = lon, y = -lat, scaled to W x H), rounded to 0.1 px; drawn by the console's JS
as inline SVG.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pycountry
import shapefile  # pyshp

WIDTH, HEIGHT = 1000, 500
OUT = Path(__file__).resolve().parent.parent / "sinks" / "console" / "static" / "world.json"
# Natural Earth marks these with iso_a3 = -99 (disputed or special cases)
BY_NAME = {"France": "FR", "Norway": "NO", "Kosovo": "XK", "N. Cyprus": "CY-N",
           "Somaliland": "SO-SL"}


def _alpha2(iso_a3: str, name: str) -> str | None:
    if name in BY_NAME:
        return BY_NAME[name]
    country = pycountry.countries.get(alpha_3=iso_a3) if iso_a3 != "-99" else None
    return country.alpha_2 if country else None


def _path(shape: shapefile.Shape) -> str:
    parts = list(shape.parts) + [len(shape.points)]
    out: list[str] = []
    for start, end in itertools.pairwise(parts):
        ring: list[str] = []
        last = None
        for lon, lat in shape.points[start:end]:
            x, y = _xy(lon, lat)
            if (x, y) != last:
                ring.append(f"{x:g},{y:g}")
                last = (x, y)
        if len(ring) >= 3:
            out.append("M" + "L".join(ring) + "Z")
    return "".join(out)


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return round((lon + 180) / 360 * WIDTH, 1), round((90 - lat) / 180 * HEIGHT, 1)


def _divisions() -> dict[str, list[object]]:
    from iso3166_2 import Subdivisions

    found: dict[str, list[object]] = {}
    every = Subdivisions()
    for country in sorted(c.alpha_2 for c in pycountry.countries):
        try:
            subdivisions = every[country]
        except (KeyError, ValueError):
            continue
        for code, sub in subdivisions.items():
            point = sub.get("latLng") or []
            if sub.get("parentCode") or len(point) != 2:
                continue  # first level only, and only where a point is given
            x, y = _xy(float(point[1]), float(point[0]))
            found[code] = [x, y, sub["name"]]
    return found


def main(shp: str) -> int:
    reader = shapefile.Reader(shp)
    fields = [f[0] for f in reader.fields[1:]]
    countries: dict[str, dict[str, str]] = {}
    for record, shape in zip(reader.records(), reader.shapes(), strict=True):
        row = dict(zip(fields, record, strict=True))
        code = _alpha2(str(row["iso_a3"]), str(row["name"]))
        if code is None:
            print(f"skipped {row['name']} ({row['iso_a3']})", file=sys.stderr)
            continue
        d = _path(shape)
        entry = countries.setdefault(code, {"name": str(row["name"]), "d": ""})
        entry["d"] += d
    document = {"source": "Countries: Natural Earth 1:110m Admin 0 (public domain), via the "
                          "geopandas 0.14.4 naturalearth_lowres shapefile. Division points: "
                          "ISO 3166-2 first-level subdivisions, iso3166-2 package (MIT). "
                          "Built by tools/make_world_map.py",
                "width": WIDTH, "height": HEIGHT, "countries": countries,
                "divisions": _divisions()}
    OUT.write_text(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n",
                   encoding="utf-8")
    print(f"wrote {len(countries)} countries and {len(document['divisions'])} divisions to "
          f"{OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
