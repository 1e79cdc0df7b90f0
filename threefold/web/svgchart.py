"""Bar and column charts drawn on the server as SVG documents: the picture a page shows (as an <img>) and the
file a user downloads are the same bytes. Pure Python: no Django, no JavaScript, no inline styles (presentation
attributes only, so the Content-Security-Policy holds), every text escaped.

A chart only ever receives what a page may publish: a value of None is a hidden count (suppressed, or not
released). It is drawn as a short hatched stub with its reason ("fewer than 11", "hidden") written beside it,
never as a bar of some length, and it does not take part in the scale.

``bars`` draws horizontal bars, one group per category and one bar per series (two series compare, say, an
organisation's own cases with an imported dataset). ``columns`` draws vertical columns along an ordered axis,
for a time series. ``intervals`` draws one horizontal bar per estimate with the whisker of its interval (the
estimate of the hidden number under several models). All are mirrored for right-to-left languages.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from threefold.web import worldmap
from threefold.web.worldmap import FONT, HIDDEN_BACKGROUND, OUTLINE, TEXT

# At least 4.5:1 on white; the first is the one colour of a chart with a single series.
SERIES_COLOURS = ("#0b4f8a", "#a4001d", "#2e6b30", "#5a2d82")
GRID = "#b1b4b6"
WIDTH = 720
LABEL_WIDTH = 210  # horizontal bars: the category names' column
VALUE_ROOM = 130  # horizontal bars: room after the longest bar for its value
BAR = 16
GAP = 10
TITLE_HEIGHT = 32
LINE = 16  # height of a legend or note line
HIDDEN_STUB = 6  # width (or height) of the hatched stub of a hidden value
CHARS_PER_NOTE_LINE = 105  # at WIDTH; narrower charts wrap sooner
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
# Characters XML forbids even escaped: a dataset name holding one must not make the picture unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    return xml_escape(_NOT_XML.sub("", text))


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per category; None = hidden, never drawn as a length
    texts: tuple[str, ...]  # what is written beside each: "1,234", "12.5%", "fewer than 11", "hidden"


@dataclass(frozen=True)
class Chart:
    title: str
    description: str  # the chart in one or two sentences, for a screen reader (<desc>)
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""  # the protection applied (suppression rule or privacy loss), printed under the chart
    id_prefix: str = "chart"

    def __post_init__(self) -> None:
        if not _ID.match(self.id_prefix):
            raise ValueError(f"not a usable id prefix: {self.id_prefix!r}")
        for series in self.series:
            if len(series.values) != len(self.categories) or len(series.texts) != len(self.categories):
                raise ValueError(f"series {series.name!r} needs one value and one text per category")
            if any(v is not None and (not math.isfinite(v) or v < 0) for v in series.values):
                raise ValueError(f"series {series.name!r} has a negative or non-finite value")

    @property
    def largest(self) -> float:
        return max((v for s in self.series for v in s.values if v is not None), default=0.0)


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _head(chart: Chart, width: int, height: int, *, rtl: bool, heading: bool) -> list[str]:
    p = chart.id_prefix
    title = (
        f'<text x="{width - 8 if rtl else 8}" y="22" font-size="16" font-weight="bold">'
        f"{escape(_clip(chart.title, 80))}</text>"
    )
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="{p}-title" aria-describedby="{p}-desc"'
        + (' direction="rtl"' if rtl else "")
        + ">",
        f'<title id="{p}-title">{escape(chart.title)}</title>',
        f'<desc id="{p}-desc">{escape(chart.description)}</desc>',
        f'<defs><pattern id="{p}-hatch" patternUnits="userSpaceOnUse" width="4" height="4"'
        ' patternTransform="rotate(45)">'
        f'<rect width="4" height="4" fill="{HIDDEN_BACKGROUND}"/>'
        f'<line x1="1" y1="0" x2="1" y2="4" stroke="{OUTLINE}" stroke-width="1.2"/></pattern></defs>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<g font-family={quoteattr(FONT)} font-size="12" fill="{TEXT}">',
        *([title] if heading else []),
    ]


def _legend(chart: Chart, top: float, width: int, *, rtl: bool) -> list[str]:
    """One line naming the series and their colours; nothing for a single series."""
    if len(chart.series) < 2:
        return []
    out = []
    x = 8.0
    for i, series in enumerate(chart.series):
        swatch = width - x - 12 if rtl else x
        label = width - x - 18 if rtl else x + 18
        out.append(
            f'<rect x="{swatch:g}" y="{top:g}" width="12" height="12" fill="{SERIES_COLOURS[i]}"/>'
            f'<text x="{label:g}" y="{top + 10:g}">{escape(_clip(series.name, 40))}</text>'
        )
        x += 30 + 7 * min(len(series.name), 40)
    return out


def _notes(chart: Chart, width: int) -> list[str]:
    return textwrap.wrap(chart.note, CHARS_PER_NOTE_LINE * width // WIDTH) if chart.note else []


def _tail(chart: Chart, top: float, width: int, *, rtl: bool) -> list[str]:
    out = [
        f'<text x="{width - 8 if rtl else 8}" y="{top + LINE * (n + 1) - 4:g}">{escape(line)}</text>'
        for n, line in enumerate(_notes(chart, width))
    ]
    return [*out, "</g></svg>"]


def bars(chart: Chart, *, rtl: bool = False, heading: bool = True, width: int = WIDTH) -> str:
    """Horizontal bars: a group per category, a bar per series, each value written after its bar. Without
    ``heading`` the title is only the SVG's accessible name (a page that shows it as a heading already). A
    narrower ``width`` keeps the text readable when a phone shrinks the chart to its screen."""
    label_width = min(LABEL_WIDTH, int(width * 0.34))
    value_room = min(VALUE_ROOM, int(width * 0.22))
    legend_height = LINE + 4 if len(chart.series) > 1 else 0
    group = len(chart.series) * BAR + GAP
    title_height = TITLE_HEIGHT if heading else 8
    top = title_height + legend_height
    plot = width - label_width - value_room
    height = top + group * len(chart.categories) + 8 + LINE * len(_notes(chart, width)) + 4
    largest = chart.largest
    out = _head(chart, width, height, rtl=rtl, heading=heading)
    out += _legend(chart, title_height, width, rtl=rtl)
    axis = width - label_width if rtl else label_width
    out.append(
        f'<line x1="{axis}" y1="{top}" x2="{axis}" y2="{top + group * len(chart.categories)}"'
        f' stroke="{OUTLINE}" stroke-width="1"/>'
    )
    for c, category in enumerate(chart.categories):
        y0 = top + c * group
        label_x = width - 8 if rtl else 8
        label = escape(_clip(category, label_width // 7))
        out.append(f'<text x="{label_x}" y="{y0 + len(chart.series) * BAR / 2 + 4:g}">{label}</text>')
        for s, series in enumerate(chart.series):
            value, text = series.values[c], series.texts[c]
            y = y0 + s * BAR
            length = HIDDEN_STUB if value is None else (plot * value / largest if largest else 0.0)
            fill = (
                f"url(#{chart.id_prefix}-hatch)" if value is None else SERIES_COLOURS[s % len(SERIES_COLOURS)]
            )
            x = axis - length if rtl else axis
            out.append(
                f"<g><title>{escape(f'{category}, {series.name}: {text}')}</title>"
                f'<rect x="{x:.2f}" y="{y + 1}" width="{length:.2f}" height="{BAR - 2}" fill="{fill}"'
                + (f' stroke="{OUTLINE}" stroke-width="0.5"' if value is None else "")
                + "/>"
                f'<text x="{(x - 6) if rtl else (x + length + 6):.2f}" y="{y + BAR - 4}">{escape(text)}</text></g>'
            )
    out += _tail(chart, top + group * len(chart.categories) + 8, width, rtl=rtl)
    return "\n".join(out) + "\n"


def _ticks(largest: float, count: int = 4) -> list[float]:
    """Round gridline values from 0 to at least ``largest``."""
    if largest <= 0:
        return [0.0]
    raw = largest / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(largest / step) + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def columns(chart: Chart, *, rtl: bool = False, heading: bool = True, width: int = WIDTH) -> str:
    """Vertical columns along an ordered axis (years, say), first category at the reading start; a hidden value
    is a short hatched stub with its reason above it."""
    legend_height = LINE + 4 if len(chart.series) > 1 else 0
    title_height = TITLE_HEIGHT if heading else 8
    top = title_height + legend_height + 8
    plot_height = 220
    many = len(chart.categories) > width // 45  # long axes get slanted labels
    label_room = 56 if many else 24
    left, right = (56, 12) if not rtl else (12, 56)
    plot_width = width - left - right
    height = top + plot_height + label_room + LINE * len(_notes(chart, width)) + 8
    ticks = _ticks(chart.largest)
    scale = plot_height / ticks[-1] if ticks[-1] else 0.0
    base = top + plot_height
    out = _head(chart, width, height, rtl=rtl, heading=heading)
    out += _legend(chart, title_height, width, rtl=rtl)
    for tick in ticks:
        y = base - tick * scale
        out.append(
            f'<line x1="{left}" y1="{y:.2f}" x2="{width - right}" y2="{y:.2f}" stroke="{GRID}"'
            ' stroke-width="0.5"/>'
        )
        tx = width - right + 6 if rtl else left - 6
        out.append(f'<text x="{tx}" y="{y + 4:.2f}" text-anchor="end">{escape(_number(tick))}</text>')
    n = max(len(chart.categories), 1)
    slot = plot_width / n
    width_each = max(2.0, min(40.0, slot * 0.8 / max(len(chart.series), 1)))
    for c, category in enumerate(chart.categories):
        position = (n - 1 - c) if rtl else c
        x0 = left + position * slot + (slot - width_each * len(chart.series)) / 2
        for s, series in enumerate(chart.series):
            value, text = series.values[c], series.texts[c]
            x = x0 + s * width_each
            height_of = HIDDEN_STUB if value is None else value * scale
            fill = (
                f"url(#{chart.id_prefix}-hatch)" if value is None else SERIES_COLOURS[s % len(SERIES_COLOURS)]
            )
            out.append(
                f"<g><title>{escape(f'{category}, {series.name}: {text}')}</title>"
                f'<rect x="{x:.2f}" y="{base - height_of:.2f}" width="{width_each:.2f}" height="{height_of:.2f}"'
                f' fill="{fill}"'
                + (f' stroke="{OUTLINE}" stroke-width="0.5"' if value is None else "")
                + "/>"
                + (
                    f'<text x="{x + width_each / 2:.2f}" y="{base - height_of - 4:.2f}" text-anchor="middle"'
                    f' font-size="10">{escape(_clip(text, 14))}</text>'
                    if value is None
                    else ""
                )
                + "</g>"
            )
        cx = x0 + width_each * len(chart.series) / 2
        label = escape(_clip(category, 14))
        if many:
            out.append(
                f'<text x="{cx:.2f}" y="{base + 14}" text-anchor="end" font-size="11"'
                f' transform="rotate(-45 {cx:.2f} {base + 14})">{label}</text>'
            )
        else:
            out.append(
                f'<text x="{cx:.2f}" y="{base + 16}" text-anchor="middle" font-size="11">{label}</text>'
            )
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{OUTLINE}"/>')
    out += _tail(chart, base + label_room, width, rtl=rtl)
    return "\n".join(out) + "\n"


def single(
    title: str,
    description: str,
    categories: Sequence[str],
    values: Sequence[float | None],
    texts: Sequence[str],
    *,
    name: str = "",
    note: str = "",
    id_prefix: str = "chart",
) -> Chart:
    """A chart of one series, the common case."""
    return Chart(
        title,
        description,
        tuple(categories),
        (Series(name or title, tuple(values), tuple(texts)),),
        note=note,
        id_prefix=id_prefix,
    )


@dataclass(frozen=True)
class Interval:
    """One row of `intervals`: an estimate and its interval. A value of None is an estimate that does not exist:
    drawn as a hatched stub with ``text`` (the reason, short) beside its label, never as a length."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    text: str = ""  # written on the row, opposite the label: "11,313 (9,884 to 13,027)", "no estimate"
    # Drawn in the second colour; the label says why (nothing depends on colour alone).
    emphasis: bool = False

    def __post_init__(self) -> None:
        numbers = [v for v in (self.value, self.low, self.high) if v is not None]
        if any(not math.isfinite(v) or v < 0 for v in numbers):
            raise ValueError(f"row {self.label!r} has a negative or non-finite number")
        if (self.low is None) != (self.high is None):
            raise ValueError(f"row {self.label!r} needs both ends of its interval, or neither")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"row {self.label!r} has an interval that ends before it starts")


INTERVAL_BAR = 12  # the bar's height; the whisker runs in its own lane under it, so it shows on any bar
INTERVAL_LANE = 10
CLIP_AT = 2.5  # whiskers reaching past this multiple of the largest estimate are cut, with an arrow
CHAR = 7  # the width of a character of 12 px text, roughly, for fitting text to the chart


def intervals(
    title: str,
    description: str,
    rows: Sequence[Interval],
    *,
    reference: tuple[str, float] | None = None,
    note: str = "",
    id_prefix: str = "chart",
    rtl: bool = False,
    heading: bool = True,
    width: int = WIDTH,
) -> str:
    """Horizontal bars from zero, one per row, each with the whisker of its interval in a lane under the bar, its
    label above it and its text (the figures) beside the label, or under it when the two do not fit on one line
    (then on every row, so that the rows stay alike); gridlines in the lanes and a scale at the bottom.
    ``reference`` (label, value) draws a dashed line through every lane, the number observed for instance, named
    under the scale. The scale ends at the largest estimate, interval end or reference, but never past CLIP_AT
    times the largest estimate: a longer whisker is cut at the edge and ends in an arrow (its text still gives
    the number). Without ``heading`` the title is only the accessible name; a narrower ``width`` keeps the text
    readable on a phone. No line ever crosses a text."""
    if not _ID.match(id_prefix):
        raise ValueError(f"not a usable id prefix: {id_prefix!r}")
    chart = Chart(title, description, (), (), note=note, id_prefix=id_prefix)
    values = [row.value for row in rows if row.value is not None]
    ends = [row.high for row in rows if row.high is not None]
    if reference is not None:
        if not math.isfinite(reference[1]) or reference[1] < 0:
            raise ValueError("the reference needs a finite value of 0 or more")
        ends.append(reference[1])
    largest = max(values + ends, default=0.0)
    if values:
        largest = min(largest, CLIP_AT * max(values))
    ticks = _ticks(largest)
    scale_end = ticks[-1] if ticks[-1] > 0 else 1.0
    left, right = 12.0, 24.0  # room for half a tick label and for an arrow head
    plot = width - left - right

    def at(value: float) -> float:
        x = left + plot * min(value, scale_end) / scale_end
        return width - x if rtl else x

    chars = (width - 16) // CHAR
    two_lines = any(len(row.label) + len(row.text) + 3 > chars for row in rows)
    lane = INTERVAL_BAR + INTERVAL_LANE
    row_height = LINE * (2 if two_lines else 1) + 4 + lane + GAP
    title_height = TITLE_HEIGHT if heading else 8
    top = title_height + 4
    rows_end = top + row_height * len(rows)
    axis_room = LINE + 4
    legend = 1 if reference is not None else 0
    height = rows_end + axis_room + LINE * legend + 8 + LINE * len(_notes(chart, width)) + 4
    out = _head(chart, width, height, rtl=rtl, heading=heading)
    start_x, end_x = (width - 8, 8) if rtl else (8, width - 8)
    for r, row in enumerate(rows):
        y0 = top + r * row_height
        lane_top = y0 + LINE * (2 if two_lines else 1) + 4
        lane_end = lane_top + lane
        fill = SERIES_COLOURS[1] if row.emphasis else SERIES_COLOURS[0]
        room = chars if two_lines else chars - len(row.text) - 3
        parts = [
            f"<g><title>{escape(f'{row.label}: {row.text}' if row.text else row.label)}</title>",
            f'<text x="{start_x}" y="{y0 + 12}" font-weight="bold">{escape(_clip(row.label, room))}</text>',
            f'<text x="{start_x}" y="{y0 + LINE + 12}">{escape(_clip(row.text, chars))}</text>'
            if two_lines
            else f'<text x="{end_x}" y="{y0 + 12}" text-anchor="end">{escape(row.text)}</text>',
        ]
        parts += [
            f'<line x1="{at(tick):.2f}" y1="{lane_top - 2}" x2="{at(tick):.2f}" y2="{lane_end}" stroke="{GRID}"'
            ' stroke-width="0.5"/>'
            for tick in ticks[1:]
        ]
        parts.append(
            f'<line x1="{at(0):.2f}" y1="{lane_top - 2}" x2="{at(0):.2f}" y2="{lane_end}" stroke="{OUTLINE}"/>'
        )
        if row.value is None:
            x = at(0) - HIDDEN_STUB if rtl else at(0)
            parts.append(
                f'<rect x="{x:.2f}" y="{lane_top}" width="{HIDDEN_STUB}" height="{INTERVAL_BAR}"'
                f' fill="url(#{id_prefix}-hatch)" stroke="{OUTLINE}" stroke-width="0.5"/>'
            )
        else:
            x0, x1 = sorted((at(0), at(row.value)))
            parts.append(
                f'<rect x="{x0:.2f}" y="{lane_top}" width="{x1 - x0:.2f}" height="{INTERVAL_BAR}" fill="{fill}"/>'
            )
            if row.low is not None and row.high is not None:
                parts.append(
                    _whisker(
                        at(row.low),
                        at(row.high),
                        lane_top + INTERVAL_BAR + INTERVAL_LANE / 2,
                        clipped=row.high > scale_end,
                        rtl=rtl,
                    )
                )
        if reference is not None:
            x = at(reference[1])
            parts.append(
                f'<line x1="{x:.2f}" y1="{lane_top - 2}" x2="{x:.2f}" y2="{lane_end}" stroke="{TEXT}"'
                ' stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
        parts.append("</g>")
        out.append("".join(parts))
    out += [
        f'<text x="{at(tick):.2f}" y="{rows_end + 6}" text-anchor="middle" font-size="11">'
        f"{escape(_number(tick))}</text>"
        for tick in ticks
    ]
    if reference is not None:
        y = rows_end + axis_room
        sample_x = width - 30 if rtl else 8
        label_x = width - 36 if rtl else 36
        out.append(
            f'<line x1="{sample_x}" y1="{y + 6}" x2="{sample_x + 22}" y2="{y + 6}" stroke="{TEXT}"'
            ' stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{label_x}" y="{y + 10}">{escape(_clip(reference[0], (width - 44) // CHAR))}</text>'
        )
    out += _tail(chart, rows_end + axis_room + LINE * legend + 4, width, rtl=rtl)
    return "\n".join(out) + "\n"


def _whisker(x_low: float, x_high: float, y: float, *, clipped: bool, rtl: bool) -> str:
    """The interval as a line with a cap at each end, or an arrow head where the scale cut it."""
    line = (
        f'<line x1="{x_low:.2f}" y1="{y:g}" x2="{x_high:.2f}" y2="{y:g}" stroke="{TEXT}" stroke-width="2"/>'
    )
    low_cap = f'<line x1="{x_low:.2f}" y1="{y - 4:g}" x2="{x_low:.2f}" y2="{y + 4:g}"'
    low_cap += f' stroke="{TEXT}" stroke-width="2"/>'
    if clipped:
        tip = x_high - 7 if rtl else x_high + 7
        high_cap = (
            f'<polygon points="{x_high:.2f},{y - 5:g} {tip:.2f},{y:g} {x_high:.2f},{y + 5:g}" fill="{TEXT}"/>'
        )
    else:
        high_cap = (
            f'<line x1="{x_high:.2f}" y1="{y - 4:g}" x2="{x_high:.2f}" y2="{y + 4:g}" stroke="{TEXT}"'
            ' stroke-width="2"/>'
        )
    return line + low_cap + high_cap


# --- Overlap of lists: an Euler diagram of two lists, a Venn diagram of three (record linkage) --------------------

OVERLAP_MIN_RADIUS = 26  # a circle never smaller than this, so that a number fits in a small list's circle
OVERLAP_NUMBER = 15  # font size of the counts in the regions
OVERLAP_CHAR = 9  # width of a digit at that size, roughly
BOLD_CHAR = 8  # width of a character of 12 px bold text, roughly


def lens_area(r1: float, r2: float, d: float) -> float:
    """The area two circles of radii ``r1``, ``r2`` with centres ``d`` apart have in common."""
    if d >= r1 + r2:
        return 0.0
    if d <= abs(r1 - r2):
        return math.pi * min(r1, r2) ** 2
    a1 = r1 * r1 * math.acos(max(-1.0, min(1.0, (d * d + r1 * r1 - r2 * r2) / (2 * d * r1))))
    a2 = r2 * r2 * math.acos(max(-1.0, min(1.0, (d * d + r2 * r2 - r1 * r1) / (2 * d * r2))))
    kite = 0.5 * math.sqrt(max(0.0, (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2)))
    return a1 + a2 - kite


def _centre_distance(r1: float, r2: float, share: float) -> float:
    """The distance at which the two circles share ``share`` (0 to 1) of the smaller one's area (bisection:
    the shared area falls as the circles move apart)."""
    if share <= 0:
        return r1 + r2 + 12.0  # apart, with a visible gap: nobody is on both
    if share >= 1:
        return abs(r1 - r2)  # the smaller circle inside the larger: everyone on it is on both
    target = share * math.pi * min(r1, r2) ** 2
    low, high = abs(r1 - r2), r1 + r2
    for _ in range(60):
        middle = (low + high) / 2
        if lens_area(r1, r2, middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _region_number(x: float, y: float, count: int, label: str) -> str:
    text = f"{count:,}"
    return (
        f"<g><title>{escape(label)}</title>"
        f'<text x="{x:.2f}" y="{y + OVERLAP_NUMBER / 3:.2f}" text-anchor="middle" font-size="{OVERLAP_NUMBER}"'
        f' font-weight="bold">{escape(text)}</text></g>'
    )


def overlap_diagram(
    title: str,
    description: str,
    lists: Sequence[str],
    histories: dict[tuple[int, ...], int],
    *,
    region_labels: dict[tuple[int, ...], str] | None = None,
    key_texts: Sequence[str] = (),
    id_prefix: str = "overlap",
    rtl: bool = False,
    heading: bool = True,
    width: int = 360,
) -> str:
    """Who is on which lists, for two lists (an Euler diagram: each circle's area in proportion to its list, the
    overlap to the share of the smaller list found on the other, never smaller than OVERLAP_MIN_RADIUS) or
    three (a Venn diagram of equal circles, not to scale). The count of each combination of lists is written in
    its region; a region too small for its number has it written under the diagram, next to a line pointing
    at the region. ``histories`` maps (0 or 1 per list) to a count; missing combinations count 0.
    ``region_labels`` names each region in its tooltip ("On both lists: 12"); ``key_texts`` are written beside
    each list's colour under the diagram (default: the list's name). Mirrored for right-to-left languages."""
    if len(lists) not in (2, 3):
        raise ValueError(f"an overlap diagram shows 2 or 3 lists, not {len(lists)}")
    if not _ID.match(id_prefix):
        raise ValueError(f"not a usable id prefix: {id_prefix!r}")
    counts = {history: int(histories.get(history, 0)) for history in _histories(len(lists))}
    if any(value < 0 for value in counts.values()):
        raise ValueError("counts cannot be negative")
    labels = region_labels or {}
    keys = list(key_texts) or list(lists)
    if len(keys) != len(lists):
        raise ValueError("one key text per list")
    chart = Chart(title, description, (), (), id_prefix=id_prefix)
    title_height = TITLE_HEIGHT if heading else 8
    top = title_height + 4
    if len(lists) == 2:
        body, bottom = _euler(lists, counts, labels, top, width, rtl=rtl)
    else:
        body, bottom = _venn(lists, counts, labels, top, width, rtl=rtl)
    legend_top = bottom + 10
    height = int(legend_top + LINE * len(keys) + 8)
    out = _head(chart, width, height, rtl=rtl, heading=heading)
    out += body
    chars = (width - 40) // CHAR
    for i, text in enumerate(keys):
        y = legend_top + i * LINE
        swatch = width - 20 if rtl else 8
        label_x = width - 26 if rtl else 26
        out.append(
            f'<rect x="{swatch}" y="{y:g}" width="12" height="12" fill="{SERIES_COLOURS[i]}"'
            ' fill-opacity="0.25"'
            f' stroke="{SERIES_COLOURS[i]}" stroke-width="2"/>'
            f'<text x="{label_x}" y="{y + 10:g}">{escape(_clip(text, chars))}</text>'
        )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _histories(lists: int) -> list[tuple[int, ...]]:
    return [history for history in product((0, 1), repeat=lists) if any(history)]


def _circle(i: int, x: float, y: float, r: float) -> str:
    return (
        f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r:.2f}" fill="{SERIES_COLOURS[i]}" fill-opacity="0.12"'
        f' stroke="{SERIES_COLOURS[i]}" stroke-width="2"/>'
    )


def _two_names(first: str, second: str, top: float, width: int, *, rtl: bool) -> list[str]:
    """The first two lists' names above the diagram, the first at the reading start and the second at the end,
    each in its circle's colour and within half the width, so that they never run into each other."""
    half = (width // 2 - 12) // BOLD_CHAR
    y = top + LINE - 2
    start, end = (width - 8, 8) if rtl else (8, width - 8)
    return [
        f'<text x="{start}" y="{y:g}" font-weight="bold" fill="{SERIES_COLOURS[0]}">'
        f"{escape(_clip(first, half))}</text>",
        f'<text x="{end}" y="{y:g}" text-anchor="end" font-weight="bold" fill="{SERIES_COLOURS[1]}">'
        f"{escape(_clip(second, half))}</text>",
    ]


def _euler(
    lists: Sequence[str],
    counts: dict[tuple[int, ...], int],
    labels: dict[tuple[int, ...], str],
    top: float,
    width: int,
    *,
    rtl: bool,
) -> tuple[list[str], float]:
    only_a, only_b, both = counts[(1, 0)], counts[(0, 1)], counts[(1, 1)]
    size_a, size_b = only_a + both, only_b + both
    largest_radius = min((width - 28) / 4, 110.0)  # two equal lists that never meet still fit, with a gap
    largest = max(size_a, size_b, 1)
    radius_a = max(OVERLAP_MIN_RADIUS, largest_radius * math.sqrt(size_a / largest))
    radius_b = max(OVERLAP_MIN_RADIUS, largest_radius * math.sqrt(size_b / largest))
    smaller = min(size_a, size_b)
    distance = _centre_distance(radius_a, radius_b, both / smaller if smaller else 0.0)
    # Centre the shape: A on the reading start, B after it (at the distance found).
    left = min(-radius_a, distance - radius_b)
    right = max(radius_a, distance + radius_b)
    shift = (width - (right - left)) / 2 - left
    centre_a, centre_b = shift, shift + distance
    label_room = LINE + 6
    cy = top + label_room + max(radius_a, radius_b)
    bottom = cy + max(radius_a, radius_b)

    def x(value: float) -> float:
        return width - value if rtl else value

    out = [_circle(0, x(centre_a), cy, radius_a), _circle(1, x(centre_b), cy, radius_b)]
    out += _two_names(lists[0], lists[1], top, width, rtl=rtl)
    # Each region's stretch of the line through the centres: only A, both, only B.
    spans: dict[tuple[int, ...], tuple[float, float]] = {
        (1, 0): (centre_a - radius_a, min(centre_b - radius_b, centre_a + radius_a)),
        (1, 1): (
            max(centre_a - radius_a, centre_b - radius_b),
            min(centre_a + radius_a, centre_b + radius_b),
        ),
        (0, 1): (max(centre_a + radius_a, centre_b - radius_b), centre_b + radius_b),
    }
    below: list[tuple[float, tuple[int, ...]]] = []
    for history, (start, end) in spans.items():
        count = counts[history]
        needed = len(f"{count:,}") * OVERLAP_CHAR + 6
        label = labels.get(history, f"{count:,}")
        if end - start >= needed:
            out.append(_region_number(x((start + end) / 2), cy, count, label))
        elif end - start > 0 or count:
            below.append(((start + end) / 2, history))
    for n, (position, placed) in enumerate(sorted(below)):
        y = bottom + 18 + n * (LINE + 2)
        out.append(
            f'<line x1="{x(position):.2f}" y1="{cy:.2f}" x2="{x(position):.2f}" y2="{y - OVERLAP_NUMBER + 2:.2f}"'
            f' stroke="{OUTLINE}" stroke-width="1"/>'
        )
        count = counts[placed]
        out.append(_region_number(x(position), y - 4, count, labels.get(placed, f"{count:,}")))
    return out, bottom + (18 + len(below) * (LINE + 2) if below else 0)


def _venn(
    lists: Sequence[str],
    counts: dict[tuple[int, ...], int],
    labels: dict[tuple[int, ...], str],
    top: float,
    width: int,
    *,
    rtl: bool,
) -> tuple[list[str], float]:
    radius = min(width * 0.23, 100.0)
    side = radius * 1.05  # distance between centres
    label_room = LINE + 6
    gx = width / 2
    gy = top + label_room + radius + side * math.sqrt(3) / 6
    centres = [
        (gx - side / 2, gy - side * math.sqrt(3) / 6),
        (gx + side / 2, gy - side * math.sqrt(3) / 6),
        (gx, gy + side * math.sqrt(3) / 3),
    ]

    def x(value: float) -> float:
        return width - value if rtl else value

    out = [_circle(i, x(cx), cy, radius) for i, (cx, cy) in enumerate(centres)]
    (ax, ay), (bx, by), (cx, cy) = centres
    out += _two_names(lists[0], lists[1], top, width, rtl=rtl)
    bottom = cy + radius
    out.append(
        f'<text x="{x(cx):.2f}" y="{bottom + LINE:.2f}" text-anchor="middle" font-weight="bold"'
        f' fill="{SERIES_COLOURS[2]}">{escape(_clip(lists[2], (width - 16) // CHAR))}</text>'
    )

    def away(px: float, py: float, by_: float) -> tuple[float, float]:
        dx, dy = px - gx, py - gy
        length = math.hypot(dx, dy) or 1.0
        return px + dx / length * by_, py + dy / length * by_

    places = {
        (1, 0, 0): away(ax, ay, radius * 0.45),
        (0, 1, 0): away(bx, by, radius * 0.45),
        (0, 0, 1): away(cx, cy, radius * 0.45),
        (1, 1, 0): away((ax + bx) / 2, (ay + by) / 2, radius * 0.3),
        (1, 0, 1): away((ax + cx) / 2, (ay + cy) / 2, radius * 0.3),
        (0, 1, 1): away((bx + cx) / 2, (by + cy) / 2, radius * 0.3),
        (1, 1, 1): (gx, gy),
    }
    for history, (px, py) in places.items():
        count = counts[history]
        out.append(_region_number(x(px), py, count, labels.get(history, f"{count:,}")))
    return out, bottom + LINE + 4


# --- Ordered levels over time (a country's TIP Report tier by year) ------------------------------------------------

LEVEL_ROW = 34  # height of one level's lane
LEVEL_LABEL = 150  # the levels' names column
DOT = 6  # radius of a year's dot


def levels(
    title: str,
    description: str,
    level_names: Sequence[str],
    points: Sequence[tuple[str, int | None, str]],
    *,
    note: str = "",
    id_prefix: str = "levels",
    rtl: bool = False,
    heading: bool = True,
    width: int = WIDTH,
) -> str:
    """An ordered category by time: one lane per level (``level_names``, the first drawn at the top), one column
    per point (label, level index or None, text for its tooltip), a dot in the lane of its level and a line from
    one dot to the next. A point without a level (not ranked that year) has no dot, breaks the line, and is
    named in its column's tooltip. The levels are words, so no reader has to decode a colour or a height."""
    chart = Chart(title, description, (), (), note=note, id_prefix=id_prefix)
    if any(level is not None and not 0 <= level < len(level_names) for _label, level, _text in points):
        raise ValueError("a point's level is outside the levels")
    title_height = TITLE_HEIGHT if heading else 8
    top = title_height + 8
    label_width = min(LEVEL_LABEL, int(width * 0.36))
    plot_left, plot_right = (8, width - label_width) if rtl else (label_width, width - 8)
    plot_width = plot_right - plot_left
    many = len(points) > plot_width // 36
    label_room = 48 if many else 24
    plot_height = LEVEL_ROW * len(level_names)
    base = top + plot_height
    height = base + label_room + LINE * len(_notes(chart, width)) + 8
    out = _head(chart, width, height, rtl=rtl, heading=heading)
    for n, name in enumerate(level_names):
        y = top + n * LEVEL_ROW + LEVEL_ROW / 2
        out.append(
            f'<line x1="{plot_left}" y1="{y:g}" x2="{plot_right}" y2="{y:g}" stroke="{GRID}" stroke-width="0.5"/>'
        )
        label_x = width - 8 if rtl else 8
        out.append(f'<text x="{label_x}" y="{y + 4:g}">{escape(_clip(name, label_width // CHAR))}</text>')
    slot = plot_width / max(len(points), 1)

    def centre(index: int) -> float:
        position = (len(points) - 1 - index) if rtl else index
        return plot_left + position * slot + slot / 2

    previous: tuple[float, float] | None = None
    segments, dots = [], []
    for i, (label, level, text) in enumerate(points):
        x = centre(i)
        if level is None:
            previous = None
            dots.append(f"<g><title>{escape(f'{label}: {text}')}</title></g>")
            continue
        y = top + level * LEVEL_ROW + LEVEL_ROW / 2
        if previous is not None:
            segments.append(
                f'<line x1="{previous[0]:.2f}" y1="{previous[1]:g}" x2="{x:.2f}" y2="{y:g}"'
                f' stroke="{SERIES_COLOURS[0]}" stroke-width="2"/>'
            )
        previous = (x, y)
        dots.append(
            f"<g><title>{escape(f'{label}: {text}')}</title>"
            f'<circle cx="{x:.2f}" cy="{y:g}" r="{DOT}" fill="{SERIES_COLOURS[0]}" stroke="#ffffff"'
            ' stroke-width="1.5"/></g>'
        )
    out += segments + dots
    for i, (label, _level, _text) in enumerate(points):
        x = centre(i)
        text = escape(_clip(label, 10))
        if many:
            out.append(
                f'<text x="{x:.2f}" y="{base + 14}" text-anchor="end" font-size="11"'
                f' transform="rotate(-45 {x:.2f} {base + 14})">{text}</text>'
            )
        else:
            out.append(f'<text x="{x:.2f}" y="{base + 16}" text-anchor="middle" font-size="11">{text}</text>')
    out.append(f'<line x1="{plot_left}" y1="{base}" x2="{plot_right}" y2="{base}" stroke="{OUTLINE}"/>')
    out += _tail(chart, base + label_room, width, rtl=rtl)
    return "\n".join(out) + "\n"


# --- A world map of categories (a treaty's parties, TIP tiers) ------------------------------------------------------

# Distinct on white and on each other, each with text contrast to spare; the legend and every country's tooltip
# name the category, and pages give the same facts as a table, so nothing depends on colour alone.
CATEGORY_COLOURS = ("#0b4f8a", "#6baed6", "#e0a100", "#a4001d", "#5a2d82", "#2e6b30")
MAP_TITLE = 32
MAP_LEGEND_ROW = 22


def category_map(
    title: str,
    description: str,
    categories: Sequence[str],
    values: Mapping[str, int],
    *,
    texts: Mapping[str, str] | None = None,
    no_data: str = "No data",
    names: Callable[[str], str] | None = None,
    id_prefix: str = "catmap",
    heading: bool = True,
    fixed_size: bool = True,
) -> str:
    """A world map whose countries are coloured by a category: ``values`` maps a country code (alpha-2, alpha-3 or
    numeric) to the index of its category in ``categories``; ``texts`` gives a country's tooltip text (default
    the category's name); countries without a value are drawn as "no data". Uses the outlines of
    ``threefold.web.worldmap`` (places counted with another country take its category)."""
    if not _ID.match(id_prefix):
        raise ValueError(f"not a usable id prefix: {id_prefix!r}")
    if len(categories) > len(CATEGORY_COLOURS):
        raise ValueError(f"at most {len(CATEGORY_COLOURS)} categories")
    data = worldmap.world()
    shapes: dict[str, dict[str, object]] = data["countries"]
    by_key: dict[str, int] = {}
    tips: dict[str, str] = {}
    for code, index in values.items():
        key = worldmap.normalise(str(code))
        if key is None:
            continue
        if not 0 <= index < len(categories):
            raise ValueError(f"category {index} of {code!r} is not one of the {len(categories)} categories")
        by_key[key] = index
        if texts and code in texts:
            tips[key] = texts[code]
    name_of = names or worldmap.country_name
    map_width, map_height = (int(float(n)) for n in str(data["viewBox"]).split()[2:])
    top = MAP_TITLE if heading else 0
    entries = [*categories, no_data]
    rows: list[list[tuple[float, int]]] = [[]]
    x = 8.0
    for n, label in enumerate(entries):
        item = 24 + len(label) * 6.8 + 18
        if rows[-1] and x + item > map_width:
            rows.append([])
            x = 8.0
        rows[-1].append((x, n))
        x += item
    legend_top = top + map_height + 8
    total = legend_top + MAP_LEGEND_ROW * len(rows) + 4
    size = f'width="{map_width}" height="{total}"' if fixed_size else 'width="100%"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {map_width} {total}" {size}'
        f' role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<rect width="{map_width}" height="{total}" fill="#ffffff"/>',
    ]
    if heading:
        out.append(
            f'<text x="8" y="22" font-family={quoteattr(FONT)} font-size="16" font-weight="bold" fill="{TEXT}">'
            f"{escape(title)}</text>"
        )
    out.append(
        f'<g transform="translate(0 {top})" stroke="{OUTLINE}" stroke-width="0.5" stroke-linejoin="round"'
        ' fill-rule="evenodd">'
    )
    for key, shape in shapes.items():
        parent = shape.get("part_of")
        source = str(parent) if parent and key not in by_key else key
        name = name_of(key)
        if source != key:
            name = f"{name} ({name_of(source)})"
        category = by_key.get(source)
        fill = NO_DATA_FILL if category is None else CATEGORY_COLOURS[category]
        tip = f"{name}: {no_data if category is None else tips.get(source, categories[category])}"
        out.append(
            f"<path d={quoteattr(str(shape['d']))} fill={quoteattr(fill)} data-key={quoteattr(key)}>"
            f"<title>{escape(tip)}</title></path>"
        )
    out.append("</g>")
    out.append(f'<g font-family={quoteattr(FONT)} font-size="12" fill="{TEXT}">')
    for r, row in enumerate(rows):
        y = legend_top + r * MAP_LEGEND_ROW
        for x_at, n in row:
            fill = NO_DATA_FILL if n == len(categories) else CATEGORY_COLOURS[n]
            out.append(
                f'<rect x="{x_at:g}" y="{y}" width="18" height="12" fill="{fill}" stroke="{OUTLINE}" stroke-width="1"/>'
                f'<text x="{x_at + 24:g}" y="{y + 10}">{escape(entries[n])}</text>'
            )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


NO_DATA_FILL = "#f3f2f1"
