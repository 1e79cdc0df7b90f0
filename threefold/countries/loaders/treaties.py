"""Reader for the UN Treaty Collection status of the Palermo Protocol (XVIII-12-a) and UNTOC (XVIII-12).

Layout (the zmjones/untreaties scrape of Jan 2014, one file per treaty)::

    Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"
    Bahrain,,7 Jun 2004 a

Dates are ``D Mon YYYY`` with English month abbreviations. The third column's date may be followed by the
UN's mark for how the state became a party: none = ratification, ``A`` acceptance, ``AA`` approval,
``a`` accession, ``d`` succession (the marks are case-sensitive: ``A`` and ``a`` differ). An empty cell
means "not done": a participant may have signed without ratifying, or acceded without signing.

Checked per line: the participant resolves to a country (or a known non-ISO entity, the European Union),
each date is a real date in that exact form and not before the treaty opened for signature, a ratification
is not before the signature, the participant has at least one date, and no participant or country appears
twice. Trailing footnote numbers on a participant ("Denmark 3", as on UNTC pages) are ignored for resolution
and kept in the published name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from threefold.countries.loaders.csvfile import read_csv
from threefold.countries.loaders.names import Country, resolve_country
from threefold.countries.loaders.results import Parsed, Problem


class Treaty(StrEnum):
    PROTOCOL = "palermo_protocol"  # Protocol to Prevent, Suppress and Punish Trafficking in Persons
    UNTOC = "untoc"  # United Nations Convention against Transnational Organized Crime
    # Regional instruments: no UNTC file; their status is kept in the Threefold layout (loaders.shipped).
    CETS_197 = "coe_cets_197"  # Council of Europe Convention on Action against Trafficking in Human Beings
    ACTIP = "asean_actip"  # ASEAN Convention against Trafficking in Persons, Especially Women and Children


class Action(StrEnum):
    """How a participant became a party (the mark after the date in the third column)."""

    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"
    SUCCESSION = "succession"


HEADER = (
    "Participant",
    "Signature",
    "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)",
)
# Both were adopted by General Assembly resolution 55/25 and opened for signature in Palermo on 12 Dec 2000:
# an earlier date in either column is a typo, not a fact.
OPENED_FOR_SIGNATURE: dict[Treaty, dt.date] = {
    Treaty.PROTOCOL: dt.date(2000, 12, 12),
    Treaty.UNTOC: dt.date(2000, 12, 12),
    # Opened for signature in Warsaw on 16 May 2005 (Council of Europe, see reference/countries/README.md).
    Treaty.CETS_197: dt.date(2005, 5, 16),
    # Signed by the ten ASEAN leaders in Kuala Lumpur on 21 November 2015 (see reference/countries/README.md).
    Treaty.ACTIP: dt.date(2015, 11, 21),
}
MARKS: dict[str, Action] = {
    "": Action.RATIFICATION,
    "A": Action.ACCEPTANCE,
    "AA": Action.APPROVAL,
    "a": Action.ACCESSION,
    "d": Action.SUCCESSION,
}
# Our own table rather than strptime's %b, whose month names follow the process locale.
MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
_DATE = re.compile(r"(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]{2}) (?P<year>\d{4})(?: (?P<mark>AA|A|a|d))?")
_FOOTNOTE = re.compile(r"\s*\d+$")


@dataclass(frozen=True)
class TreatyRow:
    line: int
    treaty: Treaty
    participant: str  # as published
    country: Country
    signed_on: dt.date | None
    ratified_on: dt.date | None
    action: Action | None  # None when the participant has not (yet) become a party
    evidence: str = (
        ""  # where this row's facts were read (hand-kept lists of regional instruments); "" = the file
    )


class _BadDate(ValueError):
    pass


def _parse_date(cell: str, *, marks_allowed: bool) -> tuple[dt.date | None, str]:
    """The date in a cell and the mark after it ("" for none); (None, "") for an empty cell."""
    text = cell.strip()
    if not text:
        return None, ""
    match = _DATE.fullmatch(text)
    if match is None or match["month"] not in MONTHS or (match["mark"] and not marks_allowed):
        raise _BadDate(
            f"{text!r} is not a date like '12 Dec 2000'" + (" [a|A|AA|d]" if marks_allowed else "")
        )
    try:
        day = dt.date(int(match["year"]), MONTHS[match["month"]], int(match["day"]))
    except ValueError:
        raise _BadDate(f"{text!r} is not a real date") from None
    return day, match["mark"] or ""


def parse_treaty_status(path: Path, treaty: Treaty) -> Parsed[TreatyRow]:
    rows: list[TreatyRow] = []
    problems: list[Problem] = []
    notes: list[str] = []
    seen_participants: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    rows_read = 0
    for line, cells in read_csv(path, HEADER):
        rows_read += 1
        if len(cells) != len(HEADER):
            problems.append(Problem(line, f"expected {len(HEADER)} cells, found {len(cells)}"))
            continue
        participant, signature, ratification = (cell.strip() for cell in cells)
        line_problems: list[str] = []
        country = resolve_country(_FOOTNOTE.sub("", participant))
        if country is None:
            line_problems.append(f"unknown country or participant {participant!r}")
        try:
            signed_on, _ = _parse_date(signature, marks_allowed=False)
        except _BadDate as exc:
            line_problems.append(f"signature: {exc}")
            signed_on = None
        try:
            ratified_on, mark = _parse_date(ratification, marks_allowed=True)
        except _BadDate as exc:
            line_problems.append(f"ratification: {exc}")
            ratified_on, mark = None, ""
        opened = OPENED_FOR_SIGNATURE[treaty]
        for label, day in (("signature", signed_on), ("ratification", ratified_on)):
            if day is not None and day < opened:
                line_problems.append(
                    f"{label} {day.isoformat()} is before the treaty opened on {opened.isoformat()}"
                )
        if signed_on and ratified_on and ratified_on < signed_on:
            line_problems.append(f"ratified {ratified_on.isoformat()} before signing {signed_on.isoformat()}")
        if not signature and not ratification:
            line_problems.append("neither a signature nor a ratification date")
        if participant in seen_participants:
            line_problems.append(f"{participant!r} already on line {seen_participants[participant]}")
        elif country is not None and country.alpha3 in seen_codes:
            line_problems.append(f"{country.alpha3} already on line {seen_codes[country.alpha3]}")
        if line_problems or country is None:
            problems.extend(Problem(line, message) for message in line_problems)
            continue
        seen_participants[participant] = line
        if country.has_iso_code:
            seen_codes[country.alpha3] = line
        else:
            notes.append(f"line {line}: {participant!r} has no ISO 3166-1 code; kept with empty codes")
        rows.append(
            TreatyRow(
                line=line,
                treaty=treaty,
                participant=participant,
                country=country,
                signed_on=signed_on,
                ratified_on=ratified_on,
                action=MARKS[mark] if ratified_on else None,
            )
        )
    return Parsed(rows=tuple(rows), problems=tuple(problems), notes=tuple(notes), rows_read=rows_read)
