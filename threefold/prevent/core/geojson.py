"""Reading area boundaries from a GeoJSON FeatureCollection (RFC 7946): one feature per area, a property naming
the area's code, Polygon or MultiPolygon geometry in longitude/latitude.

Coordinates are rounded to ``DECIMALS`` places (about a metre: more is noise for a map of districts and only
makes the page heavier). The file is read whole; problems name the feature (1-based) they are about, and the
caller stores nothing unless there are none.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from threefold.countries.loaders.results import BadFileError, Parsed, Problem

MAX_GEOJSON_BYTES = 5 * 1024 * 1024
MAX_FEATURES = 5_000
MAX_POINTS = 250_000  # in the whole file, after rounding
DECIMALS = 5

Ring = tuple[tuple[float, float], ...]
Polygon = tuple[Ring, ...]  # the outer ring, then holes


class FeatureProblem(Problem):
    """A problem of one feature: ``line`` holds the feature's number."""

    def __str__(self) -> str:
        return f"feature {self.line}: {self.message}"


@dataclass(frozen=True)
class Boundary:
    code: str
    polygons: tuple[Polygon, ...]

    @property
    def points(self) -> int:
        return sum(len(ring) for polygon in self.polygons for ring in polygon)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _load(data: bytes) -> Any:
    if len(data) > MAX_GEOJSON_BYTES:
        raise BadFileError(f"the file is larger than {MAX_GEOJSON_BYTES // (1024 * 1024)} MB")
    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise BadFileError(f"not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    except ValueError as exc:  # JSONDecodeError is one
        raise BadFileError(f"not valid JSON: {str(exc)[:200]}") from None
    except RecursionError:
        raise BadFileError("not valid GeoJSON: nested too deeply") from None


def _ring(raw: Any) -> Ring:
    if not isinstance(raw, list) or len(raw) < 4:
        raise ValueError("a ring needs at least four positions")
    points: list[tuple[float, float]] = []
    for position in raw:
        if not isinstance(position, list) or len(position) < 2:
            raise ValueError("a position is [longitude, latitude]")
        lon, lat = position[0], position[1]
        if (
            isinstance(lon, bool)
            or isinstance(lat, bool)
            or not all(isinstance(n, int | float) for n in (lon, lat))
        ):
            raise ValueError("a position is [longitude, latitude] as numbers")
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError("a position is outside longitude -180..180, latitude -90..90")
        point = (round(float(lon), DECIMALS), round(float(lat), DECIMALS))
        if not points or points[-1] != point:  # rounding may make neighbours equal
            points.append(point)
    if points[0] != points[-1]:
        raise ValueError("a ring must end where it starts")
    if len(points) < 4:
        raise ValueError("a ring is too small to draw once rounded")
    return tuple(points)


def _polygons(geometry: Any) -> tuple[Polygon, ...]:
    if not isinstance(geometry, dict):
        raise ValueError("the feature has no geometry")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        raw_polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        raw_polygons = coordinates
    else:
        raise ValueError("the geometry must be a Polygon or a MultiPolygon")
    polygons = []
    for raw in raw_polygons:
        if not isinstance(raw, list) or not raw:
            raise ValueError("a polygon is a list of rings")
        polygons.append(tuple(_ring(ring) for ring in raw))
    if not polygons:
        raise ValueError("the MultiPolygon is empty")
    return tuple(polygons)


def parse_boundaries(data: bytes, code_property: str, area_codes: Collection[str]) -> Parsed[Boundary]:
    document = _load(data)
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BadFileError("not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise BadFileError("the FeatureCollection has no list of features")
    if len(features) > MAX_FEATURES:
        raise BadFileError(f"more than {MAX_FEATURES} features")
    known = set(area_codes)
    rows: list[Boundary] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    points = 0
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get(code_property) if isinstance(properties, dict) else None
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str) or not code.strip():
            problems.append(FeatureProblem(number, f"no {code_property[:60]!r} property naming the area"))
            continue
        code = code.strip()
        if code not in known:
            problems.append(FeatureProblem(number, f"{code[:50]!r} is not one of your areas"))
            continue
        if code in seen:
            problems.append(FeatureProblem(number, f"{code!r} is already feature {seen[code]}"))
            continue
        try:
            boundary = Boundary(code, _polygons(feature.get("geometry")))
        except ValueError as exc:
            problems.append(FeatureProblem(number, str(exc)))
            continue
        seen[code] = number
        points += boundary.points
        if points > MAX_POINTS:
            raise BadFileError(
                f"more than {MAX_POINTS} points in all: simplify the boundaries (for example with mapshaper)"
            )
        rows.append(boundary)
    return Parsed(tuple(rows), tuple(problems), (), len(features))
