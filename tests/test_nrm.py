"""NRM rules as data: the shipped jurisdiction files, their checks, and the date engine (threefold.nrm)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.purity import modules_importing_django
from threefold.nrm import (
    AlertKind,
    CaseEvents,
    JurisdictionError,
    clock,
    decision_due,
    load,
    load_all,
    outcomes,
    reflection_period,
    wording_in_force,
)
from threefold.nrm.loader import REFERENCE_DIR, load_file, parse_jurisdiction, shipped_paths
from threefold.nrm.model import Confidence, Stage

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "threefold" / "nrm"
IDENTIFICATION_MD = ROOT.parent / "shared" / "reference" / "identification.md"
REQUIRED = {"coe", "gb-eaw", "gb-sct", "gb-nir", "de", "lu", "nl", "pl", "ro", "si", "sk", "at", "el"}
RG, CG = Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS


# Purity: the Django app that stores decisions calls this core; the core never calls Django.


def test_no_module_imports_django() -> None:
    assert modules_importing_django(PACKAGE) == []


def test_engine_runs_without_django_loaded() -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from threefold.nrm import decision_due\n"
        "assert decision_due('gb-eaw', 'reasonable_grounds', date(2026, 12, 23)) == date(2027, 1, 4)\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# The shipped files.


def test_every_shipped_file_validates_and_the_required_jurisdictions_are_there() -> None:
    loaded = load_all()
    assert {j.id for j in loaded} >= REQUIRED
    assert len(loaded) == len(shipped_paths())


def test_every_source_is_one_the_reference_gives() -> None:
    # Sources must come from the project's reference, never be invented: each address must appear in it.
    if not IDENTIFICATION_MD.is_file():
        pytest.skip(f"{IDENTIFICATION_MD} is not present")
    reference = IDENTIFICATION_MD.read_text(encoding="utf-8")
    for jurisdiction in load_all():
        for source in jurisdiction.sources:
            assert source.url in reference, f"{jurisdiction.id}: {source.url} is not in identification.md"


def test_doubtful_figures_carry_caveats() -> None:
    doubtful = {Confidence.LOW, Confidence.UNVERIFIED, Confidence.MEDIUM}
    for j in load_all():
        assert j.as_of <= date.today()
        if j.confidence in doubtful:
            assert j.caveats, j.id
        for rule in j.reflection.rules:
            if rule.confidence in doubtful:
                assert rule.caveats or j.caveats, (j.id, rule.id)
        for stage in j.stages:
            if stage.due is not None and stage.due.confidence is Confidence.UNVERIFIED:
                assert stage.due.caveats, (j.id, stage.id)


def test_old_eu_figures_are_dated_and_labelled_low() -> None:
    for code in ("de", "lu", "nl", "pl", "ro", "si", "sk", "at", "el"):
        j = load(code)
        assert j.as_of == date(2014, 10, 17)
        assert j.confidence is Confidence.LOW
        assert any("out of date" in caveat for caveat in j.caveats)
        assert j.stages == ()  # only the reflection period is known


def test_calendars_name_the_right_holidays() -> None:
    assert (load("gb-eaw").calendar.holidays_country, load("gb-eaw").calendar.holidays_subdivision) == (
        "GB",
        "ENG",
    )
    assert load("gb-sct").calendar.holidays_subdivision == "SCT"
    assert load("gb-nir").calendar.holidays_subdivision == "NIR"
    assert load("el").calendar.holidays_country == "GR"  # EL in EU usage, GR in ISO 3166
    assert load("coe").calendar.holidays_country is None


# Broken files: every problem named with the file and the field.

VALID = (REFERENCE_DIR / "de.yaml").read_text(encoding="utf-8")


def _errors(text: str, source: str = "xx.yaml") -> str:
    with pytest.raises(JurisdictionError) as caught:
        parse_jurisdiction(text, source=source)
    assert str(caught.value).startswith(f"{source} is not a valid NRM jurisdiction file")
    return str(caught.value)


def test_wrong_length_unit_names_the_field() -> None:
    message = _errors(VALID.replace("minimum: { months: 3 }", "minimum: { weeks: 12 }"))
    assert "xx.yaml: reflection_period.rules[0].minimum:" in message


def test_missing_field_and_bad_enum_are_both_reported() -> None:
    text = VALID.replace("as_of: 2014-10-17\n", "").replace(
        "confidence: low\ncaveats:", "confidence: maybe\ncaveats:"
    )
    message = _errors(text)
    assert "'as_of' is a required property" in message
    assert "xx.yaml: confidence: 'maybe' is not one of" in message


def test_impossible_date_names_the_field() -> None:
    message = _errors(VALID.replace("as_of: 2014-10-17", "as_of: 2014-02-30"))
    assert "xx.yaml: as_of: '2014-02-30' is not a calendar date" in message


def test_unknown_source_reference_names_the_field() -> None:
    message = _errors(VALID.replace("sources: [com_2014_635_annex, emn", "sources: [com_2014_999, emn"))
    assert "reflection_period.rules[0].sources: names source 'com_2014_999'" in message


def test_unknown_holiday_calendar_names_the_field() -> None:
    text = VALID.replace("holidays_country: DE\n", "holidays_country: DE\n  holidays_subdivision: XYZ\n")
    assert "calendar.holidays_subdivision: 'XYZ' is not a subdivision of DE" in _errors(text)


def test_overlapping_reflection_rules_are_refused() -> None:
    eaw = (REFERENCE_DIR / "gb-eaw.yaml").read_text(encoding="utf-8")
    message = _errors(
        eaw.replace("until: 2023-01-30\n      applies_to", "until: 2023-02-15\n      applies_to")
    )
    assert "reflection_period.rules[1]: overlaps rules[0]" in message


def test_decision_without_a_negative_outcome_is_refused() -> None:
    sct = (REFERENCE_DIR / "gb-sct.yaml").read_text(encoding="utf-8")
    broken = re.sub(
        r'(- code: negative\n        label: "Negative conclusive-grounds decision"\n        positive: )false',
        r"\g<1>true",
        sct,
    )
    assert broken != sct
    assert "stages[2].outcomes: a decision needs a positive and a negative outcome" in _errors(broken)


def test_yaml_faults_give_a_line() -> None:
    assert "(yaml): line 9, column 1: found duplicate key 'kind'" in _errors(
        VALID.replace("kind: national\n", "kind: national\nkind: national\n")
    )


def test_file_name_must_match_id(tmp_path: Path) -> None:
    path = tmp_path / "fr.yaml"
    path.write_text(VALID, encoding="utf-8")
    with pytest.raises(JurisdictionError, match=r"fr\.yaml: id: is 'de' but the file is named fr\.yaml"):
        load_file(path)


def test_unknown_jurisdiction_lists_the_known_ones() -> None:
    with pytest.raises(LookupError, match="known: at, coe, de"):
        load("xx")


# Reflection periods.


def test_council_of_europe_minimum_is_30_days() -> None:
    period = reflection_period("coe", date(2026, 3, 1))
    assert period.minimum_ends_on == date(2026, 3, 31)
    assert (period.minimum_ends_on - period.starts_on).days == 30
    assert period.confidence is Confidence.HIGH
    assert "CETS 197" in period.statement


def test_uk_is_30_days_from_30_january_2023_and_was_45_before() -> None:
    before = reflection_period("gb-eaw", date(2023, 1, 29))
    on = reflection_period("gb-eaw", date(2023, 1, 30))
    assert (before.minimum.days, before.minimum_ends_on) == (45, date(2023, 3, 15))
    assert (on.minimum.days, on.minimum_ends_on) == (30, date(2023, 3, 1))
    assert on.rule_id == "uk_30_days_from_2023_01_30"
    assert "Nationality and Borders Act 2022" in on.statement
    assert on.sources[0].url.startswith("https://yjlc.uk/")


def test_three_months_use_month_end_arithmetic() -> None:
    assert reflection_period("de", date(2026, 1, 31)).minimum_ends_on == date(2026, 4, 30)
    assert reflection_period("nl", date(2026, 11, 30)).minimum_ends_on == date(2027, 2, 28)
    assert reflection_period("pl", date(2027, 11, 30)).minimum_ends_on == date(2028, 2, 29)
    assert reflection_period("at", date(2026, 1, 31)).minimum_ends_on == date(2026, 3, 2)  # 30 days


def test_greek_extension_is_shown_as_possible_not_applied() -> None:
    child = reflection_period("el", date(2026, 1, 31), is_child=True)
    assert child.minimum_ends_on == date(2026, 4, 30)
    [extension] = child.possible_extensions
    assert extension.ends_on_if_granted == date(2026, 6, 30)
    assert extension.extension.applies_to == "mostly_children"
    # "Mostly" for children: an adult may get it too, so it is shown to adults as well.
    assert reflection_period("el", date(2026, 1, 31)).possible_extensions


def test_period_includes_its_days() -> None:
    period = reflection_period("coe", date(2026, 3, 1))
    assert period.includes(date(2026, 3, 31))
    assert not period.includes(date(2026, 4, 1))


# Decision due dates in each nation's working days.


def test_england_skips_christmas_boxing_day_substitute_and_new_year() -> None:
    english = holidays.country_holidays("GB", subdiv="ENG", years=[2026, 2027])
    assert english.get(date(2026, 12, 28)) == "Boxing Day (observed)"  # 26 Dec 2026 is a Saturday
    # Referral Wed 23 Dec: 24 (1), [25 Fri, 26-27 weekend, 28 substitute], 29 (2), 30 (3), 31 (4), [1 Jan], 4 Jan (5)
    assert decision_due("gb-eaw", RG, date(2026, 12, 23)) == date(2027, 1, 4)


def test_scotland_uses_its_own_calendar() -> None:
    scottish = holidays.country_holidays("GB", subdiv="SCT", years=2027)
    assert date(2027, 1, 2) in scottish  # a Saturday, so substituted on Monday 4 January
    assert scottish.get(date(2027, 1, 4)) == "New Year Holiday (observed)"
    assert decision_due("gb-sct", RG, date(2026, 12, 23)) == date(2027, 1, 5)


def test_northern_ireland_skips_the_twelfth() -> None:
    assert decision_due("gb-eaw", RG, date(2027, 7, 9)) == date(2027, 7, 16)
    assert decision_due("gb-nir", RG, date(2027, 7, 9)) == date(2027, 7, 19)


def test_plain_week_and_weekend_referral() -> None:
    assert decision_due("gb-eaw", "reasonable_grounds", date(2026, 3, 6)) == date(2026, 3, 13)  # Friday
    assert decision_due("gb-eaw", "reasonable_grounds", date(2026, 3, 7)) == date(2026, 3, 13)  # Saturday


def test_no_due_date_where_the_data_has_no_target() -> None:
    assert decision_due("gb-eaw", CG, date(2026, 3, 6)) is None
    assert decision_due("de", RG, date(2026, 3, 6)) is None
    with pytest.raises(ValueError, match="not a valid Stage"):
        decision_due("gb-eaw", "final", date(2026, 3, 6))


@settings(max_examples=150, deadline=None)
@given(
    code=st.sampled_from(["gb-eaw", "gb-sct", "gb-nir"]),
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    gap=st.integers(min_value=0, max_value=40),
)
def test_due_date_is_after_referral_and_monotone(code: str, first: date, gap: int) -> None:
    later = first + timedelta(days=gap)
    due_first, due_later = decision_due(code, RG, first), decision_due(code, RG, later)
    assert due_first is not None
    assert due_later is not None
    assert due_first > first
    assert due_first <= due_later
    # At most 5 working days plus weekends and a cluster of holidays: never absurdly far.
    assert (due_first - first).days <= 14


@settings(max_examples=100, deadline=None)
@given(
    code=st.sampled_from(sorted(REQUIRED)),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    is_child=st.booleans(),
)
def test_reflection_period_ends_after_it_starts(code: str, start: date, is_child: bool) -> None:
    period = reflection_period(code, start, is_child=is_child)
    assert period.minimum_ends_on >= start + timedelta(days=28)
    assert period.includes(start)


# Outcomes and the test wording.


def test_england_and_wales_conclusive_grounds_has_three_outcomes() -> None:
    cg = outcomes("gb-eaw", CG)
    assert [o.code for o in cg] == [
        "victim_of_human_trafficking",
        "victim_of_slavery_servitude_forced_labour",
        "insufficient_evidence",
    ]
    assert [o.positive for o in cg] == [True, True, False]
    assert cg[1].label == "Victim of slavery, servitude, or forced or compulsory labour"


def test_scotland_and_northern_ireland_have_two() -> None:
    for code in ("gb-sct", "gb-nir"):
        assert [(o.code, o.positive) for o in outcomes(code, CG)] == [("positive", True), ("negative", False)]
        assert load(code).stage(CG).standard == "balance_of_probabilities"  # type: ignore[union-attr]


def test_reasonable_grounds_outcomes_and_missing_stage() -> None:
    assert [o.code for o in outcomes("gb-eaw", "reasonable_grounds")] == ["positive", "negative"]
    with pytest.raises(LookupError, match="only the reflection period is known"):
        outcomes("de", CG)


def test_rg_test_wording_history() -> None:
    [old] = wording_in_force("gb-eaw", RG, date(2022, 12, 1))
    assert old.wording == "suspect but cannot prove"
    [objective] = wording_in_force("gb-eaw", RG, date(2023, 3, 1))
    assert objective.wording is not None
    assert "objective factors" in objective.wording
    # June 2023 is known only to the month: both may apply, and the caller is told so.
    assert [w.status for w in wording_in_force("gb-eaw", RG, date(2023, 6, 15))] == [
        "in_force",
        "withdrawn_and_revised",
    ]
    [current] = wording_in_force("gb-eaw", RG, date(2026, 1, 1))
    assert current.wording is None
    assert current.note is not None
    assert "current statutory guidance" in current.note
    stage = load("gb-eaw").stage(RG)
    assert stage is not None
    assert stage.read_current_test_from is not None
    assert stage.read_current_test_from.url == (
        "https://www.gov.uk/government/publications/modern-slavery-how-to-identify-and-support-victims"
    )


def test_child_notes_for_england_and_wales() -> None:
    notes = {note.topic: note for note in load("gb-eaw").child_notes}
    assert set(notes) == {"best_interests", "devolved_decisions", "guardian"}
    assert "20 sites" in notes["devolved_decisions"].text
    assert notes["guardian"].confidence is Confidence.UNVERIFIED
    assert notes["guardian"].sources == ()


# The clock: alerts appear and disappear as days pass.

REFERRED = date(2026, 12, 23)  # RG due Monday 4 January 2027 in England and Wales


def _kinds(code: str, events: CaseEvents, today: date) -> list[tuple[str, int]]:
    return [(alert.kind.value, alert.days_left) for alert in clock(code, events, today)]


def test_rg_alerts_come_and_go() -> None:
    waiting = CaseEvents(referred_on=REFERRED)
    assert _kinds("gb-eaw", waiting, date(2026, 12, 24)) == []
    assert _kinds("gb-eaw", waiting, date(2027, 1, 2)) == [("rg_due_soon", 2)]
    assert _kinds("gb-eaw", waiting, date(2027, 1, 4)) == [("rg_due_soon", 0)]
    assert _kinds("gb-eaw", waiting, date(2027, 1, 6)) == [("rg_overdue", -2)]
    # Scotland's extra holiday moves the same referral's deadline a day later.
    assert _kinds("gb-sct", waiting, date(2027, 1, 5)) == [("rg_due_soon", 0)]
    decided = CaseEvents(referred_on=REFERRED, rg_decided_on=date(2027, 1, 7), rg_outcome="positive")
    assert _kinds("gb-eaw", decided, date(2027, 1, 7)) == []


def test_reflection_alerts_come_and_go_until_the_conclusive_decision() -> None:
    rg = CaseEvents(referred_on=REFERRED, rg_decided_on=date(2027, 1, 4), rg_outcome="positive")
    # 30 days from 4 January: the minimum runs to the end of 3 February.
    assert _kinds("gb-eaw", rg, date(2027, 1, 20)) == []
    assert _kinds("gb-eaw", rg, date(2027, 1, 27)) == [("reflection_ends_soon", 7)]
    assert _kinds("gb-eaw", rg, date(2027, 2, 3)) == [("reflection_ends_soon", 0)]
    assert _kinds("gb-eaw", rg, date(2027, 2, 4)) == [("reflection_ended", -1), ("cg_pending", -1)]
    closed = CaseEvents(
        referred_on=REFERRED,
        rg_decided_on=date(2027, 1, 4),
        rg_outcome="positive",
        cg_decided_on=date(2027, 3, 1),
        cg_outcome="victim_of_human_trafficking",
    )
    assert _kinds("gb-eaw", closed, date(2027, 3, 2)) == []


def test_negative_rg_has_no_reflection_alerts() -> None:
    negative = CaseEvents(referred_on=REFERRED, rg_decided_on=date(2027, 1, 4), rg_outcome="negative")
    assert _kinds("gb-eaw", negative, date(2027, 2, 4)) == []


def test_reflection_only_jurisdiction_has_no_cg_alert() -> None:
    found = CaseEvents(rg_decided_on=date(2026, 1, 31))  # the day reasonable grounds were found
    assert _kinds("de", found, date(2026, 4, 25)) == [("reflection_ends_soon", 5)]
    assert _kinds("de", found, date(2026, 5, 1)) == [("reflection_ended", -1)]
    assert (
        _kinds("de", CaseEvents(rg_decided_on=date(2026, 1, 31), rg_outcome="negative"), date(2026, 5, 1))
        == []
    )


def test_alert_message_is_plain_english() -> None:
    [alert] = clock("gb-eaw", CaseEvents(referred_on=REFERRED), date(2027, 1, 6))
    assert alert.kind is AlertKind.RG_OVERDUE
    assert alert.message_key == "nrm.rg_overdue"
    assert alert.due == date(2027, 1, 4)
    assert alert.message() == "The reasonable-grounds decision was due by 2027-01-04 and is 2 days late."


@pytest.mark.parametrize(
    ("events", "match"),
    [
        (
            CaseEvents(referred_on=REFERRED, rg_decided_on=date(2026, 12, 1), rg_outcome="positive"),
            "before the referral",
        ),
        (CaseEvents(referred_on=REFERRED, rg_decided_on=date(2027, 1, 4)), "both its date and its outcome"),
        (
            CaseEvents(referred_on=REFERRED, rg_decided_on=date(2027, 1, 4), rg_outcome="maybe"),
            "allowed: positive, negative",
        ),
        (
            CaseEvents(
                rg_decided_on=date(2027, 1, 4),
                rg_outcome="positive",
                cg_decided_on=date(2027, 3, 1),
                cg_outcome="positive",
            ),
            "allowed: victim_of_human_trafficking",
        ),
        (
            CaseEvents(cg_decided_on=date(2027, 3, 1), cg_outcome="insufficient_evidence"),
            "needs an RG decision",
        ),
    ],
)
def test_inconsistent_events_are_refused(events: CaseEvents, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        clock("gb-eaw", events, date(2027, 3, 2))
