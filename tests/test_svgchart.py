"""Bar and column charts drawn as SVG (threefold.web.svgchart): every text escaped, a hidden count drawn as a
hatched stub and never as a length, the scale set by the shown values only, mirrored for right-to-left
languages, and an accessible name and description the root points at."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from threefold.web import svgchart
from threefold.web.svgchart import Chart, Series

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"
QUOTES = "\"&'"
PLOT = svgchart.WIDTH - svgchart.LABEL_WIDTH - svgchart.VALUE_ROOM  # the longest bar at the default width


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def marks(root: ET.Element) -> list[tuple[str, dict[str, str], str | None]]:
    """Every bar or column: (its <title>, its <rect>'s attributes, the text written beside it or None)."""
    out = []
    for group in root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        rect = group.find(f"{SVG}rect")
        if title is None or rect is None:
            continue
        text = group.find(f"{SVG}text")
        out.append((title.text or "", dict(rect.attrib), None if text is None else text.text))
    return out


def widths(svg: str) -> list[float]:
    return [float(rect["width"]) for _title, rect, _text in marks(parse(svg))]


def one(values: list[float | None], texts: list[str] | None = None, **kwargs: object) -> Chart:
    categories = [f"Category {i}" for i in range(len(values))]
    texts = texts or [("hidden" if v is None else f"{v:g}") for v in values]
    return svgchart.single("Records", "Records by category.", categories, values, texts, **kwargs)  # type: ignore[arg-type]


def hostile_chart() -> Chart:
    return Chart(
        f"Title {SCRIPT} {QUOTES}",
        f"Description {SCRIPT} {QUOTES}",
        (SCRIPT, QUOTES, "Plain"),
        (
            Series(SCRIPT, (5.0, None, 2.0), (f"5 {SCRIPT}", f"fewer than 11 {QUOTES}", "2")),
            Series(QUOTES, (1.0, 3.0, None), ("1", "3", SCRIPT)),
        ),
        note=f"Note {SCRIPT} {QUOTES}",
    )


# --- escaping ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("draw", [svgchart.bars, svgchart.columns])
@pytest.mark.parametrize("rtl", [False, True])
def test_hostile_text_is_only_ever_escaped(draw, rtl: bool) -> None:  # type: ignore[no-untyped-def]
    chart = hostile_chart()
    svg = draw(chart, rtl=rtl)

    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert QUOTES not in svg  # the ampersand is always escaped
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    # What was escaped reads back as the very text given, in the accessible name and description too.
    assert root.find(f"{SVG}title").text == chart.title  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == chart.description  # type: ignore[union-attr]
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    titles = [title for title, _rect, _text in marks(root)]
    assert f"{QUOTES}, {QUOTES}: 3" in titles
    assert f"{SCRIPT}, {SCRIPT}: 5 {SCRIPT}" in titles
    assert SCRIPT in texts
    assert f"Note {SCRIPT}" in texts


def test_hostile_legend_and_values_are_escaped_in_bars() -> None:
    root = parse(svgchart.bars(hostile_chart()))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert SCRIPT in texts  # a series name in the legend, and a category
    assert QUOTES in texts
    assert f"5 {SCRIPT}" in texts
    assert f"fewer than 11 {QUOTES}" in texts


# --- hidden values, and the scale -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        [100.0, None, 50.0],
        [1.0, None, 0.5],
        [1_000_000.0, None, 3.0],
        [0.0, None, 0.0],
        [None, None, None],
    ],
)
@pytest.mark.parametrize("rtl", [False, True])
def test_a_hidden_value_is_a_stub_whatever_the_others(values: list[float | None], rtl: bool) -> None:
    texts = ["a", "fewer than 11", "c"]
    svg = svgchart.bars(one(values, texts), rtl=rtl)

    drawn = marks(parse(svg))
    _title, rect, text = drawn[1]
    assert float(rect["width"]) == svgchart.HIDDEN_STUB
    assert text == "fewer than 11"  # its reason is written beside it
    assert rect["fill"] == "url(#chart-hatch)"
    # Every other hidden value is a stub too; no shown bar is hatched.
    for value, (_t, other, _x) in zip(values, drawn, strict=True):
        if value is None:
            assert float(other["width"]) == svgchart.HIDDEN_STUB
        assert other["fill"].startswith("url(") == (value is None)
        assert ("stroke" in other) == (value is None)  # a stub is outlined, so a white-ish hatch still shows


def test_the_largest_shown_value_gets_the_whole_plot_and_the_others_their_share() -> None:
    svg = svgchart.bars(one([40.0, 10.0, None, 30.0, 0.0]))

    assert widths(svg) == pytest.approx([PLOT, PLOT / 4, svgchart.HIDDEN_STUB, PLOT * 3 / 4, 0.0], abs=0.01)


def test_the_hidden_value_takes_no_part_in_the_scale() -> None:
    # However large the count behind a hidden value may be, the shown ones are drawn as if it were not there.
    with_hidden = widths(svgchart.bars(one([10.0, None, 5.0])))
    without = widths(svgchart.bars(one([10.0, 5.0])))
    assert [with_hidden[0], with_hidden[2]] == without


def test_two_series_share_one_scale() -> None:
    chart = Chart(
        "Shares",
        "Shares of each total.",
        ("A", "B"),
        (Series("Ours", (50.0, 25.0), ("50%", "25%")), Series("Theirs", (10.0, None), ("10%", "hidden"))),
    )
    assert widths(svgchart.bars(chart)) == pytest.approx(
        [PLOT, PLOT / 5, PLOT / 2, svgchart.HIDDEN_STUB], abs=0.01
    )


def test_a_narrow_chart_keeps_the_proportions() -> None:
    drawn = widths(svgchart.bars(one([8.0, 2.0, None]), width=420))
    assert drawn[1] / drawn[0] == pytest.approx(0.25, abs=0.001)
    assert drawn[2] == svgchart.HIDDEN_STUB
    assert drawn[0] < PLOT


# --- refusing what cannot be drawn ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Chart("t", "d", ("a", "b"), (Series("s", (1.0,), ("1", "2")),)), "one value and one text"),
        (lambda: Chart("t", "d", ("a", "b"), (Series("s", (1.0, 2.0), ("1",)),)), "one value and one text"),
        (lambda: Chart("t", "d", ("a",), (Series("s", (1.0, 2.0), ("1", "2")),)), "one value and one text"),
        (lambda: one([1.0, -1.0]), "negative or non-finite"),
        (lambda: one([math.nan, 1.0]), "negative or non-finite"),
        (lambda: one([math.inf]), "negative or non-finite"),
        (lambda: one([-math.inf]), "negative or non-finite"),
        (lambda: one([1.0], id_prefix="1chart"), "id prefix"),
        (lambda: one([1.0], id_prefix=""), "id prefix"),
        (lambda: one([1.0], id_prefix="chart one"), "id prefix"),
        (lambda: one([1.0], id_prefix='chart"onload="x'), "id prefix"),
        (lambda: one([1.0], id_prefix="chart\n"), "id prefix"),
        (lambda: one([1.0], id_prefix="chart>"), "id prefix"),
    ],
)
def test_an_impossible_chart_is_refused(make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        make()


# --- right to left ---------------------------------------------------------------------------------------------


def test_right_to_left_bars_start_at_the_axis_on_the_right() -> None:
    chart = one([40.0, None, 10.0])
    axis = svgchart.WIDTH - svgchart.LABEL_WIDTH

    rtl = parse(svgchart.bars(chart, rtl=True))
    ltr = parse(svgchart.bars(chart))

    assert rtl.get("direction") == "rtl"
    assert ltr.get("direction") is None
    for _title, rect, _text in marks(rtl):
        assert float(rect["x"]) + float(rect["width"]) == pytest.approx(axis, abs=0.01)
        assert float(rect["x"]) < axis
    for _title, rect, _text in marks(ltr):
        assert float(rect["x"]) == svgchart.LABEL_WIDTH
    assert [r["width"] for _t, r, _x in marks(rtl)] == [r["width"] for _t, r, _x in marks(ltr)]


def test_right_to_left_columns_run_from_the_right() -> None:
    chart = one([1.0, 2.0, 3.0])
    ltr = [float(rect["x"]) for _t, rect, _x in marks(parse(svgchart.columns(chart)))]
    rtl = [float(rect["x"]) for _t, rect, _x in marks(parse(svgchart.columns(chart, rtl=True)))]
    assert ltr == sorted(ltr)
    assert rtl == sorted(rtl, reverse=True)


# --- headings and accessibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize("draw", [svgchart.bars, svgchart.columns])
def test_without_heading_the_title_is_only_the_accessible_name(draw) -> None:  # type: ignore[no-untyped-def]
    chart = svgchart.single("Records by gender", "Two bars.", ["A", "B"], [3.0, 1.0], ["3", "1"])

    headed = parse(draw(chart))
    bare = parse(draw(chart, heading=False))

    assert "Records by gender" in [t.text for t in headed.iter(f"{SVG}text")]
    assert "Records by gender" not in [t.text for t in bare.iter(f"{SVG}text")]
    title = bare.find(f"{SVG}title")
    assert title is not None
    assert (title.get("id"), title.text) == ("chart-title", "Records by gender")
    assert bare.get("aria-labelledby") == "chart-title"
    assert float(bare.get("height", "0")) < float(headed.get("height", "0"))


@pytest.mark.parametrize("draw", [svgchart.bars, svgchart.columns])
@pytest.mark.parametrize("prefix", ["chart", "chart-gender", "compare_2"])
def test_the_root_is_an_image_named_and_described_by_its_own_elements(draw, prefix: str) -> None:  # type: ignore[no-untyped-def]
    chart = svgchart.single(
        "Records by year",
        "Records by year, a column a year.",
        ["2019", "2020"],
        [4.0, None],
        ["4", "hidden"],
        id_prefix=prefix,
    )
    root = parse(draw(chart))

    assert root.get("role") == "img"
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}
    labelled, described = root.get("aria-labelledby"), root.get("aria-describedby")
    assert labelled in ids
    assert described in ids
    assert ids[labelled].tag == f"{SVG}title"
    assert ids[labelled].text == "Records by year"
    assert ids[described].tag == f"{SVG}desc"
    assert ids[described].text == "Records by year, a column a year."
    assert all(key.startswith(prefix) for key in ids)
    # The hatching a hidden value is filled with is defined in the same document.
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert f"url(#{prefix}-hatch)" in fills
    assert f"{prefix}-hatch" in ids


# --- columns ------------------------------------------------------------------------------------------------------


def test_a_hidden_column_is_a_stub_with_its_reason() -> None:
    chart = one([120.0, None, 60.0, None], ["120", "fewer than 11", "60", "hidden"])
    root = parse(svgchart.columns(chart))

    drawn = marks(root)
    heights = [float(rect["height"]) for _t, rect, _x in drawn]
    assert heights[1] == heights[3] == svgchart.HIDDEN_STUB
    assert heights[0] == pytest.approx(2 * heights[2], abs=0.01)
    assert heights[0] > 10 * svgchart.HIDDEN_STUB
    assert [text for _t, _r, text in drawn] == [None, "fewer than 11", None, "hidden"]
    assert drawn[1][1]["fill"] == "url(#chart-hatch)"
    # Every column stands on the same base line, the stub too.
    bottoms = {round(float(rect["y"]) + float(rect["height"]), 2) for _t, rect, _x in drawn}
    assert len(bottoms) == 1


def test_a_hidden_column_stays_a_stub_when_every_value_is_hidden() -> None:
    root = parse(svgchart.columns(one([None, None], ["fewer than 11", "hidden"])))
    assert [float(rect["height"]) for _t, rect, _x in marks(root)] == [svgchart.HIDDEN_STUB] * 2


def rotated(svg: str) -> list[ET.Element]:
    return [t for t in parse(svg).iter(f"{SVG}text") if (t.get("transform") or "").startswith("rotate(")]


def test_many_columns_get_slanted_labels() -> None:
    few = one([float(i) for i in range(5)])
    many = one([float(i) for i in range(svgchart.WIDTH // 45 + 1)])

    assert not rotated(svgchart.columns(few))
    assert len(rotated(svgchart.columns(many))) == len(many.categories)
    # A narrower chart slants sooner.
    ten = one([float(i) for i in range(10)])
    assert not rotated(svgchart.columns(ten))
    assert len(rotated(svgchart.columns(ten, width=420))) == 10


def test_a_long_category_is_clipped_in_the_label_but_whole_in_the_title() -> None:
    name = "A very long category name that goes on and on"
    chart = svgchart.single("t", "d", [name], [1.0], ["1"])
    root = parse(svgchart.columns(chart))
    assert marks(root)[0][0] == f"{name}, t: 1"
    assert name not in [t.text for t in root.iter(f"{SVG}text")]
    assert any((t.text or "").endswith("…") for t in root.iter(f"{SVG}text"))


def test_an_empty_chart_is_still_a_document() -> None:
    chart = Chart("Nothing", "No records.", (), (Series("Records", (), ()),))
    for draw in (svgchart.bars, svgchart.columns):
        root = parse(draw(chart))
        assert root.get("role") == "img"
        assert marks(root) == []


@pytest.mark.parametrize("draw", [svgchart.bars, svgchart.columns])
def test_a_control_character_still_gives_a_well_formed_document(draw) -> None:  # type: ignore[no-untyped-def]
    chart = svgchart.single("Register\x0b2024", "d", ["a\x1bb"], [1.0], ["1"])
    parse(draw(chart))


# --- intervals: estimates with their interval whiskers --------------------------------------------------------

Interval = svgchart.Interval


def whiskers(root: ET.Element) -> list[tuple[float, float]]:
    """Each row's whisker as (x of its low end, x of its high end): the thick horizontal line of the row."""
    out = []
    for group in root.iter(f"{SVG}g"):
        if group.find(f"{SVG}title") is None:
            continue
        for line in group.iter(f"{SVG}line"):
            if line.get("y1") == line.get("y2") and line.get("stroke-width") == "2":
                out.append((float(line.get("x1", "0")), float(line.get("x2", "0"))))
    return out


def estimates_chart(**kwargs: object) -> str:
    rows = [
        Interval("Main effects only", 13_444.0, 11_985.0, 15_133.0, "13,444 (11,985 to 15,133)"),
        Interval("Stepwise (chosen)", 11_313.0, 9_884.0, 13_027.0, "11,313 (9,884 to 13,027)", emphasis=True),
        Interval("Every pair of lists", None, text="no estimate"),
    ]
    return svgchart.intervals("Estimates", "One bar per model.", rows, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("rtl", [False, True])
def test_interval_texts_are_only_ever_escaped(rtl: bool) -> None:
    rows = [
        Interval(SCRIPT, 10.0, 5.0, 20.0, f"10 {QUOTES}"),
        Interval(QUOTES, None, text=SCRIPT),
    ]
    svg = svgchart.intervals(
        f"T {SCRIPT}", f"D {QUOTES}", rows, reference=(f"R {SCRIPT}", 4.0), note=f"N {SCRIPT}", rtl=rtl
    )

    assert "<script" not in svg
    assert QUOTES not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == f"T {SCRIPT}"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == f"D {QUOTES}"  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert f"10 {QUOTES}" in texts
    assert f"R {SCRIPT}" in texts
    assert f"N {SCRIPT}" in texts
    assert [title for title, _rect, _text in marks(root)] == [f"{SCRIPT}: 10 {QUOTES}", f"{QUOTES}: {SCRIPT}"]


def test_bars_are_to_scale_from_zero_and_whiskers_span_the_interval() -> None:
    root = parse(estimates_chart())

    drawn = marks(root)
    bars_ = [float(rect["width"]) for _t, rect, _x in drawn]
    assert bars_[0] / bars_[1] == pytest.approx(13_444 / 11_313, abs=0.001)
    assert bars_[2] == svgchart.HIDDEN_STUB
    assert drawn[2][1]["fill"] == "url(#chart-hatch)"
    assert {float(rect["x"]) for _t, rect, _x in drawn} == {12.0}  # every bar starts at zero
    assert drawn[1][1]["fill"] == svgchart.SERIES_COLOURS[1] != drawn[0][1]["fill"]
    (low_a, high_a), (low_b, high_b) = whiskers(root)  # none for the row without an estimate
    per_case = bars_[1] / 11_313
    assert 12 + 11_985 * per_case == pytest.approx(low_a, abs=0.01)
    assert 12 + 15_133 * per_case == pytest.approx(high_a, abs=0.01)
    assert (high_b - low_b) / per_case == pytest.approx(13_027 - 9_884, abs=0.1)
    assert not list(root.iter(f"{SVG}polygon"))  # nothing had to be cut


def test_a_whisker_far_past_the_estimates_is_cut_with_an_arrow() -> None:
    rows = [
        Interval("Wide", 100.0, 50.0, 1_000_000.0, "100 (50 to 1,000,000)"),
        Interval("Narrow", 80.0, 70.0, 90.0),
    ]
    root = parse(svgchart.intervals("t", "d", rows, width=420))

    bars_ = [float(rect["width"]) for _t, rect, _x in marks(root)]
    (_low, high), _narrow = whiskers(root)
    assert bars_[0] > 420 / 4  # the scale is set by the estimates, not by the one huge interval
    assert high == pytest.approx(420 - 24, abs=0.01)  # cut at the edge of the plot
    assert len(list(root.iter(f"{SVG}polygon"))) == 1
    assert "100 (50 to 1,000,000)" in [t.text for t in root.iter(f"{SVG}text")]


def test_the_reference_is_a_dashed_line_named_under_the_scale() -> None:
    root = parse(estimates_chart(reference=("On at least one list: 2,744", 2_744.0)))

    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 3 + 1  # through the lane of each row, and its sample beside its name
    per_case = float(marks(root)[1][1]["width"]) / 11_313
    assert [float(line.get("x1", "0")) for line in dashed[:3]] == pytest.approx(
        [12 + 2_744 * per_case] * 3, abs=0.01
    )
    assert "On at least one list: 2,744" in [t.text for t in root.iter(f"{SVG}text")]


def test_no_line_crosses_a_text_and_long_texts_go_under_their_label() -> None:
    wide, narrow = parse(estimates_chart()), parse(estimates_chart(width=300))

    for root in (wide, narrow):
        texts = [float(t.get("y", "0")) for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
        lines = [line for line in root.iter(f"{SVG}line") if line.get("x1") == line.get("x2")]
        for line in lines:  # every vertical line (grid, axis, reference) starts below the label of its row
            top, bottom = float(line.get("y1", "0")), float(line.get("y2", "0"))
            assert not any(top - 2 <= y <= bottom + 12 for y in texts)
    beside = [t for t in wide.iter(f"{SVG}text") if t.text == "13,444 (11,985 to 15,133)"]
    under = [t for t in narrow.iter(f"{SVG}text") if t.text == "13,444 (11,985 to 15,133)"]
    assert beside[0].get("text-anchor") == "end"
    assert under[0].get("text-anchor") is None
    assert float(narrow.get("height", "0")) > float(wide.get("height", "0"))


def test_right_to_left_intervals_grow_from_the_right() -> None:
    ltr, rtl = parse(estimates_chart()), parse(estimates_chart(rtl=True))

    assert rtl.get("direction") == "rtl"
    for (_t, left, _x), (_u, right, _y) in zip(marks(ltr), marks(rtl), strict=True):
        assert float(right["width"]) == pytest.approx(float(left["width"]), abs=0.01)
        assert float(right["x"]) + float(right["width"]) == pytest.approx(svgchart.WIDTH - 12, abs=0.01)
    for (low, high), (rlow, rhigh) in zip(whiskers(ltr), whiskers(rtl), strict=True):
        assert (rlow, rhigh) == pytest.approx((svgchart.WIDTH - low, svgchart.WIDTH - high), abs=0.01)


def test_intervals_are_an_image_named_and_described_by_their_own_elements() -> None:
    headed = parse(estimates_chart(id_prefix="estimate-chart"))
    bare = parse(estimates_chart(id_prefix="estimate-chart", heading=False))

    for root in (headed, bare):
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "estimate-chart-title"
        assert root.get("aria-describedby") == "estimate-chart-desc"
    assert "Estimates" in [t.text for t in headed.iter(f"{SVG}text")]
    assert "Estimates" not in [t.text for t in bare.iter(f"{SVG}text")]
    assert marks(parse(svgchart.intervals("None", "No rows.", []))) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Interval("a", -1.0), "negative or non-finite"),
        (lambda: Interval("a", math.nan), "negative or non-finite"),
        (lambda: Interval("a", 1.0, 0.5, math.inf), "negative or non-finite"),
        (lambda: Interval("a", 1.0, 0.5), "both ends"),
        (lambda: Interval("a", 1.0, None, 2.0), "both ends"),
        (lambda: Interval("a", 1.0, 3.0, 2.0), "ends before it starts"),
        (lambda: svgchart.intervals("t", "d", [], id_prefix="1x"), "id prefix"),
        (lambda: svgchart.intervals("t", "d", [], reference=("r", math.nan)), "reference"),
    ],
)
def test_an_impossible_interval_chart_is_refused(make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        make()
