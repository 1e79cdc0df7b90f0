"""The vulnerability map: an organisation's areas coloured by an indicator, drawn on the server as SVG, with a
mark in each area giving the coverage chosen (campaign activities, education sessions...).

Areas with uploaded boundaries are drawn as shapes (``core.layout.project``); when none has boundaries, as a
tile grid, one square per area, so the map works from the first CSV import. The table beside the map on the page
gives the same figures, so nothing is only in the picture. Colours, classes, legend and hatching are the world
map's (``threefold.web.choropleth``); values are drawn in tenths, classed as integers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from threefold.prevent.core.layout import Layout
from threefold.web import choropleth as shared

SCALE = 10  # indicator values are classed in tenths: 12.3 % -> 123


@dataclass(frozen=True)
class MapLabels:
    value: str = "{name}: {value}"
    no_data: str = "{name}: no data"
    coverage: str = "{label}: {count}"
    legend_no_data: str = "No data"
    legend_coverage: str = "Number in the circle: {label}"
    range: str = "{low}\u2013{high}"
    single: str = "{low}"
    summary: str = "{shown} areas with a value, from {low} to {high}."
    summary_none: str = "No area has a value for this indicator."


def _number(tenths: int) -> str:
    return f"{tenths / SCALE:,.1f}"


def draw(
    layout: Layout,
    *,
    names: Mapping[str, str],
    values: Mapping[str, float],
    coverage: Mapping[str, int] | None,
    coverage_label: str,
    title: str,
    labels: MapLabels | None = None,
    number: Callable[[int], str] = _number,
    id_prefix: str = "areamap",
) -> str:
    """The map as an SVG document 100% wide (for inline use in a page); every text escaped."""
    shared.check_id_prefix(id_prefix)
    labels = labels or MapLabels()
    scaled = {code: round(value * SCALE) for code, value in values.items() if code in names}
    positive = {code: v for code, v in scaled.items() if v >= 0}
    breaks = shared.class_breaks(list(positive.values()), 5)
    ramp = shared.ramp_for(breaks)
    legend = shared.value_legend(
        breaks,
        max(positive.values()) if positive else None,
        range_label=labels.range,
        single_label=labels.single,
        number=number,
    )
    legend.append(shared.LegendEntry(labels.legend_no_data, shared.NO_DATA, shared.Status.NO_DATA))
    if coverage is not None:
        legend.append(
            shared.LegendEntry(
                labels.legend_coverage.format(label=coverage_label), "#ffffff", shared.Status.VALUE
            )
        )
    if positive:
        description = labels.summary.format(
            shown=len(positive), low=number(min(positive.values())), high=number(max(positive.values()))
        )
    else:
        description = labels.summary_none

    width = layout.width
    rows = shared.legend_rows(legend, width)
    top = 0
    legend_top = top + layout.height + 8
    total = legend_top + shared.LEGEND_ROW * len(rows) + 4
    out = shared.svg_head(
        id_prefix=id_prefix,
        title=title,
        description=description,
        width=width,
        total=total,
        fixed_size=False,
        hatch_id=f"{id_prefix}-hatch",
    )
    out.append(
        f'<g stroke="{shared.OUTLINE}" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">'
    )
    for place in layout.places:
        name = names.get(place.code, place.code)
        if place.code in positive:
            value = positive[place.code]
            fill = ramp[shared.level(value, breaks)]
            label = labels.value.format(name=name, value=number(value))
        else:
            fill, label = shared.NO_DATA, labels.no_data.format(name=name)
        if coverage is not None:
            label += " · " + labels.coverage.format(label=coverage_label, count=coverage.get(place.code, 0))
        out.append(
            f"<path d={quoteattr(place.d)} fill={quoteattr(fill)} data-key={quoteattr(place.code)}>"
            f"<title>{escape(label)}</title></path>"
        )
    out.append("</g>")
    font = f"font-family={quoteattr(shared.FONT)}"
    if layout.tiles:
        # A tile names its area (the code: names are too long for a square), in dark text on a white pill.
        out.append(f'<g {font} font-size="11" text-anchor="middle" fill="{shared.TEXT}" aria-hidden="true">')
        for place in layout.places:
            x, y = place.centre
            out.append(
                f'<rect x="{x - 26:.1f}" y="{y - 30:.1f}" width="52" height="15" rx="3" fill="#ffffff"/>'
                f'<text x="{x:.1f}" y="{y - 19:.1f}">{escape(place.code[:8])}</text>'
            )
        out.append("</g>")
    if coverage is not None:
        out.append(
            f'<g {font} font-size="11" font-weight="bold" text-anchor="middle" fill="{shared.TEXT}"'
            ' aria-hidden="true">'
        )
        for place in layout.places:
            x, y = place.centre
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="#ffffff" stroke="{shared.OUTLINE}"/>'
                f'<text x="{x:.1f}" y="{y + 4:.1f}">{coverage.get(place.code, 0)}</text>'
            )
        out.append("</g>")
    out.extend(shared.svg_legend(rows, [], legend_top))
    out.append("</svg>")
    return "\n".join(out) + "\n"
