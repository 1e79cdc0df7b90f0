"""The offences shipped in reference/offences/ and the pure cores of prosecution records (no Django)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.purity import modules_importing_django
from threefold.disclosure import Cell, Status
from threefold.prosecute.core import offences, outcomes
from threefold.prosecute.core.outcomes import (
    CaseFacts,
    ChargeFacts,
    OrderFacts,
    Point,
    ProceedingFacts,
    SentenceFacts,
)

CORE = Path(offences.__file__).parent


def test_the_cores_import_no_django() -> None:
    assert modules_importing_django(CORE) == []


def test_every_shipped_file_loads_and_names_its_trafficking_offence() -> None:
    loaded = offences.load_all()
    assert {j.id for j in loaded} >= {"fr", "gb-eaw", "gb-sct", "es", "de", "mx", "us", "gh", "other"}
    assert loaded[-1].id == "other"  # "another jurisdiction" comes last in every list
    for jurisdiction in loaded:
        assert jurisdiction.trafficking_offence.is_trafficking
        assert jurisdiction.offence("other") is not None
        for offence in jurisdiction.offences:
            # A citation is given only with a source that supports it; otherwise it says it is to complete.
            assert bool(offence.citation) == offence.cited
            assert (offence.source is not None) == offence.cited


def test_known_citations() -> None:
    assert offences.offence("fr:225-4-1").citation == "Code pénal, art. 225-4-1"  # type: ignore[union-attr]
    assert offences.offence("gb-eaw:msa-s2").citation == "Modern Slavery Act 2015, s. 2"  # type: ignore[union-attr]
    assert offences.offence("us:1591").citation == "18 U.S.C. § 1591"  # type: ignore[union-attr]
    assert offences.load("gb-eaw").non_punishment.citation.startswith("Modern Slavery Act 2015, s. 45")
    assert not offences.load("gh").trafficking_offence.cited  # named, section to be completed
    assert offences.offence("fr:nope") is None
    assert offences.offence("xx:225-4-1") is None


def _valid() -> str:
    return (CORE.parents[2] / "reference" / "offences" / "gb-sct.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            (
                'status: cited\n    citation: "Human Trafficking and Exploitation (Scotland) Act 2015, s. 1"',
                'status: cited\n    citation: ""',
            ),
            "offences[0].citation",
        ),
        (
            ("source: htea_2015\n  - code: htea-s4", "source: nowhere\n  - code: htea-s4"),
            "offences[0].source",
        ),
        (("code: htea-s4", "code: htea-s1"), "offences[1].code"),
        (("    primary: true\n", ""), "offences"),
        (("kind: trafficking", "kind: smuggling"), "offences[0].kind"),
    ],
    ids=["cited-without-citation", "unknown-source", "code-twice", "no-primary", "unknown-kind"],
)
def test_a_bad_file_is_refused_naming_the_field(change: tuple[str, str], path: str) -> None:
    text = _valid()
    assert change[0] in text
    with pytest.raises(offences.OffencesError) as raised:
        offences.parse(text.replace(change[0], change[1], 1), source="gb-sct.yaml")
    assert any(problem.path == path for problem in raised.value.problems), raised.value.problems


def test_yaml_errors_say_where() -> None:
    with pytest.raises(offences.OffencesError, match=r"\(yaml\): line \d+, column \d+"):
        offences.parse("id: fr\nname: [unclosed\n")


# ---- outcomes


def _proceeding(*verdicts: str, stages: tuple[str, ...] = (), **extra: object) -> ProceedingFacts:
    return ProceedingFacts(
        opened_on=date(2022, 3, 10),
        stages={stage: date(2022, 6, 1) for stage in stages},
        charges=tuple(ChargeFacts(v, date(2023, 9, 9) if v != "pending" else None) for v in verdicts),
        **extra,  # type: ignore[arg-type]
    )


def test_a_proceeding_is_as_far_as_its_charges_and_stages_say() -> None:
    assert outcomes.point(_proceeding()) is Point.INVESTIGATION
    assert outcomes.point(_proceeding("pending", stages=("prosecution",))) is Point.PROSECUTION
    assert (
        outcomes.point(_proceeding("pending", stages=("verdict",))) is Point.TRIAL
    )  # no verdict per charge yet
    assert outcomes.point(_proceeding("acquitted", "dismissed", stages=("trial",))) is Point.NOT_CONVICTED
    assert outcomes.point(_proceeding("acquitted", "convicted")) is Point.CONVICTED
    # An acquittal on appeal is recorded on the charge: the conviction no longer counts.
    assert outcomes.point(_proceeding("acquitted", stages=("appeal",))) is Point.NOT_CONVICTED


def test_a_case_record_is_banded_and_names_nobody() -> None:
    first = _proceeding(
        "convicted",
        stages=("prosecution", "trial"),
        sentences=(SentenceFacts(30), SentenceFacts(70, suspended=True)),
        orders=(OrderFacts("EUR", Decimal(5000), Decimal(2000)),),
    )
    record = outcomes.case_record(CaseFacts((first, _proceeding()), ("ForcedBegging", "Surrogacy")))
    assert record == {
        "point": "convicted",
        "year_investigated": "2022",
        "year_prosecuted": "2022",
        "year_convicted": "2023",
        "time_to_verdict": "12to23",  # 10 March 2022 to 9 September 2023: 17 months
        "sentence": "12to35",  # the suspended 70 months is not a prison term served
        "compensation": "partly",
        "isSexualExploit": "0",
        "isForcedLabour": "1",  # forced begging is forced labour, as in CTDC
        "isOtherExploit": "1",
    }
    none = outcomes.case_record(CaseFacts(()))
    assert none["point"] == "none"
    assert none["year_investigated"] == ""
    assert none["sentence"] == ""


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2022, 1, 31), date(2022, 2, 28), 0),
        (date(2022, 1, 15), date(2023, 1, 15), 12),
        (date(2022, 5, 1), date(2022, 4, 1), 0),
    ],
)
def test_months_between(start: date, end: date, months: int) -> None:
    assert outcomes.months_between(start, end) == months


def test_sentence_and_compensation_bands() -> None:
    assert outcomes.sentence_band([]) == "not_sentenced"
    assert outcomes.sentence_band([SentenceFacts(None)]) == "no_custody"
    assert outcomes.sentence_band([SentenceFacts(11), SentenceFacts(130)]) == "120plus"
    assert outcomes.compensation_status([]) is outcomes.Compensation.NONE
    assert outcomes.compensation_status([OrderFacts("EUR", Decimal(10))]) is outcomes.Compensation.UNPAID
    assert (
        outcomes.compensation_status([OrderFacts("EUR", Decimal(10), Decimal(10))])
        is outcomes.Compensation.FULL
    )


def _cell(value: int | None, status: Status = Status.SHOWN) -> Cell:
    return Cell(status, value, value or 0, value)


def test_a_sum_is_published_only_when_a_reader_can_work_it_out() -> None:
    cells = {
        "a": _cell(20),
        "b": _cell(None, Status.PRIMARY),
        "c": _cell(None, Status.PRIMARY),
        "d": _cell(15),
    }
    assert outcomes.derivable(cells, _cell(45), ["b", "c"]) == 10  # the total minus what is shown
    assert outcomes.derivable(cells, _cell(45), ["a", "d", "zz"]) == 35  # a key the table lacks counts 0
    assert outcomes.derivable(cells, _cell(45), ["c", "d"]) is None  # c alone is hidden
    assert outcomes.derivable(cells, _cell(None, Status.SECONDARY), ["b", "c"]) is None


def test_sums_of_money_follow_a_threshold_and_a_dominance_rule() -> None:
    even = [Decimal(1000)] * 11
    assert outcomes.magnitude_hidden(even, 11) == ""
    assert outcomes.magnitude_hidden(even[:10], 11) == "threshold"
    assert outcomes.magnitude_hidden([Decimal(100_000), Decimal(90_000), *even[:9]], 11) == "dominance"
    assert outcomes.magnitude_hidden([*[*even, Decimal(0)][:11], Decimal(0)], 11) == ""


def test_a_table_must_still_protect_when_its_total_is_known() -> None:
    hidden = Cell(Status.PRIMARY, None, 1, 10)
    # Four hidden counts summing to 12: each is anywhere from 1 to 9.
    assert outcomes.holds_with_total(
        [_cell(0), hidden, hidden, hidden, hidden], 12, k=11, protection=5, zeros_published=True
    )
    # One hidden count beside a known total is that total minus the rest: pinned.
    assert not outcomes.holds_with_total([_cell(30), hidden], 33, k=11, protection=5, zeros_published=True)
    # Two hidden counts summing to 6: each is 1 to 5, too narrow.
    assert not outcomes.holds_with_total(
        [_cell(30), hidden, hidden], 36, k=11, protection=5, zeros_published=True
    )
    assert outcomes.holds_with_total([_cell(30), _cell(12)], 42, k=11, protection=5, zeros_published=True)
