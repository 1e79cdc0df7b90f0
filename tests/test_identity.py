"""The pure identity core: validation messages name the field; index terms cover every way to find someone."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from threefold.protect.identity import Identity, IdentityError, index_terms, validate

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
