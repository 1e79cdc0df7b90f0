"""The world choropleth map (threefold.web.worldmap) and its generated outlines (tools/build_world_map.py)."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from threefold.web import worldmap
from threefold.web.worldmap import Labels, Status, choropleth, class_breaks, to_svg, world

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
RING = re.compile(r"M([-\d. ]+)l([-\d. ]+)z")
HOSTILE = '<script>alert("x")</script> & \' "'

VALUES = {"TH": 120, "MMR": 45, "KH": 30, "VN": 60, "NG": 80, "FR": 25, "US": 15, "BR": 7, "IN": 150, "AU": 3}


def rings(d: str) -> list[list[tuple[float, float]]]:
    """The absolute points of each ring of path data written as "M x y l dx dy ... z" (the build's form)."""
    assert re.fullmatch(rf"(?:{RING.pattern})+", d), "unexpected path syntax"
    out = []
    for match in RING.finditer(d):
        start = [float(n) for n in NUMBER.findall(match.group(1))]
        steps = [float(n) for n in NUMBER.findall(match.group(2))]
        assert len(start) == 2
        assert len(steps) % 2 == 0
        assert len(steps) >= 4, "a ring needs at least three points"
        x, y = start
        points = [(x, y)]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        out.append(points)
    return out


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


# --- the data file ----------------------------------------------------------------------------------------------


def test_data_file_is_small_and_credits_its_source() -> None:
    assert worldmap.DATA_FILE.stat().st_size < 150_000
    data = world()
    assert "world-atlas" in data["source"]
    assert "Natural Earth" in data["source"]
    assert "ISC" in data["licence"]
    assert "public domain" in data["licence"]


def test_data_file_has_valid_path_data_for_at_least_170_countries() -> None:
    data = world()
    _, _, width, height = (float(n) for n in data["viewBox"].split())
    assert len(data["countries"]) >= 170
    for key, country in data["countries"].items():
        assert country["name"], key
        shape = rings(country["d"])
        assert shape, key
        for ring in shape:
            for x, y in ring:
                assert -0.05 <= x <= width + 0.05, key
                assert -0.05 <= y <= height + 0.05, key
            # No streak across the map (the antimeridian): every border step is short.
            longest = max(math.dist(a, b) for a, b in itertools.pairwise([*ring, ring[0]]))
            assert longest < 120, (key, longest)


def test_known_countries_and_places_without_iso_codes() -> None:
    countries = world()["countries"]
    for key in ("FR", "US", "TH", "NG", "BR", "RU", "FJ", "UA", "MM"):
        assert key in countries
    assert countries["FR"]["numeric"] == "250"
    assert countries["XK"]["name"] == "Kosovo"
    assert countries["somaliland"]["part_of"] == "SO"
    assert countries["n-cyprus"]["part_of"] == "CY"
    assert "AQ" not in countries


def test_russia_and_fiji_are_split_at_the_antimeridian() -> None:
    _, _, width, _ = (float(n) for n in world()["viewBox"].split())
    for key in ("RU", "FJ"):
        xs = [[x for x, _ in ring] for ring in rings(world()["countries"][key]["d"])]
        assert any(max(ring) < width / 4 for ring in xs), key  # a part at the far west...
        assert any(min(ring) > width * 3 / 4 for ring in xs), key  # ...and one at the far east
        assert all(max(ring) - min(ring) < width / 2 for ring in xs), key


# --- classes and colours ----------------------------------------------------------------------------------------


def test_class_breaks_are_increasing_and_every_class_holds_a_value() -> None:
    values = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987]
    breaks = class_breaks(values, 5)
    assert len(breaks) == 5
    assert breaks[0] == 1
    assert list(breaks) == sorted(set(breaks))
    for low, high in itertools.pairwise([*breaks, math.inf]):
        assert any(low <= v < high for v in values)
    assert class_breaks([], 5) == ()
    assert class_breaks([7, 7, 7], 5) == (7,)


def test_classes_are_monotone_in_the_value() -> None:
    m = choropleth(VALUES, title="Victims")
    shown = sorted(
        (s.value, s.level) for s in m.countries if s.status is Status.VALUE and s.value is not None
    )
    assert len(shown) == len(VALUES)
    levels = [level for _, level in shown]
    assert levels == sorted(levels)
    assert levels[0] == 0
    assert levels[-1] == len(m.breaks) - 1
    ranges = [(e.low, e.high) for e in m.legend if e.status is Status.VALUE]
    assert ranges[0][0] == 3
    assert ranges[-1][1] == 150
    for (_, high), (low, _) in itertools.pairwise(ranges):
        assert high is not None
        assert low == high + 1
    # The legend's colours run light to dark.
    colours = [e.fill for e in m.legend if e.status is Status.VALUE]
    assert [luminance(c) for c in colours] == sorted((luminance(c) for c in colours), reverse=True)
    assert {s.fill for s in m.countries if s.status is Status.VALUE} <= set(colours)


@pytest.mark.parametrize("size", sorted(worldmap.RAMPS))
def test_palettes_run_light_to_dark_and_stand_apart_from_no_data(size: int) -> None:
    ramp = worldmap.RAMPS[size]
    assert len(ramp) == size
    lum = [luminance(c) for c in ramp]
    assert lum == sorted(lum, reverse=True)
    assert len(set(lum)) == size
    assert contrast(ramp[0], worldmap.NO_DATA) > 1.2


def test_outlines_and_legend_borders_meet_non_text_contrast() -> None:
    for background in ("#ffffff", worldmap.NO_DATA, worldmap.HIDDEN_BACKGROUND, worldmap.RAMPS[5][0]):
        assert contrast(worldmap.OUTLINE, background) >= 3
    assert contrast(worldmap.TEXT, "#ffffff") >= 4.5


# --- suppressed counts ------------------------------------------------------------------------------------------


def test_hidden_counts_appear_nowhere() -> None:
    values = {**VALUES, "FR": 987654, "NG": 24681357, "MX": None}
    m = choropleth(values, hidden=["FRA"], fewer_than=["NG"], k=5, title="Victims")
    svg = to_svg(m)
    assert "987654" not in svg
    assert "24681357" not in svg
    by_key = {s.key: s for s in m.countries}
    for key in ("FR", "NG", "MX"):
        assert by_key[key].status is Status.HIDDEN
        assert by_key[key].value is None
        assert by_key[key].fill == f"url(#{m.hatch_id})"
    assert by_key["NG"].label == "Nigeria: fewer than 5"
    assert by_key["FR"].label == "France: hidden"
    assert by_key["MX"].label == "Mexico: hidden"
    # A suppressed count does not move the class breaks either.
    unhidden = {key: v for key, v in VALUES.items() if key not in ("FR", "NG")}
    assert m.breaks == choropleth(unhidden, title="Victims").breaks
    hidden_entry = next(e for e in m.legend if e.status is Status.HIDDEN)
    assert hidden_entry.label == "Fewer than 5 or hidden"
    assert set(hidden_entry.countries) == {"France", "Nigeria", "Mexico"}
    assert "France" in m.description
    assert "987654" not in m.description


def test_fewer_than_needs_k() -> None:
    with pytest.raises(ValueError, match="needs k"):
        choropleth({}, fewer_than=["FR"], title="x")


def test_a_place_without_an_iso_code_takes_the_count_of_its_country() -> None:
    m = choropleth({"SO": 11, "CY": 4}, hidden=["CY"], title="x")
    by_key = {s.key: s for s in m.countries}
    assert by_key["somaliland"].value == 11
    assert by_key["somaliland"].fill == by_key["SO"].fill
    assert by_key["somaliland"].label == "Somaliland (counted with Somalia): 11"
    assert by_key["n-cyprus"].status is Status.HIDDEN
    assert "4" not in by_key["n-cyprus"].label
    own = choropleth({"SO": 11, "somaliland": 2, "XK": 3}, title="x")
    assert {s.key: s.value for s in own.countries}["somaliland"] == 2
    assert {s.key: s.value for s in own.countries}["XK"] == 3


# --- codes ------------------------------------------------------------------------------------------------------


def test_alpha_3_numeric_and_lower_case_codes_work() -> None:
    m = choropleth({"FRA": 10, "tha": 20, "566": 30, "us": 40}, title="x")
    values = {s.key: s.value for s in m.countries}
    assert (values["FR"], values["TH"], values["NG"], values["US"]) == (10, 20, 30, 40)
    assert m.unknown_codes == ()


def test_unknown_codes_are_ignored_and_reported() -> None:
    m = choropleth({"FR": 3, "ZZ": 5, "Atlantis": 7, "XYZ": 9}, hidden=["QQ"], title="x")
    assert m.unknown_codes == ("ZZ", "Atlantis", "XYZ", "QQ")
    assert [s.key for s in m.countries if s.status is not Status.NO_DATA] == ["FR"]


def test_the_same_country_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="same country"):
        choropleth({"FR": 3, "FRA": 4}, title="x")
    with pytest.raises(ValueError, match="not a count"):
        choropleth({"FR": -1}, title="x")


def test_countries_too_small_to_draw_are_named() -> None:
    m = choropleth({"SG": 6, "MT": None, "FR": 2}, title="x")
    assert m.not_drawn == (("MT", "Malta: hidden"), ("SG", "Singapore: 6"))
    svg = to_svg(m)
    assert "Too small to draw: Malta: hidden; Singapore: 6" in svg


# --- the SVG document -------------------------------------------------------------------------------------------


def test_svg_parses_and_is_labelled() -> None:
    m = choropleth(VALUES, hidden=["DE"], title="Victims by country of citizenship", id_prefix="citizenship")
    root = parse(to_svg(m))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert (
        set((root.get("aria-labelledby") or "").split()) == {"citizenship-title", "citizenship-desc"} <= ids
    )
    assert root.findtext(f"{SVG}title") == "Victims by country of citizenship"
    assert root.findtext(f"{SVG}desc") == m.description
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == len(m.countries) >= 170
    labels = {path.get("data-key"): path.findtext(f"{SVG}title") for path in paths}
    assert labels["TH"] == "Thailand: 120"
    assert labels["DE"] == "Germany: hidden"
    assert labels["CA"] == "Canada: no data"
    assert "citizenship-hatch" in ids
    # No inline styles or scripts: presentation attributes only, for the Content-Security-Policy.
    assert not [e for e in root.iter() if e.get("style") is not None or e.tag == f"{SVG}script"]
    assert not [e for e in root.iter() if any(name.startswith("on") for name in e.attrib)]


def test_hostile_names_and_titles_are_escaped() -> None:
    m = choropleth(
        {"FR": 5, "TH": 9},
        hidden=["NG"],
        title=HOSTILE,
        description=HOSTILE,
        names={"FR": HOSTILE, "NG": HOSTILE},
        labels=Labels(legend_hidden=HOSTILE),
    )
    svg = to_svg(m)
    assert "<script" not in svg
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == HOSTILE
    assert root.findtext(f"{SVG}desc") == HOSTILE
    labels = {path.get("data-key"): path.findtext(f"{SVG}title") for path in root.iter(f"{SVG}path")}
    assert labels["FR"] == f"{HOSTILE}: 5"
    assert labels["NG"] == f"{HOSTILE}: hidden"
    assert HOSTILE in [t.text for t in root.iter(f"{SVG}text")]


def test_bad_id_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        choropleth({}, title="x", id_prefix='a" onload="x')


def test_names_and_labels_can_be_translated() -> None:
    m = choropleth(
        {"FR": 1200},
        title="Victimes",
        names=lambda key: {"FR": "la France"}.get(key, key),
        labels=Labels(value="{name} : {value}", no_data="{name} : pas de données", number="{:,}".format),
    )
    labels = {s.key: s.label for s in m.countries}
    assert labels["FR"] == "la France : 1,200"
    assert labels["DE"] == "DE : pas de données"


def test_without_a_fixed_size_the_map_fills_its_box() -> None:
    root = parse(to_svg(choropleth({}, title="x"), heading=False, fixed_size=False))
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert "x" not in [t.text for t in root.iter(f"{SVG}text")]  # no visible heading
    assert [e.label for e in choropleth({}, title="x").legend] == ["No data"]
