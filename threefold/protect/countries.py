"""Country names in the reader's language, from ISO 3166 codes (pycountry ships the iso-codes translations)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=16)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str | None = None) -> str:
    """The name of an ISO 3166-1 alpha-2 country in ``language`` (default: the active one); unknown codes as given."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    if country is None:
        return code
    return _catalogue((language or get_language() or "en").split("-")[0]).gettext(country.name)


def country_choices() -> list[tuple[str, str]]:
    """Every country as (code, name in the active language), sorted by name, for select boxes."""
    return sorted(
        ((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries), key=lambda pair: pair[1]
    )
