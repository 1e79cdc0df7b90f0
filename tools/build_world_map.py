"""Build ``threefold/web/data/world_110m.json``: country outlines as SVG path data for the world choropleth map
(``threefold.web.worldmap``). A one-off build tool; nothing here runs in the product, and nothing downloads at
run time: the generated file is committed.

How to run (from the repository root; needs ``npm`` on the PATH, or a copy of the package tarball):

    .venv/bin/python tools/build_world_map.py
    .venv/bin/python tools/build_world_map.py --tarball /path/to/world-atlas-2.0.2.tgz

Without ``--tarball`` the script runs ``npm pack world-atlas@2.0.2`` in a temporary directory (falling back to
the npm registry's tarball URL with urllib when npm is missing) and checks the tarball's SHA-512 against the
pinned value below, so a rebuild gives the same file byte for byte.

Source and licence:

* ``countries-110m.json`` from the npm package ``world-atlas`` 2.0.2 (https://github.com/topojson/world-atlas),
  ISC licence, Copyright 2013-2019 Michael Bostock: a TopoJSON redistribution of Natural Earth 1:110m
  Admin 0 countries, version 4.1.0 (https://www.naturalearthdata.com/), which is in the public domain.
  Feature ids are ISO 3166-1 numeric codes as strings.

What the script does:

1. decodes the TopoJSON (quantized, delta-encoded arcs; a negative arc index ``~i`` means arc ``i`` reversed);
2. simplifies each shared arc once, in projected pixels (Douglas-Peucker, tolerance ``TOLERANCE``), so that
   neighbouring countries keep exactly the same border and no gaps or slivers open between them;
3. cuts the rings that cross the antimeridian (Russia's Chukotka, Fiji) into a part on each side, so that
   nothing streaks across the map;
4. projects with the Equal Earth projection (Šavrič, Patterson & Jenny, "The Equal Earth map projection",
   International Journal of Geographical Information Science 33(3), 2019, doi:10.1080/13658816.2018.1504949)
   and fits the result to a ``WIDTH``-pixel wide viewBox;
5. writes SVG path data (absolute move-to, relative line-to, coordinates on a 0.1 px grid), one country a line.

Keys: ISO 3166-1 alpha-2 codes, from the numeric ids through pycountry. Natural Earth draws three shapes that
have no ISO 3166-1 code (their id is missing, "-99" in Natural Earth):

* Kosovo: key ``XK``, the user-assigned code that the European Commission, the IMF and others use;
* N. Cyprus: key ``n-cyprus``, with ``"part_of": "CY"``;
* Somaliland: key ``somaliland``, with ``"part_of": "SO"``.

Lower-case keys cannot clash with an ISO code. Case data records these places under the ISO code in
``part_of``, so the map draws them with that country's value unless one is given for their own key.

Antarctica (``AQ``) is left out: it carries no data here and would take a fifth of the map's height.

Crimea: Natural Earth 4.1 draws it as part of Russia (its "de facto" point of view). This map follows ISO 3166
and the UN General Assembly (resolution 68/262 of 27 March 2014) and draws it as part of Ukraine: the script
moves the Crimea polygon from Russia to Ukraine and removes the arc between them (``move_crimea``).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pycountry

PACKAGE = "world-atlas"
VERSION = "2.0.2"
TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
TARBALL_SHA512 = (
    "2177d5d2ac25297a5c933d458705d5c0a46388884e9d6b6d3ac926e42b7132c8"
    "e013f317018447589aa05cea4cf0891c3c1a179f24d4e651477186b90a11b42d"
)
MEMBER = "package/countries-110m.json"

OUTPUT = Path(__file__).resolve().parent.parent / "threefold" / "web" / "data" / "world_110m.json"
WIDTH = 960  # px; the height follows from the projected extent
PADDING = 2  # px of empty margin on every side, so that outlines are not clipped
TOLERANCE = 0.2  # px; Douglas-Peucker tolerance of the simplification
OMIT = {"010"}  # Antarctica
# Natural Earth shapes without an ISO 3166-1 numeric code: name in the source -> (key, name, part of).
NO_ISO_CODE = {
    "Kosovo": ("XK", "Kosovo", None),
    "N. Cyprus": ("n-cyprus", "Northern Cyprus", "CY"),
    "Somaliland": ("somaliland", "Somaliland", "SO"),
}

Point = tuple[float, float]  # (longitude, latitude) in degrees, or (x, y) in pixels
Ring = list[Point]


# --- fetching -------------------------------------------------------------------------------------------------


def fetch_tarball() -> bytes:
    """The package tarball from the npm registry: ``npm pack`` when npm is there, plain HTTPS otherwise."""
    npm = shutil.which("npm")
    if npm:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"],
                cwd=tmp,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            return (Path(tmp) / f"{PACKAGE}-{VERSION}.tgz").read_bytes()
    with urllib.request.urlopen(TARBALL_URL, timeout=60) as response:
        return bytes(response.read())


def read_topology(tarball: bytes) -> dict:
    digest = hashlib.sha512(tarball).hexdigest()
    if digest != TARBALL_SHA512:
        raise SystemExit(f"{PACKAGE}-{VERSION}.tgz has SHA-512 {digest}, expected {TARBALL_SHA512}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} is missing from the tarball")
        return json.load(member)


# --- TopoJSON ---------------------------------------------------------------------------------------------------


def decode_arcs(topology: dict) -> list[Ring]:
    """Absolute (longitude, latitude) points of every arc: undo the delta encoding, then the quantization."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def assemble_ring(arcs: Sequence[Ring], indices: Iterable[int]) -> Ring:
    """Join arcs into a ring; ``~i`` is arc ``i`` backwards. Each arc starts where the previous one ended."""
    ring: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


# --- Equal Earth ------------------------------------------------------------------------------------------------

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> Point:
    """Equal Earth on the unit sphere; y grows northwards."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


# --- simplification ---------------------------------------------------------------------------------------------


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[int]:
    """Indices of the points to keep (always the first and the last)."""
    if len(points) < 3:
        return list(range(len(points)))
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, distance = -1, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            # A closed arc (first point = last point) measures from its end point.
            d = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = i, d
        if farthest >= 0:
            keep.add(farthest)
            stack += [(first, farthest), (farthest, last)]
    return sorted(keep)


def simplify_arc(arc: Ring, project: Callable[[float, float], Point], tolerance: float) -> Ring:
    """Simplify in pixels, keeping both ends of every step that crosses the antimeridian."""
    breaks = [0] + [i for i in range(1, len(arc)) if abs(arc[i][0] - arc[i - 1][0]) > 180] + [len(arc)]
    kept: Ring = []
    for start, end in itertools.pairwise(breaks):
        chunk = arc[start:end]
        if not chunk:
            continue
        pixels = [project(*p) for p in chunk]
        kept.extend(chunk[i] for i in douglas_peucker(pixels, tolerance))
    return kept


# --- antimeridian -----------------------------------------------------------------------------------------------


def split_at_antimeridian(ring: Ring) -> list[Ring]:
    """A ring that crosses longitude ±180 as one ring on each side (clipped on the unwrapped longitudes)."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in itertools.pairwise(ring)):
        return [ring]
    unwrapped: Ring = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        unwrapped.append((lon, lat))
    # The part beyond the edge it runs over moves to the other side of the map.
    edge = 180.0 if max(p[0] for p in unwrapped) > 180 else -180.0
    inner = clip(unwrapped, edge, keep_below=edge > 0)
    outer = clip(unwrapped, edge, keep_below=edge < 0)
    parts = [inner, [(lon - 2 * edge, lat) for lon, lat in outer]]
    return [part for part in parts if len(part) >= 4]


def clip(ring: Ring, edge: float, *, keep_below: bool) -> Ring:
    """Sutherland-Hodgman against the meridian ``edge``: the part west (``keep_below``) or east of it."""

    def inside(p: Point) -> bool:
        return p[0] <= edge if keep_below else p[0] >= edge

    closed = ring if ring[0] == ring[-1] else [*ring, ring[0]]
    out: Ring = []
    for a, b in itertools.pairwise(closed):
        if inside(b):
            if not inside(a):
                out.append(crossing(a, b, edge))
            out.append(b)
        elif inside(a):
            out.append(crossing(a, b, edge))
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def crossing(a: Point, b: Point, edge: float) -> Point:
    t = (edge - a[0]) / (b[0] - a[0])
    return edge, a[1] + t * (b[1] - a[1])


# --- SVG path data ----------------------------------------------------------------------------------------------


def tenths(value: int) -> str:
    """An integer number of tenths as the shortest SVG number: 12 -> "1.2", -5 -> "-.5", 30 -> "3"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def join_numbers(numbers: Iterable[str]) -> str:
    out = last = ""
    for number in numbers:
        # A minus sign separates numbers on its own; so does a second decimal point ("1.2.5" is 1.2 then .5).
        if out and not number.startswith("-") and not (number.startswith(".") and "." in last):
            out += " "
        out += number
        last = number
    return out


def path_data(rings: Iterable[list[tuple[int, int]]]) -> str:
    """Rings on the 0.1 px grid (integers) as path data: M x y, relative line-tos, z."""
    parts = []
    for ring in rings:
        (x0, y0), steps = ring[0], []
        previous = ring[0]
        for point in ring[1:]:
            steps += [point[0] - previous[0], point[1] - previous[1]]
            previous = point
        parts.append(
            "M" + join_numbers([tenths(x0), tenths(y0)]) + "l" + join_numbers(map(tenths, steps)) + "z"
        )
    return "".join(parts)


def on_grid(ring: Ring, scale: float, x_min: float, y_max: float) -> list[tuple[int, int]]:
    """Pixels on the 0.1 px grid, without repeated points or the closing point (``z`` closes the ring)."""
    out: list[tuple[int, int]] = []
    for x, y in ring:
        point = (round((PADDING + (x - x_min) * scale) * 10), round((PADDING + (y_max - y) * scale) * 10))
        if not out or point != out[-1]:
            out.append(point)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def area(ring: Sequence[tuple[int, int]]) -> float:
    return (
        abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True))) / 2
    )


# --- the build --------------------------------------------------------------------------------------------------


def country_key(geometry: dict) -> tuple[str, str, str | None, str | None]:
    """(key, name, numeric code, part_of) of one Natural Earth feature."""
    numeric = geometry.get("id")
    source_name = geometry["properties"]["name"]
    if numeric is None or numeric == "-99":
        if source_name not in NO_ISO_CODE:
            raise SystemExit(f"{source_name!r} has no ISO 3166-1 code and no key in NO_ISO_CODE")
        key, name, part_of = NO_ISO_CODE[source_name]
        return key, name, None, part_of
    country = pycountry.countries.get(numeric=numeric)
    if country is None:
        raise SystemExit(f"ISO 3166-1 numeric {numeric} ({source_name}) is unknown to pycountry")
    return country.alpha_2, country.name, numeric, None


def build(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    geometries = [g for g in topology["objects"]["countries"]["geometries"] if g.get("id") not in OMIT]
    geometries = move_crimea(geometries, arcs)

    # Scale the unit-sphere projection so that the simplification tolerance is in final pixels. The extent of
    # the countries drawn (not of the whole sphere) fills the width.
    used = {
        ~i if i < 0 else i for g in geometries for polygon in polygons(g) for ring in polygon for i in ring
    }
    projected = [equal_earth(*p) for i in used for p in arcs[i]]
    x_min, x_max = min(x for x, _ in projected), max(x for x, _ in projected)
    y_min, y_max = min(y for _, y in projected), max(y for _, y in projected)
    scale = (WIDTH - 2 * PADDING) / (x_max - x_min)
    height = math.ceil((y_max - y_min) * scale + 2 * PADDING)

    def project_px(lon: float, lat: float) -> Point:
        x, y = equal_earth(lon, lat)
        return x * scale, y * scale

    simplified = [simplify_arc(arc, project_px, TOLERANCE) for arc in arcs]

    countries: dict[str, dict] = {}
    for geometry in geometries:
        key, name, numeric, part_of = country_key(geometry)
        rings = []
        for polygon in polygons(geometry):
            for indices in polygon:
                for source in (simplified, arcs):
                    parts = [
                        on_grid([equal_earth(*p) for p in part], scale, x_min, y_max)
                        for part in split_at_antimeridian(assemble_ring(source, indices))
                    ]
                    parts = [ring for ring in parts if len(ring) >= 3 and area(ring) > 0]
                    if parts:
                        break
                    # Simplification or the grid flattened a small island: try again with the full arcs.
                rings += parts
        if not rings:
            raise SystemExit(f"{key} ({name}) has no ring left")
        if key in countries:
            raise SystemExit(f"two features have the key {key}")
        entry: dict[str, str | None] = {"name": name, "numeric": numeric}
        if part_of:
            entry["part_of"] = part_of
        entry["d"] = path_data(rings)
        countries[key] = entry

    return {
        "source": (
            f"npm package {PACKAGE} {VERSION} (countries-110m.json, https://github.com/topojson/world-atlas), "
            "from Natural Earth 1:110m Admin 0 countries 4.1.0 (https://www.naturalearthdata.com/); "
            "Equal Earth projection; built by tools/build_world_map.py"
        ),
        "licence": (
            "world-atlas: ISC licence, Copyright 2013-2019 Michael Bostock; Natural Earth: public domain"
        ),
        "viewBox": f"0 0 {WIDTH} {height}",
        "omitted": {"AQ": "Antarctica"},
        "no_iso_code": sorted(key for key, _, _ in NO_ISO_CODE.values()),
        "countries": dict(sorted(countries.items())),
    }


def move_crimea(geometries: list[dict], arcs: Sequence[Ring]) -> list[dict]:
    """Move the Crimea polygon from Russia (643) to Ukraine (804), merged into Ukraine's outline along the arc
    they share. Fails loudly if the source no longer has the shape this expects."""
    by_id = {g.get("id"): g for g in geometries}
    russia, ukraine = by_id["643"], by_id["804"]

    def inside_crimea_box(ring: list[int]) -> bool:
        points = [p for i in ring for p in arcs[~i if i < 0 else i]]
        return all(32 <= lon <= 37 and 44 <= lat <= 47 for lon, lat in points)

    crimea = [polygon for polygon in polygons(russia) if inside_crimea_box(polygon[0])]
    if len(crimea) != 1 or len(crimea[0]) != 1 or ukraine["type"] != "Polygon":
        raise SystemExit("Crimea is not one single-ring polygon of Russia next to a Polygon Ukraine any more")
    ring, outline = crimea[0][0], ukraine["arcs"][0]
    shared = [i for i in ring if ~i in outline]
    if len(shared) != 1:
        raise SystemExit(f"Crimea and Ukraine share {len(shared)} arcs, expected 1")
    # Walk Ukraine's outline, and where it runs along the shared arc, go round Crimea instead.
    start = ring.index(shared[0])
    around = ring[start + 1 :] + ring[:start]
    at = outline.index(~shared[0])
    merged = outline[:at] + around + outline[at + 1 :]
    remaining = [polygon for polygon in polygons(russia) if polygon is not crimea[0]]
    out = []
    for geometry in geometries:
        if geometry is russia:
            geometry = {**russia, "arcs": remaining}
        elif geometry is ukraine:
            geometry = {**ukraine, "arcs": [merged, *ukraine["arcs"][1:]]}
        out.append(geometry)
    return out


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    raise SystemExit(f"unexpected geometry type {geometry['type']}")


def dump(data: dict) -> str:
    """JSON with one country a line, so that a rebuild's diff shows which countries changed."""
    head = {k: v for k, v in data.items() if k != "countries"}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ',\n"countries": {']
    entries = [
        f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
        for key, value in data["countries"].items()
    ]
    lines.append(",\n".join(entries))
    lines.append("}}\n")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tarball", type=Path, help=f"a local copy of {PACKAGE}-{VERSION}.tgz")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    tarball = args.tarball.read_bytes() if args.tarball else fetch_tarball()
    data = build(read_topology(tarball))
    text = dump(data)
    json.loads(text)  # the hand-joined lines must still be one JSON document
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(data['countries'])} countries, {len(text.encode())} bytes, {data['viewBox']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
