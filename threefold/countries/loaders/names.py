"""Country names as the UN, UNODC and the US State Department spell them, resolved to ISO 3166-1 codes.

Resolution is exact, never fuzzy: a name is normalised (case, spacing, curly apostrophes), then looked up in
``ALIASES`` (spellings pycountry does not know), then in pycountry by short, official and common name. A name
that matches nothing returns None, and every reader reports it as a problem with its line. No guessing:
pycountry's ``search_fuzzy("Republic of Korea")`` answers North Korea, which would put facts on the wrong
country.

Entities without an ISO 3166-1 code are handled deliberately, not dropped (``NON_ISO_ENTITIES``): they are
kept with empty codes and their name as published. Today these are the European Union (a party to the
Palermo Protocol and UNTOC as a regional economic integration organisation) and Sark (reported separately by
UNODC; it has no code of its own and is not folded into Guernsey, which UNODC may report apart).

Kosovo has no ISO 3166-1 code either; it gets the user-assigned ``XK``/``XKX`` that the European Commission,
the IMF, the World Bank and IOM use, so its figures can still be joined with other country data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pycountry


@dataclass(frozen=True)
class Country:
    """A resolved name. ``alpha3``/``alpha2`` are "" for a known entity without an ISO code."""

    alpha3: str
    alpha2: str
    name: str  # pycountry's short name (or the entity's name), not the published spelling

    @property
    def has_iso_code(self) -> bool:
        return bool(self.alpha3)


KOSOVO = Country(alpha3="XKX", alpha2="XK", name="Kosovo")

# Normalised spelling -> alpha-3. Only spellings pycountry does not resolve itself, or resolves only by accident
# of its current version (pycountry renamed Turkey to Türkiye and Swaziland to Eswatini; old files keep the old
# names), plus the UN forms the project is known to meet.
ALIASES: dict[str, str] = {
    "bolivia (plurinational state of)": "BOL",
    "cape verde": "CPV",  # Walk Free 2023 (ISO: Cabo Verde)
    "china, hong kong special administrative region": "HKG",
    "hong kong": "HKG",
    "china, macao special administrative region": "MAC",
    "macao": "MAC",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "curacao": "CUW",
    "czech republic": "CZE",
    "democratic republic of the congo": "COD",
    "congo, the democratic republic of the": "COD",
    "democratic people's republic of korea": "PRK",
    "republic of korea": "KOR",
    "holy see": "VAT",
    "iran (islamic republic of)": "IRN",
    "lao people's democratic republic": "LAO",
    "lao pdr": "LAO",  # Walk Free 2023
    "macedonia, the former yugoslav republic of": "MKD",
    "the former yugoslav republic of macedonia": "MKD",
    "micronesia (federated states of)": "FSM",
    "netherlands (kingdom of the)": "NLD",
    "republic of moldova": "MDA",
    "russian federation": "RUS",
    "russia": "RUS",  # Walk Free 2023
    "state of palestine": "PSE",
    "st. kitts and nevis": "KNA",
    "st. lucia": "LCA",
    "st. vincent and the grenadines": "VCT",
    "swaziland": "SWZ",
    "syrian arab republic": "SYR",
    "taiwan, province of china": "TWN",
    "turkey": "TUR",
    "türkiye": "TUR",
    "united kingdom of great britain and northern ireland": "GBR",
    "united republic of tanzania": "TZA",
    "united states of america": "USA",
    "venezuela (bolivarian republic of)": "VEN",
    "viet nam": "VNM",
}

# Normalised spelling -> the resolution itself, for names that have no ISO 3166-1 alpha-3 in pycountry.
SPECIAL_CASES: dict[str, Country] = {
    "kosovo": KOSOVO,
    "kosovo under unscr 1244": KOSOVO,
    "kosovo under unsc resolution 1244": KOSOVO,
    "kosovo (under unscr 1244)": KOSOVO,
}

NON_ISO_ENTITIES: dict[str, Country] = {
    "european union": Country(alpha3="", alpha2="", name="European Union"),
    "sark": Country(alpha3="", alpha2="", name="Sark"),
}

# Codes some files use for Kosovo (the TIP tier file has "KOS"), read as the code this module assigns.
CODE_ALIASES: dict[str, str] = {"KOS": "XKX", "XKK": "XKX", "RKS": "XKX"}

_SPACES = re.compile(r"\s+")
# Curly and modifier apostrophes (U+2019 in UNODC's spelling of Côte d'Ivoire), and backticks.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def normalise(name: str) -> str:
    return _SPACES.sub(" ", name.translate(_APOSTROPHES)).strip().casefold()


def _from_pycountry(alpha3: str) -> Country:
    entry = pycountry.countries.get(alpha_3=alpha3)
    if entry is None:  # an alias pointing at a code pycountry dropped: a bug in ALIASES, not in the data
        raise LookupError(f"ALIASES names {alpha3}, which pycountry does not know")
    return Country(alpha3=entry.alpha_3, alpha2=entry.alpha_2, name=entry.name)


def resolve_country(name: str) -> Country | None:
    """The country (or known non-ISO entity) a published name means, or None if it matches nothing exactly."""
    key = normalise(name)
    if not key:
        return None
    if key in SPECIAL_CASES:
        return SPECIAL_CASES[key]
    if key in NON_ISO_ENTITIES:
        return NON_ISO_ENTITIES[key]
    if key in ALIASES:
        return _from_pycountry(ALIASES[key])
    # pycountry compares these case-insensitively; get() returns None when nothing matches.
    entry = (
        pycountry.countries.get(name=key)
        or pycountry.countries.get(official_name=key)
        or pycountry.countries.get(common_name=key)
    )
    return None if entry is None else Country(alpha3=entry.alpha_3, alpha2=entry.alpha_2, name=entry.name)


def resolve_code(alpha3: str) -> Country | None:
    """The country an alpha-3 code means (with the Kosovo codes some files use), or None."""
    code = CODE_ALIASES.get(alpha3.strip().upper(), alpha3.strip().upper())
    if code == KOSOVO.alpha3:
        return KOSOVO
    entry = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    return None if entry is None else Country(alpha3=entry.alpha_3, alpha2=entry.alpha_2, name=entry.name)
