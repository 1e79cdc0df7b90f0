"""Where each area goes on the map: its boundaries projected into the picture, or a square of a tile grid.

Projection: equirectangular, with longitudes shrunk by the cosine of the middle latitude, which keeps the
shapes of a country's districts right to a few per cent without a projection library; fitted to ``width``.
Tile grid: for areas without boundaries, one square each, where the import placed it (``row``/``col``) or else
in alphabetical order of name, filling the free squares row by row.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from threefold.prevent.core.geojson import Polygon

MARGIN = 4.0
MAX_TILE = 140.0
MIN_TILE_PICTURE = 340


@dataclass(frozen=True)
class Placed:
    """An area in the picture: path data, and a point inside it for its overlay mark."""

    code: str
    d: str
    centre: tuple[float, float]


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    places: tuple[Placed, ...]
    tiles: bool  # True when drawn as a tile grid


def project(boundaries: Mapping[str, Sequence[Polygon]], width: int) -> Layout:
    points = [p for polygons in boundaries.values() for polygon in polygons for ring in polygon for p in ring]
    if not points:
        return Layout(width, 0, (), False)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    shrink = max(0.05, math.cos(math.radians((min(lats) + max(lats)) / 2)))
    span_x = max((max(lons) - min(lons)) * shrink, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    scale = (width - 2 * MARGIN) / span_x
    height = max(40, min(int(span_y * scale + 2 * MARGIN), width * 3))
    scale = min(scale, (height - 2 * MARGIN) / span_y)
    west, north = min(lons), max(lats)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return MARGIN + (lon - west) * shrink * scale, MARGIN + (north - lat) * scale

    places = []
    for code in sorted(boundaries):
        parts = []
        largest: tuple[float, tuple[float, float]] = (-1.0, (0.0, 0.0))
        for polygon in boundaries[code]:
            for index, ring in enumerate(polygon):
                projected = [xy(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected[:-1]) + "Z")
                if index == 0:
                    area, centre = _area_and_centroid(projected)
                    if area > largest[0]:
                        largest = (area, centre)
        places.append(Placed(code, "".join(parts), largest[1]))
    return Layout(width, height, tuple(places), False)


def _area_and_centroid(points: Sequence[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    """The polygon's area and centroid (shoelace); the mean of its points when it is degenerate."""
    twice, cx, cy = 0.0, 0.0, 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        cross = x0 * y1 - x1 * y0
        twice += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(twice) < 1e-9:
        n = len(points)
        return 0.0, (sum(p[0] for p in points) / n, sum(p[1] for p in points) / n)
    return abs(twice) / 2, (cx / (3 * twice), cy / (3 * twice))


def tile_positions(
    names: Mapping[str, str], given: Mapping[str, tuple[int, int]]
) -> dict[str, tuple[int, int]]:
    """(row, col) of every area of ``names`` (code -> name): the given ones where given, the others in
    alphabetical order of name in the free squares, row by row, in a grid about as wide as it is high."""
    columns = max(1, math.ceil(math.sqrt(len(names))), *(col + 1 for _row, col in given.values()))
    placed = {code: given[code] for code in names if code in given}
    taken = set(placed.values())
    cell = 0
    for code in sorted((c for c in names if c not in placed), key=lambda c: (names[c].casefold(), c)):
        while divmod(cell, columns) in taken:
            cell += 1
        placed[code] = divmod(cell, columns)
        cell += 1
    return placed


def tile_grid(names: Mapping[str, str], given: Mapping[str, tuple[int, int]], width: int) -> Layout:
    """The tiles, centred in a picture ``width`` wide (so the legend under them has room), squares at most
    ``MAX_TILE`` wide."""
    positions = tile_positions(names, given)
    if not positions:
        return Layout(width, 0, (), True)
    rows = max(r for r, _c in positions.values()) + 1
    columns = max(c for _r, c in positions.values()) + 1
    # No wider than the tiles need (a page stretches the picture to its box: a wide one would shrink the text),
    # but wide enough for a legend entry on one line.
    width = min(width, max(MIN_TILE_PICTURE, int(columns * MAX_TILE + 2 * MARGIN)))
    size = min(MAX_TILE, (width - 2 * MARGIN) / columns)
    left = (width - columns * size) / 2
    gap = size * 0.06
    places = []
    for code, (r, c) in sorted(positions.items()):
        x, y = left + c * size, MARGIN + r * size
        side = size - gap
        d = f"M{x:.1f},{y:.1f}h{side:.1f}v{side:.1f}h{-side:.1f}Z"
        places.append(Placed(code, d, (x + side / 2, y + side / 2)))
    return Layout(width, int(rows * size + 2 * MARGIN), tuple(places), True)
