"""What every choropleth map of the project shares, whatever it draws (the world's countries in
``threefold.web.worldmap``, an organisation's administrative areas in ``threefold.prevent.areamap``): class breaks,
colour ramps, the legend and its layout, the hatching of hidden values, and the SVG head.

Pure Python, no Django: SVG presentation attributes only (no inline styles), so the Content-Security-Policy holds.
Every text is escaped where it is drawn; the callers pass translated labels.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from xml.sax.saxutils import escape, quoteattr

# Sequential single-hue blue ramps (after ColorBrewer "Blues"; safe for every common colour vision deficiency),
# one per number of classes, light to dark; the lightest is still clearly darker than NO_DATA.
RAMPS: dict[int, tuple[str, ...]] = {
    1: ("#2171b5",),
    2: ("#9ecae1", "#08519c"),
    3: ("#c6dbef", "#4292c6", "#08306b"),
    4: ("#c6dbef", "#6baed6", "#2171b5", "#08306b"),
    5: ("#c6dbef", "#9ecae1", "#4292c6", "#08519c", "#08306b"),
    6: ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"),
}
MAX_CLASSES = max(RAMPS)
NO_DATA = "#f3f2f1"
HIDDEN_BACKGROUND = "#f3f2f1"
# Outlines, hatching, legend borders and text: at least 4.5:1 against white and against NO_DATA, so that
# swatches and shapes meet the WCAG 2.1 non-text contrast minimum (3:1) whatever their fill.
OUTLINE = "#505a5f"
TEXT = "#0b0c0c"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")

TITLE_HEIGHT = 32
LEGEND_ROW = 22
SWATCH = (18, 12)
CHAR_WIDTH = 6.8  # a generous guess at the mean width of a 12 px character, to lay out the legend


class Status(StrEnum):
    VALUE = "value"
    HIDDEN = "hidden"
    NO_DATA = "no-data"


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str  # a colour, or url(#...) for the hatching
    status: Status
    low: int | None = None  # the class's range, for VALUE entries
    high: int | None = None
    names: tuple[str, ...] = ()  # for HIDDEN: the names of the hidden places drawn on the map

    @property
    def countries(self) -> tuple[str, ...]:
        """The world map's name for ``names``."""
        return self.names


def check_id_prefix(id_prefix: str) -> None:
    if not ID_PATTERN.match(id_prefix):
        raise ValueError(f"id_prefix must be a letter and then letters, digits, _ or -: {id_prefix!r}")


def nice(value: int) -> int:
    """A round number near ``value`` (one significant digit from 10 up), to start a class at."""
    if value < 10:
        return value
    magnitude = 10 ** (len(str(value)) - 1)
    return max(magnitude, round(value / magnitude) * magnitude)


def class_breaks(values: Collection[int], classes: int = 5) -> tuple[int, ...]:
    """Lower bounds of at most ``classes`` classes over ``values``: the first is the smallest value, the others
    are quantiles rounded to nice numbers; every class holds at least one value."""
    if not values:
        return ()
    ordered = sorted(values)
    candidates = sorted(
        {nice(ordered[min(len(ordered) - 1, (len(ordered) * i) // classes)]) for i in range(1, classes)}
    )
    breaks = [ordered[0]]
    for candidate in candidates:
        if candidate <= breaks[-1]:
            continue
        # Keep the break only when both the class it closes and the one it opens hold a value.
        if any(breaks[-1] <= v < candidate for v in ordered) and any(v >= candidate for v in ordered):
            breaks.append(candidate)
    return tuple(breaks)


def level(value: int, breaks: tuple[int, ...]) -> int:
    """The class (0 = lightest) of ``value``."""
    return max(0, bisect.bisect_right(breaks, value) - 1)


def ramp_for(breaks: tuple[int, ...]) -> tuple[str, ...]:
    return RAMPS[len(breaks)] if breaks else ()


def clamp_classes(classes: int) -> int:
    return max(1, min(MAX_CLASSES, classes))


def value_legend(
    breaks: tuple[int, ...],
    largest: int | None,
    *,
    range_label: str,
    single_label: str,
    number: Callable[[int], str],
) -> list[LegendEntry]:
    """One legend entry per value class: "low-high", or "low" when the class holds one number."""
    if not breaks or largest is None:
        return []
    highs = [*(b - 1 for b in breaks[1:]), largest]
    return [
        LegendEntry(
            (single_label if low == high else range_label).format(low=number(low), high=number(high)),
            colour,
            Status.VALUE,
            low,
            high,
        )
        for colour, low, high in zip(ramp_for(breaks), breaks, highs, strict=True)
    ]


# --- SVG --------------------------------------------------------------------------------------------------------


def legend_rows(entries: Sequence[LegendEntry], width: int) -> list[list[tuple[float, LegendEntry]]]:
    """Legend items left to right, wrapped to ``width``: rows of (x, entry)."""
    rows: list[list[tuple[float, LegendEntry]]] = [[]]
    x = 8.0
    for entry in entries:
        item = SWATCH[0] + 6 + len(entry.label) * CHAR_WIDTH + 18
        if rows[-1] and x + item > width:
            rows.append([])
            x = 8.0
        rows[-1].append((x, entry))
        x += item
    return rows


def clip_text(text: str, width: int) -> str:
    limit = int((width - 16) / CHAR_WIDTH)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg_head(
    *, id_prefix: str, title: str, description: str, width: int, total: int, fixed_size: bool, hatch_id: str
) -> list[str]:
    """The opening of the document: the root element, its accessible name and description, and the hatching."""
    p = id_prefix
    size = f'width="{width}" height="{total}"' if fixed_size else 'width="100%"'
    return [
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1"'
        f' viewBox="0 0 {width} {total}" {size}'
        f' role="img" aria-labelledby="{p}-title {p}-desc">',
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{hatch_id}" patternUnits="userSpaceOnUse" width="4" height="4"'
        ' patternTransform="rotate(45)">'
        f'<rect width="4" height="4" fill="{HIDDEN_BACKGROUND}"/>'
        f'<line x1="1" y1="0" x2="1" y2="4" stroke="{OUTLINE}" stroke-width="1.2"/></pattern></defs>',
    ]


def svg_heading(title: str) -> str:
    font = f"font-family={quoteattr(FONT)}"
    return f'<text x="8" y="22" {font} font-size="16" font-weight="bold" fill="{TEXT}">{escape(title)}</text>'


def svg_legend(
    rows: list[list[tuple[float, LegendEntry]]], notes: Sequence[str], legend_top: int
) -> list[str]:
    """The legend rows (a swatch and its label, the hidden places' names in a tooltip), then the notes."""
    font = f"font-family={quoteattr(FONT)}"
    out = [f'<g {font} font-size="12" fill="{TEXT}">']
    for r, row in enumerate(rows):
        y = legend_top + r * LEGEND_ROW
        for x, entry in row:
            tip = entry.label
            if entry.names:
                tip += ": " + ", ".join(entry.names)
            out.append(
                f"<g><title>{escape(tip)}</title>"
                f'<rect x="{x:g}" y="{y}" width="{SWATCH[0]}" height="{SWATCH[1]}" fill={quoteattr(entry.fill)}'
                f' stroke="{OUTLINE}" stroke-width="1"/>'
                f'<text x="{x + SWATCH[0] + 6:g}" y="{y + 10}">{escape(entry.label)}</text></g>'
            )
    for n, note in enumerate(notes):
        y = legend_top + (len(rows) + n) * LEGEND_ROW + 10
        out.append(f'<text x="8" y="{y}">{escape(note)}</text>')
    out.append("</g>")
    return out
