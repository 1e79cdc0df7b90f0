"""Who an education session reached, counted by age band and gender: never a name. A reach is a mapping
``{age band: {gender: count}}`` over the fixed bands and genders of ``vocabulary``."""

from __future__ import annotations

from collections.abc import Mapping

from threefold.prevent.core.vocabulary import AGE_BANDS, GENDERS

Reach = dict[str, dict[str, int]]
MAX_COUNT = 100_000  # people in one session: more is a typing mistake


def normalise(counts: Mapping[str, Mapping[str, int]]) -> Reach:
    """Every band and gender present (0 when not given); ValueError for unknown keys or counts that are not
    whole numbers from 0 to MAX_COUNT."""
    unknown = set(counts) - set(AGE_BANDS)
    if unknown:
        raise ValueError(f"unknown age band: {sorted(unknown)[0]!r}")
    reach: Reach = {}
    for band in AGE_BANDS:
        given = counts.get(band, {})
        if set(given) - set(GENDERS):
            raise ValueError(f"unknown gender in {band!r}")
        reach[band] = {}
        for gender in GENDERS:
            count = given.get(gender, 0)
            if type(count) is not int or not 0 <= count <= MAX_COUNT:
                raise ValueError(f"{band}/{gender}: a count is a whole number from 0 to {MAX_COUNT}")
            reach[band][gender] = count
    return reach


def total(reach: Mapping[str, Mapping[str, int]]) -> int:
    return sum(sum(by_gender.values()) for by_gender in reach.values())


def by_band(reach: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    return {band: sum(reach.get(band, {}).values()) for band in AGE_BANDS}


def add(reaches: list[Mapping[str, Mapping[str, int]]]) -> Reach:
    return {
        band: {gender: sum(r.get(band, {}).get(gender, 0) for r in reaches) for gender in GENDERS}
        for band in AGE_BANDS
    }
