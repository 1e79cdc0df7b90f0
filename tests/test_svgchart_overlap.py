"""The overlap diagram of record linkage (threefold.web.svgchart.overlap_diagram): an Euler diagram of two lists
whose areas follow the counts, a Venn diagram of three, every count written, every text escaped, mirrored for
right-to-left languages, with an accessible name and description."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from threefold.web import svgchart

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def circles(root: ET.Element) -> list[tuple[float, float, float]]:
    return [
        (float(c.get("cx", 0)), float(c.get("cy", 0)), float(c.get("r", 0)))
        for c in root.iter(f"{SVG}circle")
    ]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def two(only_a: int, both: int, only_b: int, **kwargs: object) -> str:
    return svgchart.overlap_diagram(
        "Who is where",
        "Police and NGO.",
        ["Police", "NGO"],
        {(1, 0): only_a, (1, 1): both, (0, 1): only_b},
        **kwargs,  # type: ignore[arg-type]
    )


def test_lens_area_is_zero_apart_the_smaller_circle_inside_and_falls_in_between() -> None:
    assert svgchart.lens_area(10, 5, 15) == 0
    assert svgchart.lens_area(10, 5, 5) == pytest.approx(math.pi * 25)
    areas = [svgchart.lens_area(10, 8, d) for d in (3, 6, 9, 12, 15, 17)]
    assert areas == sorted(areas, reverse=True)
    # Two unit circles one radius apart share 2π/3 - √3/2.
    assert svgchart.lens_area(1, 1, 1) == pytest.approx(2 * math.pi / 3 - math.sqrt(3) / 2)


def test_two_lists_are_drawn_to_scale_with_every_count() -> None:
    root = parse(two(300, 100, 100))
    (ax, ay, ar), (bx, by, br) = circles(root)
    assert ay == by
    assert ar**2 / br**2 == pytest.approx(400 / 200, rel=1e-3)  # areas in proportion to the lists
    shared = svgchart.lens_area(ar, br, abs(bx - ax))
    assert shared / (math.pi * br**2) == pytest.approx(100 / 200, rel=1e-3)  # half of NGO is on Police too
    assert {"300", "100"} <= set(texts(root))
    assert texts(root).count("100") == 2
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Who is where"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Police and NGO."  # type: ignore[union-attr]


def test_lists_that_never_meet_are_drawn_apart_and_a_subset_inside() -> None:
    (ax, _, ar), (bx, _, br) = circles(parse(two(40, 0, 30)))
    assert bx - ax > ar + br
    (ax, _, ar), (bx, _, br) = circles(parse(two(60, 20, 0)))
    assert bx - ax + br <= ar + 1e-6  # NGO's 20 are all on Police


def test_a_small_list_keeps_a_circle_big_enough_for_its_number() -> None:
    (_, _, ar), (_, _, br) = circles(parse(two(100_000, 1, 2)))
    assert br == svgchart.OVERLAP_MIN_RADIUS
    assert ar > br


def test_a_region_too_small_for_its_number_has_it_written_under_the_diagram() -> None:
    root = parse(two(5000, 12, 5000))
    (_, cy, ar), _ = circles(root)
    numbers = {t.text: float(t.get("y", 0)) for t in root.iter(f"{SVG}text")}
    assert numbers["12"] > cy + ar  # below the circles
    assert any(line.get("x1") == line.get("x2") for line in root.iter(f"{SVG}line"))  # its pointer
    assert numbers["5,000"] < cy + ar


def test_three_lists_show_seven_regions_and_the_names() -> None:
    histories: dict[tuple[int, ...], int] = {
        (1, 0, 0): 11,
        (0, 1, 0): 12,
        (0, 0, 1): 13,
        (1, 1, 0): 14,
        (1, 0, 1): 15,
        (0, 1, 1): 16,
        (1, 1, 1): 17,
    }
    root = parse(
        svgchart.overlap_diagram("T", "D", ["Police", "NGO", "Health"], histories, key_texts=["a", "b", "c"])
    )
    assert len(circles(root)) == 3
    assert {str(n) for n in range(11, 18)} <= set(texts(root))
    assert {"Police", "NGO", "Health", "a", "b", "c"} <= set(texts(root))
    missing = parse(svgchart.overlap_diagram("T", "D", ["A", "B", "C"], {(1, 1, 1): 3}))
    assert texts(missing).count("0") == 6  # a combination nobody is on says 0


def test_every_text_is_escaped_and_region_labels_become_tooltips() -> None:
    svg = svgchart.overlap_diagram(
        SCRIPT,
        SCRIPT,
        [SCRIPT, "B & C"],
        {(1, 1): 4},
        region_labels={(1, 1): f"On both {SCRIPT}: 4"},
        key_texts=[SCRIPT, '"quoted"'],
    )
    assert "<script>" not in svg
    root = parse(svg)
    assert f"On both {SCRIPT}: 4" in [t.text for t in root.iter(f"{SVG}title")]


def test_right_to_left_mirrors_the_diagram() -> None:
    left = circles(parse(two(30, 10, 20)))
    right = circles(parse(two(30, 10, 20, rtl=True)))
    assert [360 - x for x, _, _ in left] == pytest.approx([x for x, _, _ in right])
    assert parse(two(30, 10, 20, rtl=True)).get("direction") == "rtl"


@pytest.mark.parametrize("lists", [["A"], ["A", "B", "C", "D"]])
def test_only_two_or_three_lists(lists: list[str]) -> None:
    with pytest.raises(ValueError, match="2 or 3 lists"):
        svgchart.overlap_diagram("T", "D", lists, {})


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        two(-1, 0, 0)
    with pytest.raises(ValueError, match="id prefix"):
        two(1, 1, 1, id_prefix="1 bad")
    with pytest.raises(ValueError, match="one key text"):
        two(1, 1, 1, key_texts=["only one"])
