"""The pure identity core: validation messages name the field; index terms cover every way to find someone."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from threefold.protect.identity import (
    Identity,
    IdentityError,
    estimated_birth_year,
    index_terms,
    linkage_terms,
    validate,
)

TODAY = date(2026, 11, 27)


def _digest(value: str, kind: str) -> str:
    # Readable, but starting with a real hash so that truncated (name part) digests stay distinct.
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:4] + f"|{kind}:{value}"


@pytest.mark.parametrize(
    ("identity", "field"),
    [
        (Identity(given_names=""), "given_names"),
        (Identity(given_names="x" * 201), "given_names"),
        (Identity(given_names="Ann", aliases=("bad\x00alias",)), "aliases"),
        (Identity(given_names="Ann", date_of_birth=date(2030, 1, 1)), "date_of_birth"),
        (Identity(given_names="Ann", date_of_birth=date(1850, 1, 1)), "date_of_birth"),
        (Identity(given_names="Ann", phones=("call me",)), "phones"),
        (Identity(given_names="Ann", emails=("not-an-address",)), "emails"),
        (Identity(given_names="Ann", languages=("xx",)), "languages"),
        (Identity(given_names="Ann", languages=("fre",)), "languages"),  # ISO 639-2/B, not 639-3
        (Identity(given_names="Ann", languages=("russian",)), "languages"),
        (Identity(given_names="Ann", citizenships=("XK1",)), "citizenships"),
        (Identity(given_names="Ann", citizenships=("ZZ",)), "citizenships"),
        (Identity(given_names="Ann", citizenships=("UKR",)), "citizenships"),  # alpha-3 is not alpha-2
        (
            Identity(
                given_names="Ann",
                citizenships=tuple(["UA"] * 2 + [f"{a}{b}" for a in "ABC" for b in "DEFGHIJ"]),
            ),
            "citizenships",
        ),
        (Identity(given_names="Ann", gender="female"), "gender"),
        (Identity(given_names="Ann", estimated_age=121, age_estimated_on=TODAY), "estimated_age"),
        (Identity(given_names="Ann", estimated_age=-1, age_estimated_on=TODAY), "estimated_age"),
        (Identity(given_names="Ann", estimated_age=True, age_estimated_on=TODAY), "estimated_age"),  # type: ignore[arg-type]
        (Identity(given_names="Ann", estimated_age=30), "age_estimated_on"),
        (Identity(given_names="Ann", age_estimated_on=TODAY), "age_estimated_on"),
        (
            Identity(given_names="Ann", estimated_age=30, age_estimated_on=date(2027, 1, 1)),
            "age_estimated_on",
        ),
    ],
)
def test_validation_names_the_bad_field(identity: Identity, field: str) -> None:
    with pytest.raises(IdentityError, match=f"^{field}: "):
        validate(identity, today=TODAY)


def test_an_alias_alone_is_enough() -> None:
    validate(Identity(given_names="", aliases=("Lena",)), today=TODAY)


def test_json_round_trip_keeps_everything() -> None:
    identity = Identity(
        "Ольга", "Петрова", ("Olga P.",), date(1990, 5, 1), ("+44 7700 900123",), ("o@example.org",)
    )
    assert Identity.from_json(identity.to_json()) == identity


def test_index_terms_cover_names_aliases_phones_emails_and_birth_date() -> None:
    identity = Identity(
        "Olga", "Petrova", ("Lena",), date(1990, 5, 1), ("0044 7700-900 123",), (" O@Example.org",)
    )
    kinds = sorted(kind for kind, _ in index_terms(identity, _digest))
    assert kinds == [
        "dob",
        "email",
        "name",
        "name",
        "name_part",
        "name_part",
        "name_part",
        "name_phonetic",
        "name_phonetic",
        "phone",
    ]
    values = {digest.split("|")[-1] for _, digest in index_terms(identity, _digest)}
    assert "phone:447700900123" in values
    assert "email:o@example.org" in values
    assert "name:olga petrova" in values


def test_reordered_and_transliterated_names_share_index_terms() -> None:
    latin = index_terms(Identity("Olga", "Petrova"), _digest)
    cyrillic = index_terms(Identity("Петрова", "Ольга"), _digest)
    assert latin == cyrillic


def test_language_and_country_codes_are_kept_as_given_in_one_case() -> None:
    identity = Identity("Ann", languages=(" RU", "rhg", "ru"), citizenships=("ua", "MD ", "UA"))
    assert identity.languages == ("ru", "rhg")  # ISO 639-1 where given, ISO 639-3 where given, no repeats
    assert identity.citizenships == ("UA", "MD")
    validate(identity, today=TODAY)


def test_new_fields_are_optional_and_valid_together() -> None:
    validate(
        Identity(
            "Ann",
            languages=("uk", "ru"),
            citizenships=("UA", "MD"),
            gender="Feminine",
            estimated_age=0,
            age_estimated_on=TODAY,
        ),
        today=TODAY,
    )


def test_json_round_trip_keeps_the_new_fields() -> None:
    identity = Identity(
        "Ольга",
        "Петрова",
        languages=("ru", "rhg"),
        citizenships=("UA",),
        gender="NonSpecifiedUnknown",
        estimated_age=30,
        age_estimated_on=date(2026, 5, 1),
    )
    data = identity.to_json()
    assert data["languages"] == ["ru", "rhg"]
    assert data["age_estimated_on"] == "2026-05-01"
    assert Identity.from_json(data) == identity


def test_identities_sealed_before_the_new_fields_still_open() -> None:
    stored = {
        "given_names": "Olga",
        "family_names": "Petrova",
        "aliases": [],
        "date_of_birth": "1990-05-01",
        "phones": [],
        "emails": [],
        "extra": {},
    }
    identity = Identity.from_json(stored)
    assert (identity.languages, identity.citizenships, identity.gender) == ((), (), "")
    assert (identity.estimated_age, identity.age_estimated_on) == (None, None)


def test_estimated_birth_year_prefers_the_date_of_birth() -> None:
    assert estimated_birth_year(Identity("Ann")) is None
    assert estimated_birth_year(Identity("Ann", estimated_age=30, age_estimated_on=date(2026, 5, 1))) == 1996
    assert (
        estimated_birth_year(
            Identity(
                "Ann", date_of_birth=date(1990, 1, 1), estimated_age=30, age_estimated_on=date(2026, 5, 1)
            )
        )
        == 1990
    )


def test_no_index_term_for_ages() -> None:
    identity = Identity("Olga", "Petrova", estimated_age=30, age_estimated_on=date(2026, 5, 1))
    assert {kind for kind, _ in index_terms(identity, _digest)} == {"name", "name_phonetic", "name_part"}


def test_linkage_terms_leave_out_names_of_one_word_and_name_parts() -> None:
    identity = Identity(
        "Olga", "", ("Lena Ivanova",), date(1990, 5, 1), ("+44 7700 900123",), ("o@example.org",)
    )
    values = {digest.split("|")[-1] for _, digest in linkage_terms(identity, _digest)}
    assert values == {
        "name:ivanova lena",
        "name_phonetic:IFNF LN",
        "phone:447700900123",
        "email:o@example.org",
    }
