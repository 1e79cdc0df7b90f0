"""Fixtures for the identify core: the shipped instruments, loaded once, and answer helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from threefold.identify.core import library
from threefold.identify.core.definition import Instrument

DELPHI = "ilo_ec_delphi_adult_labour"

# Answers to a Delphi screening: "yes" for the given indicators and `rest` (default "no") for every other item.
DelphiAnswers = Callable[..., dict[str, object]]


@pytest.fixture(scope="session")
def delphi() -> Instrument:
    return library.load(DELPHI)


@pytest.fixture(scope="session")
def qyit() -> Instrument:
    return library.load("quick_youth_indicators")


@pytest.fixture(scope="session")
def icls() -> Instrument:
    return library.load("icls_2018_forced_labour")


def answers_for(instrument: Instrument, yes: Iterable[str], rest: str = "no") -> dict[str, object]:
    """Answer yes to the items evidencing the given indicators, and `rest` to every other item."""
    wanted = set(yes)
    answers: dict[str, object] = {}
    for item in instrument.items:
        evidenced = {evidence.indicator for evidence in item.evidences}
        answers[item.id] = "yes" if evidenced & wanted else rest
    unknown = wanted - {indicator.id for indicator in instrument.indicators}
    assert not unknown, f"no such indicators: {unknown}"
    return answers


@pytest.fixture
def delphi_answers(delphi: Instrument) -> DelphiAnswers:
    def make(*yes: str, rest: str = "no") -> dict[str, object]:
        return answers_for(delphi, yes, rest)

    return make
