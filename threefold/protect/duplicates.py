"""Is the person being recorded already known? Scores two identities and says why, for a person to decide.

Pure Python (no Django import). The score never merges or hides anything: it only decides whether a caseworker is
shown a candidate before recording someone new, so it leans towards showing. Two records of one survivor split
their history (and their consent) across files; one "possible" candidate too many costs a glance.

The score is symmetric (comparing A with B or B with A gives the same result) and names are compared as sets of
names and aliases, so recording an extra alias can only raise it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import product
from typing import Final

import jellyfish

from threefold.protect.identity import Identity, estimated_birth_year
from threefold.vault import names


class Band(StrEnum):
    LIKELY = "likely"
    POSSIBLE = "possible"


class Reason(StrEnum):
    SAME_NAME = "same_name"
    NAME_OTHER_WRITING = "name_other_writing"  # another script, other accents or punctuation
    NAME_REORDERED = "name_reordered"
    NAME_SOUNDS_ALIKE = "name_sounds_alike"
    NAME_SPELT_SIMILARLY = "name_spelt_similarly"
    NAME_PARTS_SHARED = "name_parts_shared"
    NAME_MATCHES_ALIAS = "name_matches_alias"
    SAME_PHONE = "same_phone"
    SAME_EMAIL = "same_email"
    SAME_DATE_OF_BIRTH = "same_date_of_birth"
    CLOSE_DATE_OF_BIRTH = "close_date_of_birth"
    AGES_COMPATIBLE = "ages_compatible"
    DATES_OF_BIRTH_DIFFER = "dates_of_birth_differ"
    AGES_DIFFER = "ages_differ"


# Points on a 0-100 scale. A name alone (however written) is at most "possible": thousands of people share one.
# A name plus one independent identifier (date of birth, phone, e-mail) is "likely". A phone or e-mail alone is
# only "possible", because shelters, relatives and traffickers' handlers share phones. A name of one word is
# worth no more than shared name parts. Contradicting dates subtract, but not so much that a shared phone or a
# same name vanishes: survivors' papers are often false, so a date of birth may be wrong on either record.
STRONG_NAME: Final = 50
SOUNDS_ALIKE: Final = 40
SIMILAR_SPELLING: Final = 35
PARTS_SHARED: Final = 20
POINTS: Final[dict[Reason, int]] = {
    Reason.SAME_PHONE: 40,
    Reason.SAME_EMAIL: 40,
    Reason.SAME_DATE_OF_BIRTH: 30,
    Reason.CLOSE_DATE_OF_BIRTH: 15,
    Reason.AGES_COMPATIBLE: 10,
    Reason.DATES_OF_BIRTH_DIFFER: -25,
    Reason.AGES_DIFFER: -20,
}
# "possible" is reached by one medium clue alone (a similar spelling, a shared phone); "likely" needs two
# independent clues (the same name and the same date of birth, a sound-alike name and the same phone...).
POSSIBLE_FROM: Final = 35
LIKELY_FROM: Final = 70
MAX_SCORE: Final = 100

# Jaro-Winkler on transliterated words: 0.9 accepts one-letter variants of transliteration ("Petrova"/"Petrowa"
# 0.94, "Natalia"/"Natalya" 0.94) but not different names of similar shape ("Olga"/"Olha" 0.87 stays out).
SIMILAR_SPELLING_FROM: Final = 0.9
# An estimated age is rarely better than a few years either way; beyond ten it says this is someone else.
AGE_TOLERANCE_YEARS: Final = 3
AGE_CONTRADICTION_YEARS: Final = 10
CLOSE_DATE_DAYS: Final = 31


@dataclass(frozen=True)
class Assessment:
    score: int
    reasons: tuple[Reason, ...]  # the strongest name evidence first, then contacts, then dates

    @property
    def band(self) -> Band | None:
        return band_for(self.score)


def band_for(score: int) -> Band | None:
    if score >= LIKELY_FROM:
        return Band.LIKELY
    if score >= POSSIBLE_FROM:
        return Band.POSSIBLE
    return None


def assess(one: Identity, other: Identity) -> Assessment:
    name_points, name_reasons = _best_name_match(one, other)
    clues = [*_contact_reasons(one, other), *_birth_reasons(one, other)]
    score = name_points + sum(POINTS[reason] for reason in clues)
    return Assessment(max(0, min(MAX_SCORE, score)), (*name_reasons, *clues))


# ---- names ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class _NameMatch:
    points: int
    # Between equally strong matches, prefer one of the two full names: it is the easier one to explain.
    both_full_names: bool
    reasons: tuple[Reason, ...]


_NO_NAME_MATCH: Final = _NameMatch(0, False, ())


def _best_name_match(one: Identity, other: Identity) -> tuple[int, tuple[Reason, ...]]:
    pairs = product(_labelled_names(one), _labelled_names(other))
    best = max(
        (_name_match(x, y, is_full=x_full and y_full) for (x, x_full), (y, y_full) in pairs),
        default=_NO_NAME_MATCH,
    )
    return best.points, best.reasons


def _labelled_names(identity: Identity) -> list[tuple[str, bool]]:
    return [(identity.full_name, True), *((alias, False) for alias in identity.aliases)]


def _name_match(x: str, y: str, *, is_full: bool) -> _NameMatch:
    x_tokens, y_tokens = names.name_tokens(x), names.name_tokens(y)
    if not x_tokens or not y_tokens:
        return _NO_NAME_MATCH
    points, reasons = _name_evidence(x, y, x_tokens, y_tokens)
    if points and not is_full:
        reasons = (*reasons, Reason.NAME_MATCHES_ALIAS)
    return _NameMatch(points, is_full, reasons) if points else _NO_NAME_MATCH


def _name_evidence(
    x: str, y: str, x_tokens: list[str], y_tokens: list[str]
) -> tuple[int, tuple[Reason, ...]]:
    single_word = min(len(x_tokens), len(y_tokens)) == 1
    if x_tokens == y_tokens:
        return (PARTS_SHARED if single_word else STRONG_NAME), (Reason.SAME_NAME, *_writing_differences(x, y))
    if names.phonetic_name_key(x) == names.phonetic_name_key(y):
        return (PARTS_SHARED if single_word else SOUNDS_ALIKE), (Reason.NAME_SOUNDS_ALIKE,)
    if not single_word and spelling_similarity(x_tokens, y_tokens) >= SIMILAR_SPELLING_FROM:
        return SIMILAR_SPELLING, (Reason.NAME_SPELT_SIMILARLY,)
    if _parts_shared(x_tokens, y_tokens):
        return PARTS_SHARED, (Reason.NAME_PARTS_SHARED,)
    return 0, ()


def _writing_differences(x: str, y: str) -> tuple[Reason, ...]:
    """Why two names with the same normalised words may not look alike on screen."""
    reasons: list[Reason] = []
    if sorted(x.casefold().split()) != sorted(y.casefold().split()):
        reasons.append(Reason.NAME_OTHER_WRITING)
    if names.normalise_text(x).split() != names.normalise_text(y).split():
        reasons.append(Reason.NAME_REORDERED)
    return tuple(reasons)


def spelling_similarity(x_tokens: list[str], y_tokens: list[str]) -> float:
    """How well each word of either name finds a similarly spelt word in the other (0 to 1, symmetric)."""
    return min(_coverage(x_tokens, y_tokens), _coverage(y_tokens, x_tokens))


def _coverage(words: list[str], others: list[str]) -> float:
    return sum(max(_jaro_winkler(word, other) for other in others) for word in words) / len(words)


def _jaro_winkler(x: str, y: str) -> float:
    # Arguments in a fixed order, so that floating-point rounding cannot make the score asymmetric.
    first, second = sorted((x, y))
    return float(jellyfish.jaro_winkler_similarity(first, second))


def _parts_shared(x_tokens: list[str], y_tokens: list[str]) -> bool:
    """Every word of the shorter name sounds like a word of the longer one ("Olga" and "Olga Petrova")."""
    x_codes, y_codes = _codes(x_tokens), _codes(y_tokens)
    shorter, longer = sorted((x_codes, y_codes), key=len)
    return shorter <= longer


def _codes(tokens: Iterable[str]) -> set[str]:
    return {names.phonetic_name_key(token) for token in tokens}


# ---- contacts and dates --------------------------------------------------------------------------------------


def _contact_reasons(one: Identity, other: Identity) -> list[Reason]:
    reasons = []
    if _phones(one) & _phones(other):
        reasons.append(Reason.SAME_PHONE)
    if _emails(one) & _emails(other):
        reasons.append(Reason.SAME_EMAIL)
    return reasons


def _phones(identity: Identity) -> set[str]:
    # Digits only, as in the blind index: the "+" is often left out of a number that is otherwise the same.
    normalised = (_normalised(names.normalise_phone, phone).lstrip("+") for phone in identity.phones)
    return {digits for digits in normalised if digits}


def _emails(identity: Identity) -> set[str]:
    return {
        email for email in (_normalised(names.normalise_email, value) for value in identity.emails) if email
    }


def _normalised(normalise: Callable[[str], str], value: str) -> str:
    try:
        return normalise(value)
    except ValueError:
        return ""  # a stored value that no longer parses matches nothing rather than failing the whole check


def _birth_reasons(one: Identity, other: Identity) -> list[Reason]:
    if one.date_of_birth and other.date_of_birth:
        return [_compare_dates(one.date_of_birth, other.date_of_birth)]
    one_year, other_year = estimated_birth_year(one), estimated_birth_year(other)
    if one_year is None or other_year is None:
        return []
    gap = abs(one_year - other_year)
    if gap <= AGE_TOLERANCE_YEARS:
        return [Reason.AGES_COMPATIBLE]
    if gap > AGE_CONTRADICTION_YEARS:
        return [Reason.AGES_DIFFER]
    return []


def _compare_dates(one: date, other: date) -> Reason:
    if one == other:
        return Reason.SAME_DATE_OF_BIRTH
    if _close_dates(one, other):
        return Reason.CLOSE_DATE_OF_BIRTH
    return Reason.DATES_OF_BIRTH_DIFFER


def _close_dates(one: date, other: date) -> bool:
    """Dates a slip of the pen apart: within a month, the year off by one, or day and month swapped (a date
    written 03/05 in one country and read in another)."""
    within_a_month = abs((one - other).days) <= CLOSE_DATE_DAYS
    year_slip = (one.month, one.day) == (other.month, other.day) and abs(one.year - other.year) == 1
    swapped = one.year == other.year and (one.month, one.day) == (other.day, other.month)
    return within_a_month or year_slip or swapped
