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
        "and Punish Trafficking in Persons, Especially Women and Children (in the layout of the zmjones/untreaties "
        "scrape of the UNTC pages)."
    ),
    terms="Facts of public record; the scrape carries no licence, so only the facts are used, with the source.",
)
UNTOC = Citation(
    text=(
        "United Nations Treaty Collection, Status of Treaties, chapter XVIII-12: United Nations Convention "
        "against Transnational Organized Crime (in the layout of the zmjones/untreaties scrape of the UNTC "
        "pages)."
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
COUNTRIES = Citation(
    text=(
        "ISO 3166-1 country codes (as in the pycountry package); UN M49 regions and sub-regions as given in the "
        "Region and Subregion columns of the UNODC GLOTIP country data export."
    ),
    terms="Codes and region names are facts of public record; the regions are cited to UNODC.",
)
CRIMINALISATION = Citation(
    text=(
        "Judith G. Kelley, Scorecard Diplomacy: criminalisation of trafficking in persons by country, 2001 and "
        "2014 (map data of the book's replication material)."
    ),
    terms="Facts (a coding of national laws); the file carries no licence, so only the facts are used, cited.",
)
WALK_FREE = Citation(
    text=(
        "Walk Free, Global Slavery Index 2023: estimated prevalence of modern slavery per 1,000 people and "
        "estimated number of people in modern slavery, by country (as compiled in github br04aman/Datathon)."
    ),
    terms="Walk Free's terms of use apply: estimates, cited to Walk Free's Global Slavery Index 2023.",
)
CETS_197 = Citation(
    text=(
        "Council of Europe Convention on Action against Trafficking in Human Beings (CETS No. 197), Warsaw, "
        "16 May 2005: signatures and ratifications as listed in the imported file, each row with its source."
    ),
    terms="Facts of public record, each row citing where it was read.",
)
ACTIP = Citation(
    text=(
        "ASEAN Convention against Trafficking in Persons, Especially Women and Children (ACTIP), Kuala Lumpur, "
        "21 November 2015: ratifications as listed in the imported file, each row with its source."
    ),
    terms="Facts of public record, each row citing where it was read.",
)
