"""The SVG drawings added for the country pages (threefold.web.svgchart.levels and category_map): titled and
described for screen readers, every text escaped, no level or category invented."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from threefold.web import svgchart

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_levels_draws_a_dot_per_ranked_year_and_none_for_a_gap() -> None:
    svg = svgchart.levels(
        "Tiers " + SCRIPT,
        "One dot a year",
        ["Tier 1", "Tier 2", "Tier 3"],
        [("2010", 1, "Tier 2"), ("2011", None, "not ranked"), ("2012", 2, "Tier 3"), ("2013", 0, "Tier 1")],
        id_prefix="t",
    )
    root = parse(svg)
    assert root.get("aria-labelledby") == "t-title"
    assert root.find(f"{SVG}title").text == "Tiers " + SCRIPT  # type: ignore[union-attr]
    assert SCRIPT not in svg
    dots = list(root.iter(f"{SVG}circle"))
    assert len(dots) == 3
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "2011: not ranked" in titles
    # The line breaks at the gap: one segment, from 2012 to 2013.
    lines = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "2"]
    assert len(lines) == 1
    # Tier 1 is drawn above Tier 3.
    y = {dot.get("cy") for dot in dots}
    assert len(y) == 3


def test_levels_refuses_a_level_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="outside the levels"):
        svgchart.levels("t", "d", ["A"], [("2010", 1, "B")])


def test_levels_mirrors_for_right_to_left() -> None:
    points = [("2010", 0, "A"), ("2011", 1, "B")]
    ltr = [
        float(c.get("cx", 0))
        for c in parse(svgchart.levels("t", "d", ["A", "B"], points)).iter(f"{SVG}circle")
    ]
    rtl = [
        float(c.get("cx", 0))
        for c in parse(svgchart.levels("t", "d", ["A", "B"], points, rtl=True)).iter(f"{SVG}circle")
    ]
    assert ltr[0] < ltr[1]
    assert rtl[0] > rtl[1]


def test_category_map_colours_countries_and_names_them() -> None:
    svg = svgchart.category_map(
        "Parties " + SCRIPT,
        "Who is a party",
        ["Party", "Signed, not a party"],
        {"THA": 0, "US": 1, "XKX": 0},
        texts={"THA": "party since 2013"},
        id_prefix="m",
    )
    assert SCRIPT not in svg
    root = parse(svg)
    paths = {p.get("data-key"): p for p in root.iter(f"{SVG}path")}
    assert paths["TH"].get("fill") == svgchart.CATEGORY_COLOURS[0]
    assert paths["US"].get("fill") == svgchart.CATEGORY_COLOURS[1]
    assert paths["XK"].get("fill") == svgchart.CATEGORY_COLOURS[0]
    assert paths["FR"].get("fill") == svgchart.NO_DATA_FILL
    assert paths["TH"].find(f"{SVG}title").text == "Thailand: party since 2013"  # type: ignore[union-attr]
    assert paths["FR"].find(f"{SVG}title").text == "France: No data"  # type: ignore[union-attr]
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Party", "Signed, not a party", "No data"} <= set(legend)


def test_category_map_refuses_an_unknown_category() -> None:
    with pytest.raises(ValueError, match="not one of"):
        svgchart.category_map("t", "d", ["Party"], {"THA": 3})
