"""How each kind of reference file is cited, and on what terms it is used (stored with every load)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    text: str
    terms: str


GLOTIP = Citation(
    text=(
        "UNODC (United Nations Office on Drugs and Crime), Global Report on Trafficking in Persons (GLOTIP): "
        "country data, UNODC data portal export."
    ),
    terms="UNODC data portal terms of use: figures may be reused with UNODC cited as the source.",
)
PALERMO_PROTOCOL = Citation(
    text=(
        "United Nations Treaty Collection, Status of Treaties, chapter XVIII-12-a: Protocol to Prevent, Suppress "
        "and Punish Trafficking in Persons, Especially Women and Children (as scraped in January 2014 by the "
        "zmjones/untreaties project)."
    ),
    terms="Facts of public record; the scrape carries no licence, so only the facts are used, with the source.",
)
UNTOC = Citation(
    text=(
        "United Nations Treaty Collection, Status of Treaties, chapter XVIII-12: United Nations Convention "
        "against Transnational Organized Crime (as scraped in January 2014 by the zmjones/untreaties project)."
    ),
    terms="Facts of public record; the scrape carries no licence, so only the facts are used, with the source.",
)
TIP_TIERS = Citation(
    text=(
        "US Department of State, Trafficking in Persons Report, tier placements 1999-2015, as compiled by "
        "Andrew Heiss (github andrewheiss/From-the-Trenches)."
    ),
    terms="Facts of public record (a US government report); the compilation carries no licence file.",
)
