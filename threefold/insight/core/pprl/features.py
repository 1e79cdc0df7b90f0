"""What is encoded of each value: the normalised "elements" (q-grams, tokens, codes) of a field.

An element is a short byte string with a one-letter tag saying what it is; the encoder hashes each element of a
field with that field's key into k bit positions. Two values are similar when they share elements.

* **name** (given names and family names, combined in one field so that swapping them does not matter):
  ``threefold.vault.names`` transliterates every script to Latin (anyascii), drops diacritics and punctuation and
  sorts the tokens. Each token gives its padded q-grams ("_o", "ol", ..., "a_"), the token itself and its
  Metaphone code (the same coarse code as the vault's phonetic blind index). A token is encoded on its own, so
  "Olena" alone shares all of its elements with "Olena Kovalenko", and name order changes nothing at all.
* **date** (of birth, possibly approximate): year, month and day are separate elements, so a wrong day leaves the
  year and month agreeing; three year bands of width 3 (offsets 0, 1, 2) make nearby years share elements:
  two dates 0, 1, 2 and 3+ years apart share 4, 2, 1 and 0 of the four year elements. A year-only date, an
  estimated date (from an age) and 1 January (the usual placeholder for an unknown day, so month and day are
  not encoded: a true 1 January birthday loses only those two elements) encode the year elements only.
* **sex**: one element, after mapping common spellings ("F", "female", "woman") to one code; "unknown" is
  missing.
* **category** (country codes, state): the whole normalised value is one element.
* **text** (places, identifiers): the padded q-grams of each token and the token itself.

Missing values (None, "", only punctuation) give no elements: they neither agree nor disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from threefold.vault.names import name_tokens, normalise_text, phonetic_name_key

__all__ = [
    "KINDS",
    "TOKEN_KINDS",
    "DateOfBirth",
    "Kind",
    "elements",
    "parse_date",
    "parse_sex",
    "token_elements",
    "tokens",
]

Kind = Literal["name", "date", "sex", "category", "text"]
KINDS: Final[tuple[Kind, ...]] = ("name", "date", "sex", "category", "text")
TOKEN_KINDS: Final = frozenset({"name", "text"})  # encoded token by token: see `tokens`, `token_elements`

PAD: Final = "_"  # cannot occur in a normalised value (lower-case ASCII letters, digits and spaces)
MIN_YEAR: Final = 1850
MAX_YEAR: Final = 2150
YEAR_BAND_WIDTH: Final = 3

_SEXES: Final = {
    "f": "f",
    "female": "f",
    "woman": "f",
    "girl": "f",
    "w": "f",
    "m": "m",
    "male": "m",
    "man": "m",
    "boy": "m",
}
_UNKNOWN_SEX: Final = frozenset({"u", "unknown", "not known", "not stated", "prefer not to say", "na", "n a"})
_ISO_DATE: Final = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_COMPACT_DATE: Final = re.compile(r"(\d{4})(\d{2})(\d{2})")


@dataclass(frozen=True)
class DateOfBirth:
    """A date of birth as known: the year, and the month and day when known.

    ``estimated`` marks a year derived from an estimated age ("about 25"): then month and day are unknown.
    The calendar is not checked beyond the ranges (1-12, 1-31): "30 February" typed by mistake still carries its
    year and month.
    """

    year: int
    month: int | None = None
    day: int | None = None
    estimated: bool = False

    def __post_init__(self) -> None:
        for name, value in (("year", self.year), ("month", self.month), ("day", self.day)):
            if value is not None and (type(value) is not int):
                raise TypeError(f"date of birth {name} must be a whole number, got {value!r}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year of birth {self.year} is outside {MIN_YEAR}-{MAX_YEAR}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month of birth {self.month} is not 1-12")
        if self.day is not None and not 1 <= self.day <= 31:
            raise ValueError(f"day of birth {self.day} is not 1-31")
        if self.day is not None and self.month is None:
            raise ValueError("a day of birth needs a month")
        if self.estimated and self.month is not None:
            raise ValueError("an estimated date of birth (from an age) has a year only")

    @property
    def year_only(self) -> bool:
        """True when only the year is worth encoding: no month, estimated, or the 1 January placeholder."""
        return self.month is None or self.estimated or (self.month == 1 and self.day in (1, None))


def parse_date(value: object) -> DateOfBirth | None:
    """A `DateOfBirth` from a date, a year (int) or a string "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYYMMDD"."""
    if value is None:
        return None
    if isinstance(value, DateOfBirth):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return DateOfBirth(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise TypeError(f"not a date of birth: {value!r}")
    if isinstance(value, int):
        return DateOfBirth(value)
    if not isinstance(value, str):
        raise TypeError(f"not a date of birth: {value!r} ({type(value).__name__})")
    text = value.strip()
    if not text:
        return None
    match = _COMPACT_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
    if not match:
        raise ValueError(f"not a date of birth (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYYMMDD): {value!r}")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    return DateOfBirth(year, month, day)


def parse_sex(value: object) -> str | None:
    """ "f", "m", another normalised value ("x", "intersex"), or None when missing or unknown."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"sex must be text, got {value!r}")
    text = _normalise(value)
    if not text or text in _UNKNOWN_SEX:
        return None
    return _SEXES.get(text, text)


def token_elements(kind: Kind, token: str, q: int) -> set[bytes]:
    """The elements of one normalised token of a name or text field: its padded q-grams and itself, and for a
    name its Metaphone code (the vault's phonetic key of the token)."""
    pad = PAD.encode("ascii") * (q - 1)
    word = token.encode("ascii")
    padded = pad + word + pad
    out = {b"g" + padded[i : i + q] for i in range(len(padded) - q + 1)}
    out.add(b"t" + word)
    if kind == "name":
        out.add(b"p" + phonetic_name_key(token).encode("ascii"))
    return out


def tokens(kind: Kind, values: Iterable[object]) -> list[str]:
    """The normalised tokens of a name or text field (sorted for names: `threefold.vault.names.name_tokens`)."""
    text = _text(values)
    if kind == "name":
        return sorted(text.lower().split()) if _PLAIN.fullmatch(text) else name_tokens(text)
    return _normalise(text).split()


_PLAIN: Final = re.compile(r"[A-Za-z0-9 ]*")


def _normalise(text: str) -> str:
    """``normalise_text``, with a shortcut for plain ASCII letters, digits and spaces (most values in Latin
    script), where it amounts to lower case and single spaces; tests check both give the same result."""
    if _PLAIN.fullmatch(text):
        return " ".join(text.lower().split())
    return normalise_text(text)


def _text(values: Iterable[object]) -> str:
    parts: list[str] = []
    for value in values:
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {value!r} ({type(value).__name__})")
        parts.append(value)
    return " ".join(parts)


def date_elements(date: DateOfBirth) -> set[bytes]:
    year = date.year
    out = {b"y%d" % year}
    out.update(b"b%d:%d" % (offset, (year + offset) // YEAR_BAND_WIDTH) for offset in range(YEAR_BAND_WIDTH))
    if not date.year_only:
        out.add(b"m%d" % (date.month or 0))
        if date.day is not None:
            out.add(b"d%d" % date.day)
    return out


def elements(kind: Kind, values: Iterable[object], q: int) -> set[bytes]:
    """The elements of a field of ``kind`` whose source values are ``values`` (empty when missing)."""
    if kind in TOKEN_KINDS:
        out: set[bytes] = set()
        for token in tokens(kind, values):
            out |= token_elements(kind, token, q)
        return out
    (value,) = values
    if kind == "date":
        date = parse_date(value)
        return set() if date is None else date_elements(date)
    if kind == "sex":
        sex = parse_sex(value)
        return set() if sex is None else {b"s" + sex.encode("ascii")}
    if kind == "category":
        if value is None:
            return set()
        text = _normalise(_text([value]))
        return {b"c" + text.encode("ascii")} if text else set()
    raise ValueError(f"unknown field kind {kind!r}")
