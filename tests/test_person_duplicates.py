"""The pure duplicate scorer: names across scripts and orders, aliases, spellings, contacts, dates and ages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.purity import imported_modules
from threefold.protect.duplicates import (
    LIKELY_FROM,
    MAX_SCORE,
    POSSIBLE_FROM,
    Assessment,
    Band,
    Reason,
    assess,
    band_for,
)
from threefold.protect.identity import Identity

OLGA = Identity("Olga", "Petrova")
ESTIMATED_ON = date(2026, 1, 15)


def _assessed(one: Identity, other: Identity) -> Assessment:
    result = assess(one, other)
    assert result == assess(other, one), "the score must not depend on which record is the new one"
    return result


def test_the_scorer_is_pure_python() -> None:
    path = Path(__file__).resolve().parent.parent / "threefold" / "protect" / "duplicates.py"
    assert not [name for name in imported_modules(path) if name.split(".")[0] == "django"]


def test_the_same_name_in_cyrillic_and_latin_is_a_possible_match() -> None:
    result = _assessed(Identity("Ольга", "Петрова"), OLGA)
    assert result.band is Band.POSSIBLE
    assert result.reasons == (Reason.SAME_NAME, Reason.NAME_OTHER_WRITING)


def test_a_name_alone_is_never_likely_but_with_the_date_of_birth_it_is() -> None:
    assert _assessed(OLGA, OLGA).band is Band.POSSIBLE
    born = date(1990, 5, 1)
    result = _assessed(
        Identity("Ольга", "Петрова", date_of_birth=born), Identity("Olga", "Petrova", date_of_birth=born)
    )
    assert result.band is Band.LIKELY
    assert Reason.SAME_DATE_OF_BIRTH in result.reasons


def test_reordered_names_match_and_say_so() -> None:
    result = _assessed(Identity("Petrova", "Olga"), OLGA)
    assert result.band is Band.POSSIBLE
    assert result.reasons == (Reason.SAME_NAME, Reason.NAME_REORDERED)
    # Another script and another order at once.
    assert set(_assessed(Identity("Петрова", "Ольга"), OLGA).reasons) >= {
        Reason.NAME_REORDERED,
        Reason.NAME_OTHER_WRITING,
    }


def test_a_name_matching_an_alias() -> None:
    result = _assessed(Identity("Lena", aliases=("Ольга Петрова",)), OLGA)
    assert result.band is Band.POSSIBLE
    assert Reason.NAME_MATCHES_ALIAS in result.reasons
    # Two aliases alike, full names unrelated.
    assert _assessed(
        Identity("Anna", "K", aliases=("Lena Sokolova",)), Identity("Maria", "X", aliases=("Lena Sokolova",))
    ).band


def test_similar_spellings_are_possible_matches() -> None:
    result = _assessed(Identity("Olga", "Petrowa"), OLGA)
    assert result.reasons == (Reason.NAME_SPELT_SIMILARLY,)
    assert result.band is Band.POSSIBLE
    assert _assessed(Identity("Natalya", "Kovalska"), Identity("Natalia", "Kowalska")).band is Band.POSSIBLE


def test_different_people_do_not_match() -> None:
    result = _assessed(Identity("Irina", "Sokolova"), OLGA)
    assert result == Assessment(0, ())
    assert result.band is None


def test_one_word_names_are_weak_on_their_own() -> None:
    assert _assessed(Identity("Olga"), Identity("Olga")).band is None
    assert _assessed(Identity("Olga"), OLGA).reasons == (Reason.NAME_PARTS_SHARED,)
    # ... but with the same date of birth, worth a look.
    born = date(1990, 5, 1)
    assert _assessed(
        Identity("Olga", date_of_birth=born), Identity("Olga", "Petrova", date_of_birth=born)
    ).band


def test_a_shared_phone_or_email_alone_is_possible_and_formats_do_not_matter() -> None:
    phone = _assessed(
        Identity("Anna", "Smith", phones=("0044 (0)20-7946-0958",)),
        Identity("Irina", "X", phones=("+44 20 7946 0958",)),
    )
    assert phone.reasons == (Reason.SAME_PHONE,)
    assert phone.band is Band.POSSIBLE
    email = _assessed(
        Identity("Anna", emails=(" A@Example.org",)), Identity("Irina", emails=("a@example.org",))
    )
    assert email.reasons == (Reason.SAME_EMAIL,)
    both = _assessed(
        Identity("Olga", "Petrowa", phones=("+442079460958",)),
        Identity("Olga", "Petrova", phones=("442079460958",)),
    )
    assert both.band is Band.LIKELY


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (date(1990, 5, 1), date(1990, 5, 20)),  # within a month
        (date(1990, 5, 1), date(1991, 5, 1)),  # the year mistyped
        (date(1990, 3, 5), date(1990, 5, 3)),  # day and month swapped
    ],
)
def test_close_dates_of_birth(one: date, other: date) -> None:
    result = _assessed(
        Identity("Olga", "Petrova", date_of_birth=one), Identity("Olga", "Petrova", date_of_birth=other)
    )
    assert Reason.CLOSE_DATE_OF_BIRTH in result.reasons
    assert result.band is Band.POSSIBLE


def test_contradicting_dates_of_birth_lower_the_score() -> None:
    same_name = _assessed(OLGA, OLGA)
    different = _assessed(
        Identity("Olga", "Petrova", date_of_birth=date(1990, 5, 1)),
        Identity("Olga", "Petrova", date_of_birth=date(1975, 1, 9)),
    )
    assert Reason.DATES_OF_BIRTH_DIFFER in different.reasons
    assert different.score < same_name.score
    assert different.band is None
    # A shared phone still keeps it in view: papers with a false date of birth are common.
    with_phone = _assessed(
        Identity("Olga", "Petrova", date_of_birth=date(1990, 5, 1), phones=("+44 20 7946 0958",)),
        Identity("Olga", "Petrova", date_of_birth=date(1975, 1, 9), phones=("+44 20 7946 0958",)),
    )
    assert with_phone.band is Band.POSSIBLE


def _aged(age: int, **fields: object) -> Identity:
    return Identity("Olga", "Petrova", estimated_age=age, age_estimated_on=ESTIMATED_ON, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("birth_year", [1993, 1996, 1999])  # an estimated 30 in 2026: born about 1996, +-3
def test_an_estimated_age_fits_a_date_of_birth_within_three_years(birth_year: int) -> None:
    result = _assessed(_aged(30), Identity("Ольга", "Петрова", date_of_birth=date(birth_year, 6, 1)))
    assert Reason.AGES_COMPATIBLE in result.reasons
    assert result.score > _assessed(OLGA, Identity("Ольга", "Петрова")).score


def test_two_estimates_compare_too_and_far_apart_ages_contradict() -> None:
    assert Reason.AGES_COMPATIBLE in _assessed(_aged(30), _aged(32)).reasons
    assert Reason.AGES_COMPATIBLE not in _assessed(_aged(30), _aged(35)).reasons  # 5 years: neither
    assert Reason.AGES_DIFFER not in _assessed(_aged(30), _aged(35)).reasons
    far = _assessed(_aged(16), Identity("Olga", "Petrova", date_of_birth=date(1960, 1, 1)))
    assert Reason.AGES_DIFFER in far.reasons
    assert far.band is None


def test_bands_follow_the_named_thresholds() -> None:
    assert band_for(LIKELY_FROM) is Band.LIKELY
    assert band_for(LIKELY_FROM - 1) is Band.POSSIBLE
    assert band_for(POSSIBLE_FROM) is Band.POSSIBLE
    assert band_for(POSSIBLE_FROM - 1) is None
    assert 0 < POSSIBLE_FROM < LIKELY_FROM <= MAX_SCORE


# ---- properties --------------------------------------------------------------------------------------------------

# Words in several scripts, with transliteration and spelling variants of each other, so that matches happen often.
WORDS = [
    "Olga",
    "Ольга",
    "Olha",
    "Petrova",
    "Петрова",
    "Petrowa",
    "Anna",
    "Анна",
    "Ivanova",
    "Ivanov",
    "Lena",
    "Li",
]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2020, 12, 31))
identities = st.builds(
    Identity,
    given_names=names,
    family_names=st.one_of(st.just(""), names),
    aliases=st.lists(names, max_size=2).map(tuple),
    date_of_birth=st.one_of(st.none(), dates),
    phones=st.lists(
        st.sampled_from(["+44 20 7946 0958", "020 7946 0958", "+7 495 123 4567"]), max_size=1
    ).map(tuple),
    emails=st.lists(st.sampled_from(["a@example.org", "B@example.org"]), max_size=1).map(tuple),
    estimated_age=st.one_of(st.none(), st.integers(0, 80)),
    age_estimated_on=st.just(ESTIMATED_ON),
)


@settings(max_examples=300, deadline=None)
@given(identities, identities)
def test_the_score_is_symmetric_and_bounded(one: Identity, other: Identity) -> None:
    result = assess(one, other)
    assert result == assess(other, one)
    assert 0 <= result.score <= MAX_SCORE
    assert result.band == band_for(result.score)


@settings(max_examples=300, deadline=None)
@given(identities, identities, names)
def test_adding_an_alias_never_lowers_the_score(one: Identity, other: Identity, alias: str) -> None:
    with_alias = Identity(**{**one.__dict__, "aliases": (*one.aliases, alias)})
    assert assess(with_alias, other).score >= assess(one, other).score


@settings(max_examples=200, deadline=None)
@given(identities, identities)
def test_adding_the_other_persons_name_as_an_alias_never_lowers_the_score_or_the_band(
    one: Identity, other: Identity
) -> None:
    with_alias = Identity(**{**one.__dict__, "aliases": (*one.aliases, other.full_name)})
    before, after = assess(one, other), assess(with_alias, other)
    assert after.score >= before.score
    assert (after.band is not None) or (before.band is None)


@settings(max_examples=200, deadline=None)
@given(identities)
def test_a_record_compared_with_itself_has_the_strongest_name_evidence(one: Identity) -> None:
    result = assess(one, one)
    assert result.reasons[0] in (Reason.SAME_NAME, Reason.NAME_PARTS_SHARED)
