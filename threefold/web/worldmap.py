"""A world choropleth map drawn on the server as SVG: countries coloured by a count (say, of victims by country of
citizenship or of exploitation), for statistics dashboards. No JavaScript and no inline styles: SVG presentation
attributes only, so the Content-Security-Policy holds.

The country outlines come from ``data/world_110m.json``, generated once by ``tools/build_world_map.py`` from
Natural Earth 1:110m (public domain) through the npm package world-atlas (ISC); nothing downloads at run time.

``choropleth`` decides what each country shows; a template can draw the ``WorldMap`` it returns, and ``to_svg``
draws it as a complete SVG document, for a download or for use inline. A count that a page may not publish is
never used, not even to choose the class breaks: a country in ``hidden`` or ``fewer_than`` is drawn hatched and
reads "hidden" or "fewer than k", whatever value ``values`` holds for it.

Keys are ISO 3166-1 alpha-2 codes; alpha-3 and numeric codes are converted. Natural Earth draws three places
without an ISO code: Kosovo (``XK``), Northern Cyprus (``n-cyprus``, counted with ``CY``) and Somaliland
(``somaliland``, counted with ``SO``). Countries too small for the 1:110m outlines (Singapore, Malta, Bahrain...)
are not drawn: ``WorldMap.not_drawn`` lists the ones that have data, and ``to_svg`` names them under the map.
Crimea is drawn as part of Ukraine (ISO 3166, UN General Assembly resolution 68/262; see the build script).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pycountry

# The map's colours, classes and legend are shared with every choropleth of the project; they are re-exported
# here because callers and tests know them as ``worldmap.*``.
from threefold.web.choropleth import (  # noqa: F401
    FONT,
    HIDDEN_BACKGROUND,
    LEGEND_ROW,
    MAX_CLASSES,
    NO_DATA,
    OUTLINE,
    RAMPS,
    TEXT,
    TITLE_HEIGHT,
    LegendEntry,
    Status,
    check_id_prefix,
    clamp_classes,
    class_breaks,
    clip_text,
    legend_rows,
    ramp_for,
    svg_head,
    svg_heading,
    svg_legend,
    value_legend,
)
from threefold.web.choropleth import level as level_of

DATA_FILE = Path(__file__).resolve().parent / "data" / "world_110m.json"


@dataclass(frozen=True)
class Labels:
    """Every text the map writes, as ``str.format`` templates, so that a page can pass translated ones. The
    templates are trusted; the values put into them (names, numbers) are escaped when drawn."""

    value: str = "{name}: {value}"
    fewer_than: str = "{name}: fewer than {k}"
    hidden: str = "{name}: hidden"
    no_data: str = "{name}: no data"
    counted_with: str = "{name} (counted with {parent})"
    legend_fewer_than: str = "Fewer than {k}"
    legend_hidden: str = "Hidden"
    legend_fewer_than_or_hidden: str = "Fewer than {k} or hidden"
    legend_no_data: str = "No data"
    range: str = "{low}\u2013{high}"  # an en dash
    single: str = "{low}"
    not_drawn: str = "Too small to draw: {items}"
    summary: str = "{shown} countries with counts, from {low} to {high}."
    summary_none: str = "No country has a count that can be shown."
    summary_hidden: str = "Hidden: {names}."
    separator: str = ", "  # between names
    item_separator: str = "; "  # between "name: value" items
    number: Callable[[int], str] = str


@dataclass(frozen=True)
class CountryShape:
    key: str
    name: str  # as shown, "Somaliland (counted with Somalia)" for a part counted with another country
    d: str  # SVG path data in the map's viewBox
    fill: str
    status: Status
    label: str  # the text for the shape's <title>: name and value, "fewer than k", "hidden" or "no data"
    value: int | None = None  # only when shown
    level: int | None = None  # the class (0 = lightest) when shown


@dataclass(frozen=True)
class WorldMap:
    title: str
    description: str
    view_box: str
    width: int
    height: int
    countries: tuple[CountryShape, ...]
    legend: tuple[LegendEntry, ...]
    breaks: tuple[int, ...]  # lower bound of each value class, increasing
    not_drawn: tuple[tuple[str, str], ...]  # (key, label) of countries with data but no outline at this scale
    note: str  # the sentence naming them ("" when there are none), drawn under the legend
    unknown_codes: tuple[str, ...]  # keys of ``values``/``hidden`` that are no country code, as given
    id_prefix: str
    source: str
    hatch_id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hatch_id", f"{self.id_prefix}-hatch")


@cache
def world() -> dict[str, Any]:
    """The generated outlines (see tools/build_world_map.py), read once."""
    with DATA_FILE.open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


def normalise(code: str) -> str | None:
    """An ISO 3166-1 alpha-2 code (or a key of the map's own, like ``XK``) for an alpha-2, alpha-3 or numeric
    code in any case; None when it is none of these."""
    text = code.strip()
    shapes = world()["countries"]
    if text in shapes:
        return text
    upper = text.upper()
    if upper in shapes or upper == "XK":
        return upper
    if upper == "XKX":  # Kosovo's user-assigned alpha-3
        return "XK"
    country = None
    if len(upper) == 2 and upper.isalpha():
        country = pycountry.countries.get(alpha_2=upper)
    elif len(upper) == 3 and upper.isalpha():
        country = pycountry.countries.get(alpha_3=upper)
    elif len(upper) == 3 and upper.isdigit():
        country = pycountry.countries.get(numeric=upper)
    return str(country.alpha_2) if country is not None else None


def country_name(key: str) -> str:
    """The English name of a key: the map's own name, pycountry's, or the key itself."""
    shape = world()["countries"].get(key)
    if shape is not None:
        return str(shape["name"])
    country = pycountry.countries.get(alpha_2=key) if len(key) == 2 else None
    return str(country.name) if country is not None else key


def choropleth(
    values: Mapping[str, int | None],
    *,
    hidden: Collection[str] = (),
    fewer_than: Collection[str] = (),
    k: int | None = None,
    title: str,
    description: str | None = None,
    classes: int = 5,
    names: Mapping[str, str] | Callable[[str], str] | None = None,
    labels: Labels | None = None,
    id_prefix: str = "worldmap",
) -> WorldMap:
    """What the map shows for ``values`` (counts by country code).

    ``hidden``: countries whose count is suppressed ("hidden"); ``fewer_than``: countries whose count is
    suppressed for being small ("fewer than k", needs ``k``). A value of None in ``values`` counts as hidden.
    Both are drawn hatched, named in the legend, and their values are never used. ``names`` gives the name of
    an alpha-2 key (say, in the reader's language; a mapping or a function); by default the English name.
    ``id_prefix`` starts the ids of the SVG's elements: give each map on one page its own.
    """
    check_id_prefix(id_prefix)
    if fewer_than and k is None:
        raise ValueError("fewer_than needs k")
    labels = labels or Labels()
    classes = clamp_classes(classes)
    data = world()
    shapes: dict[str, dict[str, Any]] = data["countries"]

    def name_of(key: str) -> str:
        if callable(names):
            return str(names(key))
        if names is not None and key in names:
            return str(names[key])
        return country_name(key)

    unknown: list[str] = []
    counts: dict[str, int] = {}
    suppressed: set[str] = set()
    small: set[str] = set()  # the suppressed ones that read "fewer than k"
    given: dict[str, str] = {}
    for code, value in values.items():
        key = normalise(str(code))
        if key is None:
            unknown.append(str(code))
            continue
        if key in given:
            raise ValueError(f"{code!r} and {given[key]!r} are the same country")
        given[key] = str(code)
        if value is None:
            suppressed.add(key)
        else:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"the value for {code!r} is not a count: {value!r}")
            counts[key] = value
    for codes, is_small in ((hidden, False), (fewer_than, True)):
        for code in codes:
            key = normalise(str(code))
            if key is None:
                unknown.append(str(code))
                continue
            suppressed.add(key)
            counts.pop(key, None)  # a suppressed count is never used, not even for the class breaks
            if is_small:
                small.add(key)

    breaks = class_breaks(list(counts.values()), classes)
    ramp = ramp_for(breaks)
    hatch = f"url(#{id_prefix}-hatch)"

    def describe(key: str, name: str) -> tuple[Status, str, str, int | None, int | None]:
        """(status, fill, label, value, level) of the count recorded under ``key``."""
        if key in suppressed:
            if key in small:
                return Status.HIDDEN, hatch, labels.fewer_than.format(name=name, k=k), None, None
            return Status.HIDDEN, hatch, labels.hidden.format(name=name), None, None
        if key in counts:
            value = counts[key]
            level = level_of(value, breaks)
            label = labels.value.format(name=name, value=labels.number(value))
            return Status.VALUE, ramp[level], label, value, level
        return Status.NO_DATA, NO_DATA, labels.no_data.format(name=name), None, None

    countries = []
    sources = set()  # the keys whose count some shape shows
    for key, shape in shapes.items():
        name = name_of(key)
        # A place that case data records under another country's code takes that country's count, unless the
        # caller gave one for the place itself.
        parent = shape.get("part_of")
        source = parent if parent and key not in counts and key not in suppressed else key
        if source != key:
            name = labels.counted_with.format(name=name, parent=name_of(source))
        sources.add(source)
        status, fill, label, value, level = describe(source, name)
        countries.append(CountryShape(key, name, shape["d"], fill, status, label, value, level))

    not_drawn = tuple(
        (key, describe(key, name_of(key))[2]) for key in sorted({*counts, *suppressed} - sources)
    )
    note = (
        labels.not_drawn.format(items=labels.item_separator.join(label for _, label in not_drawn))
        if not_drawn
        else ""
    )

    legend = value_legend(
        breaks,
        max(counts.values()) if counts else None,
        range_label=labels.range,
        single_label=labels.single,
        number=labels.number,
    )
    hidden_names = tuple(sorted(shape.name for shape in countries if shape.status is Status.HIDDEN))
    if hidden_names:
        shown_small = small & sources
        if shown_small and (suppressed & sources) - shown_small:
            hidden_label = labels.legend_fewer_than_or_hidden.format(k=k)
        elif shown_small:
            hidden_label = labels.legend_fewer_than.format(k=k)
        else:
            hidden_label = labels.legend_hidden
        legend.append(LegendEntry(hidden_label, hatch, Status.HIDDEN, names=hidden_names))
    legend.append(LegendEntry(labels.legend_no_data, NO_DATA, Status.NO_DATA))

    if description is None:
        if counts:
            low, high = min(counts.values()), max(counts.values())
            description = labels.summary.format(
                shown=len(counts), low=labels.number(low), high=labels.number(high)
            )
        else:
            description = labels.summary_none
        if hidden_names:
            description += " " + labels.summary_hidden.format(names=labels.separator.join(hidden_names))
        if note:
            description += " " + note

    width, height = (int(float(n)) for n in data["viewBox"].split()[2:])
    return WorldMap(
        title=title,
        description=description,
        view_box=data["viewBox"],
        width=width,
        height=height,
        countries=tuple(countries),
        legend=tuple(legend),
        breaks=breaks,
        not_drawn=not_drawn,
        note=note,
        unknown_codes=tuple(dict.fromkeys(unknown)),
        id_prefix=id_prefix,
        source=str(data["source"]),
    )


# --- SVG --------------------------------------------------------------------------------------------------------


def to_svg(world_map: WorldMap, *, heading: bool = True, fixed_size: bool = True) -> str:
    """The map as a complete SVG document (for a download, or inline in a page): a visible heading (unless
    ``heading`` is False), the countries with a <title> each, and the legend. Every text is escaped.

    ``fixed_size`` gives the document its natural width and height in pixels, as a file needs; without it the
    map is 100% wide and as high as its aspect ratio makes it, to fill its box in a page."""
    m = world_map
    top = TITLE_HEIGHT if heading else 0
    rows = legend_rows(m.legend, m.width)
    notes = [clip_text(m.note, m.width)] if m.note else []
    legend_top = top + m.height + 8
    total = legend_top + LEGEND_ROW * (len(rows) + len(notes)) + 4
    out = svg_head(
        id_prefix=m.id_prefix,
        title=m.title,
        description=m.description,
        width=m.width,
        total=total,
        fixed_size=fixed_size,
        hatch_id=m.hatch_id,
    )
    if heading:
        out.append(svg_heading(m.title))
    out.append(
        f'<g transform="translate(0 {top})" stroke="{OUTLINE}" stroke-width="0.5" stroke-linejoin="round"'
        ' fill-rule="evenodd">'
    )
    for shape in m.countries:
        out.append(
            f"<path d={quoteattr(shape.d)} fill={quoteattr(shape.fill)}"
            f" data-key={quoteattr(shape.key)}><title>{escape(shape.label)}</title></path>"
        )
    out.append("</g>")
    out.extend(svg_legend(rows, notes, legend_top))
    out.append("</svg>")
    return "\n".join(out) + "\n"
