"""Reading areas, indicators and boundaries: every problem with its line (or feature) number, hostile input
refused without a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threefold.countries.loaders.results import BadFileError
from threefold.prevent.core import areas, geojson, indicators
from threefold.prevent.core.csvfile import MAX_CSV_BYTES


def test_the_example_files_read_cleanly() -> None:
    parsed = areas.parse_areas(areas.EXAMPLE.encode())
    assert parsed.problems == ()
    assert len(parsed.rows) == 3
    codes = {row.code for row in parsed.rows}
    assert indicators.parse_indicators(indicators.EXAMPLE.encode(), codes).problems == ()


def test_area_problems_name_their_lines() -> None:
    data = (
        "code,name,parent_code,row,col\n"
        "A1,First,,0,0\n"
        "A1,Again,,,\n"  # duplicate
        "bad code,Name,,,\n"
        "A3,,,,\n"  # no name
        "A4,Fourth,ZZ,,\n"  # unknown parent
        "A5,Fifth,,0,0\n"  # same tile as line 2
        "A6,Evil\u202eeman,,,\n"  # bidi override
        "A7,Seventh,,1,\n"
    ).encode()
    problems = {p.line: p.message for p in areas.parse_areas(data).problems}
    assert set(problems) == {3, 4, 5, 6, 7, 8, 9}
    assert "already on line 2" in problems[3]
    assert "not an area" in problems[6]
    assert "text-direction" in problems[8]
    assert "both row and col" in problems[9]


def test_a_parent_may_be_an_existing_area_and_cycles_are_refused() -> None:
    assert not areas.parse_areas(b"code,name,parent_code\nB,Bee,OLD\n", {"OLD"}).problems
    cyclic = areas.parse_areas(b"code,name,parent_code\nA,a,B\nB,b,A\n")
    assert {p.line for p in cyclic.problems} == {2, 3}


def test_quoted_newlines_keep_line_numbers_right() -> None:
    # A name over two lines is refused (a name is one line) where it starts; the next record is still line 4.
    data = b'code,name\nA,"two\nlines"\n,missing code\n'
    assert [p.line for p in areas.parse_areas(data).problems] == [2, 4]


def test_a_wrong_header_or_encoding_or_size_refuses_the_file() -> None:
    with pytest.raises(BadFileError, match="header"):
        areas.parse_areas(b"id,label\nA,a\n")
    with pytest.raises(BadFileError, match="UTF-8"):
        areas.parse_areas(b"code,name\nA,\xff\xfe\n")
    with pytest.raises(BadFileError, match="larger"):
        areas.parse_areas(b"code,name\n" + b"A,a\n" * (MAX_CSV_BYTES // 4 + 1))


def test_indicator_rows_are_checked() -> None:
    data = (
        b"area_code,indicator,year,value,source\n"
        b"D1,poverty_rate,2024,31.5,Survey\n"
        b"D1,poverty_rate,2024,30,Again\n"
        b"D9,poverty_rate,2024,3,\n"
        b"D1,poverty_rate,2024,130,\n"
        b"D1,wealth,2024,3,\n"
        b"D1,custom:Child marriage (%),2023,9.5,DHS\n"
        b"D1,unemployment_rate,twenty,nan,\n"
    )
    parsed = indicators.parse_indicators(data, {"D1"})
    problems = {p.line: p.message for p in parsed.problems}
    assert set(problems) == {3, 4, 5, 6, 8}
    assert "already on line 2" in problems[3]
    assert "percentage" in problems[5]
    custom = [row for row in parsed.rows if row.kind == "custom"]
    assert custom[0].label == "Child marriage (%)"
    assert custom[0].year == 2023


def _collection(*features: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _square(code: str, x: float = 2.0) -> dict[str, object]:
    ring = [[x, 48.0], [x + 1, 48.0], [x + 1, 49.0], [x, 49.0], [x, 48.0]]
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_boundaries_are_read_and_rounded() -> None:
    feature = _square("A", 2.123456789)
    parsed = geojson.parse_boundaries(_collection(feature), "code", {"A"})
    assert parsed.problems == ()
    assert parsed.rows[0].polygons[0][0][0] == (2.12346, 48.0)


def test_boundary_problems_name_their_features() -> None:
    open_ring = _square("B")
    open_ring["geometry"] = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    point = {
        "type": "Feature",
        "properties": {"code": "C"},
        "geometry": {"type": "Point", "coordinates": [0, 0]},
    }
    parsed = geojson.parse_boundaries(
        _collection(_square("A"), _square("A"), open_ring, point, _square("Z"), {"properties": {}}),
        "code",
        {"A", "B", "C"},
    )
    assert [str(p).split(":")[0] for p in parsed.problems] == [f"feature {n}" for n in (2, 3, 4, 5, 6)]


def test_not_geojson_is_refused() -> None:
    for data in (b"[]", b"{", b"\xff", b'{"type":"FeatureCollection","features":[[' * 5000, b'{"a": NaN}'):
        with pytest.raises(BadFileError):
            geojson.parse_boundaries(data, "code", {"A"})


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_rows_problems_or_a_refusal_never_a_crash(data: bytes) -> None:
    for parse in (
        lambda: areas.parse_areas(b"code,name,level,parent_code,row,col\n" + data),
        lambda: indicators.parse_indicators(b"area_code,indicator,year,value,source\n" + data, {"A"}),
        lambda: geojson.parse_boundaries(data, "code", {"A"}),
    ):
        try:
            parsed = parse()
        except BadFileError:
            continue
        assert all(problem.line >= 1 for problem in parsed.problems)
        assert len(parsed.rows) <= parsed.rows_read


csv_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(csv_text, csv_text, csv_text), max_size=12))
def test_every_refused_area_line_is_a_real_data_line(lines: list[tuple[str, str, str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "name", "parent_code"])
    writer.writerows(lines)
    try:
        parsed = areas.parse_areas(buffer.getvalue().encode())
    except BadFileError:
        return
    # Lines as the csv module counts them: \n, \r and \r\n all end one.
    last_line = len(io.StringIO(buffer.getvalue(), newline="").readlines()) + 1
    assert all(2 <= problem.line <= last_line for problem in parsed.problems)
    assert len({row.code for row in parsed.rows}) == len(parsed.rows)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(json_values, max_size=5))
def test_hostile_features_never_crash(features: list[object]) -> None:
    try:
        parsed = geojson.parse_boundaries(_collection(*features), "code", {"A"})
    except BadFileError:
        return
    assert [p.line for p in parsed.problems] == sorted(p.line for p in parsed.problems)
    assert all(1 <= p.line <= len(features) for p in parsed.problems)
