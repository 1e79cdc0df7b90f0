"""Reading an organisation's administrative areas from CSV: ``code,name[,level,parent_code,row,col]``.

``row`` and ``col`` (optional, both or neither) place the area on the tile grid drawn when there are no
boundaries. A parent must be an area of the file or one the organisation already has; a file is read whole and
the caller stores it only when ``problems`` is empty (all or nothing).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from threefold.countries.loaders.results import Parsed, Problem
from threefold.prevent.core.csvfile import read_csv
from threefold.prevent.core.text import problem_with_code, problem_with_text

REQUIRED = ("code", "name")
OPTIONAL = ("level", "parent_code", "row", "col")
MAX_GRID = 200  # rows and columns of the tile grid
EXAMPLE = (
    "code,name,level,parent_code,row,col\n"
    "D01,Demo district 1,district,,0,0\n"
    "D02,Demo district 2,district,,0,1\n"
    "D02-N,Demo district 2 north,sub-district,D02,,\n"
)


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    parent_code: str
    row: int | None
    col: int | None


def _grid_position(value: str) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) >= MAX_GRID:
        raise ValueError
    return int(value)


def parse_areas(data: bytes, existing_codes: Collection[str] = ()) -> Parsed[AreaRow]:
    rows: list[AreaRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}  # code -> line
    cells: dict[tuple[int, int], int] = {}  # tile -> line
    read = 0
    for record in read_csv(data, REQUIRED, OPTIONAL):
        read += 1
        v, line = record.values, record.line
        found: list[str] = []
        if record.extra_cells:
            found.append(f"{record.extra_cells} cell(s) more than the header has")
        code = v["code"]
        if (why := problem_with_code(code)) is not None:
            found.append(f"code {why}")
        elif code in seen:
            found.append(f"code {code!r} is already on line {seen[code]}")
        for column, limit, required in (("name", 200, True), ("level", 60, False)):
            if (why := problem_with_text(v.get(column, ""), limit=limit, required=required)) is not None:
                found.append(f"{column} {why}")
        parent = v.get("parent_code", "")
        if parent and parent == code:
            found.append("an area cannot be its own parent")
        try:
            row, col = _grid_position(v.get("row", "")), _grid_position(v.get("col", ""))
        except ValueError:
            found.append(f"row and col must be whole numbers from 0 to {MAX_GRID - 1}")
            row = col = None
        if (row is None) != (col is None):
            found.append("give both row and col, or neither")
        elif row is not None and col is not None:
            if (row, col) in cells:
                found.append(f"row {row}, col {col} is already taken on line {cells[(row, col)]}")
            cells[(row, col)] = line
        if found:
            problems.append(Problem(line, "; ".join(found)))
            continue
        seen[code] = line
        rows.append(AreaRow(code, v["name"], v.get("level", ""), parent, row, col))
    known = set(seen) | set(existing_codes)
    for area in rows:
        if area.parent_code and area.parent_code not in known:
            problems.append(Problem(seen[area.code], f"parent_code {area.parent_code!r} is not an area"))
    problems.extend(_cycles(rows, seen))
    problems.sort(key=lambda p: p.line)
    refused = {p.line for p in problems}
    return Parsed(tuple(a for a in rows if seen[a.code] not in refused), tuple(problems), (), read)


def _cycles(rows: list[AreaRow], lines: dict[str, int]) -> list[Problem]:
    """An area that is its own ancestor through the file's parents (A in B, B in A)."""
    parents = {area.code: area.parent_code for area in rows if area.parent_code}
    problems = []
    for start in parents:
        code, steps = parents.get(start), 0
        while code and steps <= len(parents):
            if code == start:
                problems.append(Problem(lines[start], f"area {start!r} is inside itself through its parents"))
                break
            code, steps = parents.get(code), steps + 1
    return problems
