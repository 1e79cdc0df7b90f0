"""Projection, tile grid, tallies by area and month, reach counts and file sniffing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threefold.prevent.core import coverage, files, layout, reach


def test_tiles_keep_given_places_and_fill_the_rest_alphabetically() -> None:
    names = {"C": "Charlie", "A": "Alpha", "B": "Bravo", "D": "Delta"}
    assert layout.tile_positions(names, {"D": (0, 0)}) == {"D": (0, 0), "A": (0, 1), "B": (1, 0), "C": (1, 1)}


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.text(max_size=4), max_size=40))
def test_tiles_never_overlap(names: dict[str, str]) -> None:
    positions = layout.tile_positions(names, {})
    assert set(positions) == set(names)
    assert len(set(positions.values())) == len(positions)


def test_projection_fits_the_width_and_keeps_north_up() -> None:
    square = (((2.0, 48.0), (3.0, 48.0), (3.0, 49.0), (2.0, 49.0), (2.0, 48.0)),)
    north = (((2.0, 49.0), (3.0, 49.0), (3.0, 50.0), (2.0, 50.0), (2.0, 49.0)),)
    drawn = layout.project({"S": [square], "N": [north]}, 400)
    centres = {p.code: p.centre for p in drawn.places}
    assert centres["N"][1] < centres["S"][1]
    assert all(0 <= x <= 400 for p in drawn.places for x in (p.centre[0],))


def test_tally_by_area_and_month() -> None:
    events = [("A", dt.date(2025, 1, 3), 10), ("A", dt.date(2025, 1, 30), 5), ("B", dt.date(2025, 2, 1), 1)]
    counts = coverage.tally([*events, ("Z", dt.date(2025, 1, 1), 9)], {"A", "B"}, ("2025-01", "2025-02"))
    assert counts == {("A", "2025-01"): 15, ("B", "2025-02"): 1}
    assert coverage.by_month(counts) == {"2025-01": 15, "2025-02": 1}
    assert coverage.last_months(dt.date(2025, 2, 10), 3) == ("2024-12", "2025-01", "2025-02")


def test_cost_per_person_never_mixes_currencies() -> None:
    lines = coverage.cost_per_person(
        [(Decimal("100"), "EUR", 50), (Decimal("30"), "USD", 0), (None, "", 900)]
    )
    by = {line.currency: line for line in lines}
    assert by["EUR"].per_person == Decimal("2.00")
    assert by["USD"].per_person is None


def test_reach_is_counts_over_fixed_bands() -> None:
    counted = reach.normalise({"15_17": {"female": 3}})
    assert reach.total(counted) == 3
    assert counted["25_plus"]["male"] == 0
    with pytest.raises(ValueError, match="whole number"):
        reach.normalise({"15_17": {"female": -1}})
    with pytest.raises(ValueError, match="unknown age band"):
        reach.normalise({"adults": {"female": 1}})


def test_files_are_known_by_their_bytes() -> None:
    assert files.sniff(b"%PDF-1.7") == ("application/pdf", "pdf")
    assert files.sniff(b"\x89PNG\r\n\x1a\n....") == ("image/png", "png")
    assert files.sniff(b"<html>%PDF-") is None
    assert files.safe_download_name('a/b"c', "fr", "pdf") == "a-b-c-fr.pdf"
