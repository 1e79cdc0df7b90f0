"""Identity -> DedupeRecord (threefold/protect/duplicate_records.py): pure, no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.purity import imported_modules
from threefold.protect import duplicate_records
from threefold.protect.dedupe.records import BirthPrecision
from threefold.protect.duplicate_records import to_record
from threefold.protect.identity import Identity


def test_names_aliases_citizenships_and_gender_are_carried_over() -> None:
    identity = Identity(
        given_names="Олена",
        family_names="Коваленко",
        aliases=("Olena Kovalenko", "Lena"),
        citizenships=("ua", "MD"),
        gender="Feminine",
        phones=("+380 44 123 4567",),
    )
    record = to_record("7", identity)
    assert record.record_id == "7"
    assert (record.given_names, record.family_names) == ("Олена", "Коваленко")
    assert record.aliases == ("Olena Kovalenko", "Lena")
    assert record.citizenships == ("UA", "MD")
    assert record.sex == "Feminine"
    assert record.full_name == "Олена Коваленко"


def test_an_unknown_gender_is_no_information_not_a_disagreement() -> None:
    assert to_record("1", Identity("Olga", gender="NonSpecifiedUnknown")).sex == ""
    assert to_record("1", Identity("Olga")).sex == ""


def test_a_full_date_of_birth_is_exact() -> None:
    record = to_record("1", Identity("Olga", date_of_birth=date(1990, 5, 14)))
    assert record.birth() == (1990, 5, 14, BirthPrecision.EXACT)


def test_a_date_next_to_an_estimated_age_is_doubtful_so_approximate() -> None:
    identity = Identity(
        "Olga", date_of_birth=date(1990, 5, 14), estimated_age=30, age_estimated_on=date(2024, 6, 1)
    )
    record = to_record("1", identity)
    assert record.date_of_birth_approximate
    assert record.birth() == (1990, 5, 14, BirthPrecision.APPROXIMATE)


def test_first_of_january_is_left_to_the_model_as_a_placeholder() -> None:
    record = to_record("1", Identity("Olga", date_of_birth=date(1990, 1, 1)))
    assert not record.date_of_birth_approximate
    assert record.birth()[3] == BirthPrecision.APPROXIMATE


def test_an_estimated_age_alone_gives_an_estimated_year() -> None:
    record = to_record("1", Identity("Olga", estimated_age=30, age_estimated_on=date(2024, 6, 1)))
    assert (record.estimated_age, record.age_estimated_on) == (30, date(2024, 6, 1))
    assert record.birth() == (1994, None, None, BirthPrecision.ESTIMATED)


def test_an_age_without_its_day_is_ignored() -> None:
    record = to_record("1", Identity("Olga", estimated_age=30))
    assert record.estimated_age is None
    assert record.birth()[3] == BirthPrecision.UNKNOWN


def test_a_year_only_can_come_from_extra() -> None:
    assert to_record("1", Identity("Olga", extra={"birth_year": 1985})).birth() == (
        1985,
        None,
        None,
        BirthPrecision.YEAR,
    )
    assert to_record("1", Identity("Olga", extra={"birth_year": " 1985 "})).birth_year == 1985
    assert to_record("1", Identity("Olga", extra={"birth_year": True})).birth_year is None
    # A real date says more than a year.
    dated = Identity("Olga", date_of_birth=date(1985, 3, 2), extra={"birth_year": 1984})
    assert to_record("1", dated).birth_year is None


def test_addresses_come_from_extra_when_an_import_put_them_there() -> None:
    nested = Identity(
        "Olga",
        extra={
            "address": {"street": " 12 Mill Road ", "locality": "Leeds", "postcode": "LS1 4AB", "region": ""}
        },
    )
    record = to_record("1", nested)
    assert (record.street, record.locality, record.postcode, record.region) == (
        "12 Mill Road",
        "Leeds",
        "LS1 4AB",
        "",
    )
    top = to_record("1", Identity("Olga", extra={"locality": "Hull"}))
    assert (top.street, top.locality) == ("", "Hull")
    one_line = to_record("1", Identity("Olga", extra={"address": "3 Quay Street, Hull"}))
    assert one_line.street == "3 Quay Street, Hull"
    assert to_record("1", Identity("Olga")).locality == ""


def test_the_conversion_is_pure() -> None:
    imported = imported_modules(Path(duplicate_records.__file__))
    assert not [name for name in imported if name.split(".")[0] == "django"]
