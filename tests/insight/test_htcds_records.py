"""Case facts as HTCDS 2.0 and CTDC records: the mappings are total, nothing identifying leaves, ages are banded."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import pytest

from threefold.insight.core import htcds_records as hr
from threefold.insight.core.htcds_records import CaseFacts, RecordError
from threefold.protect import htcds
from threefold.protect.lifecycle import Stage
from threefold.protect.victim_context import JourneyEvent, VictimContext

PLACES = ("Bus station on Strada Ismail", "Flat above the bakery, Kadikoy", "Greenhouse 4, Almeria")
REFERENCE = "TF-2024-000042"
BIRTH = date(2001, 3, 14)
OPENED = date(2024, 5, 2)
CLOSED = date(2024, 11, 20)
EVENT_DATES = (date(2018, 9, 3), date(2019, 1, 7), date(2020, 6, 30))

FULL_CONTEXT = VictimContext(
    trafficking_status="ActualVictimOfTrafficking",
    status_decided_by="CourtOrProsecution",
    exploitation_types=("SexualExploitation", "ForcedLabour"),
    forced_labour_industries=(
        "T_ActivitiesOfHouseholdsAsEmployers",
        "G_WholesaleAndRetailTradeRepairOfMotorVehiclesAndMotorcycles",
    ),
    sex_exploitation_types=("Pornography", "Prostitution"),
    recruitment_methods=("ThroughOnlineSocialNetworks", "ThroughFriendsOrSocialEvents"),
    control_methods=("WithholdsDocuments", "DebtBondage", "ThreatsLawEnforcement", "UsesChildren"),
    relationship_to_trafficker="Unaquainted",
    journey=(
        JourneyEvent("Recruitment", "MD", PLACES[0], EVENT_DATES[0], EVENT_DATES[0]),
        JourneyEvent("Exploitation", "TR", PLACES[1], EVENT_DATES[1], EVENT_DATES[2]),
        JourneyEvent("Exploitation", "ES", PLACES[2], EVENT_DATES[2]),
    ),
)
FULL = CaseFacts(
    reference=REFERENCE,
    opened_on=OPENED,
    stage="follow_up",
    closed_on=CLOSED,
    gender="Feminine",
    date_of_birth=BIRTH,
    citizenships=("MD", "RO"),
    context=FULL_CONTEXT,
    data_source="Hotline",
)
EMPTY = CaseFacts(reference="TF-2025-000001", opened_on=date(2025, 1, 15), stage="open")


def _facts(**changes: object) -> CaseFacts:
    return replace(FULL, **changes)  # type: ignore[arg-type]


def _context(**changes: object) -> CaseFacts:
    return replace(FULL, context=replace(FULL_CONTEXT, **changes))  # type: ignore[arg-type]


# --- A full case and an empty one -----------------------------------------------------------------------------


def test_full_case_as_htcds_csv_row():
    assert hr.to_htcds(FULL) == {
        "ext_YearOfRegistration": "2024",
        "cas_Status": "FollowUp",
        "prs_Gender": "Feminine",
        "prs_Citizenship": "MDA;ROU",
        "vic_AgeWhenTrafficked": "9--17",  # 17 at recruitment (September 2018)
        "vic_TraffickingStatus": "ActualVictimOfTrafficking",
        "vic_TraffickingStatusDecisionMakingOrg": "CourtOrProsecution",
        "vic_RelationshipToTrafficker": "Unaquainted",
        "vic_MethodOfRecruitment": "ThroughOnlineSocialNetworks;ThroughFriendsOrSocialEvents",
        # Picklist order, DebtBondage without the trailing space, UsesChildren (not in the picklist) as Other.
        "vic_MethodsOfControl": "ThreatsLawEnforcement;DebtBondage;WithholdsDocuments;Other",
        "vic_TypeOfExploitation": "ForcedLabour;SexualExploitation",
        "vic_ForcedLabourIndustry": (
            "G_WholesaleAndRetailTradeRepairOfMotorVehicles;T_ActivitiesOfHouseholdsAsEmployers"
        ),
        "vic_TypeOfSexExploitation": "Prostitution;Pornography",
        "ext_CountryOfExploitation": "ESP;TUR",
    }
    assert tuple(hr.to_htcds(FULL)) == hr.HTCDS_EXPORT_FIELDS


def test_full_case_as_htcds_json_with_alpha_2_and_not_strict():
    record = hr.to_htcds_json(FULL, country_codes="alpha2", strict=False)
    assert record["prs_Citizenship"] == ["MD", "RO"]
    assert record["ext_CountryOfExploitation"] == ["ES", "TR"]
    assert record["vic_MethodsOfControl"] == [
        "ThreatsLawEnforcement",
        "DebtBondage",
        "WithholdsDocuments",
        "UsesChildren",
    ]
    assert record["vic_ForcedLabourIndustry"] == [
        "G_WholesaleAndRetailTradeRepairOfMotorVehiclesAndMotorcycles",
        "T_ActivitiesOfHouseholdsAsEmployers",
    ]
    assert record["prs_Gender"] == "Feminine"


def test_full_case_as_ctdc_record():
    record = hr.to_ctdc(FULL)
    assert tuple(record) == hr.CTDC_COLUMNS
    expected = {
        "yearOfRegistration": "2024",
        "Datasource": "Hotline",
        "gender": "Female",
        "ageBroad": "21--23",  # 23 on the opening day
        "majorityStatus": "Adult",
        "majorityStatusAtExploit": "Minor",  # 17 in January 2019
        "majorityEntry": "Minor",
        "citizenship": "MD",  # the first of several
        "CountryOfExploitation": "TR",  # the earliest exploitation step
        "RecruiterRelationship": "Other",
        "recruiterRelationOther": "1",
        "recruiterRelationFamily": "0",
        "recruiterRelationUnknown": "0",
        "meansOfControlDebtBondage": "1",
        "meansOfControlWithholdsDocuments": "1",
        "meansOfControlThreatOfLawEnforcement": "1",
        "meansOfControlUsesChildren": "1",
        "meansOfControlThreats": "0",
        "meansOfControlRestrictsMovement": "0",
        "meansOfControlNotSpecified": "0",
        "isForcedLabour": "1",
        "isSexualExploit": "1",
        "isSexAndLabour": "1",
        "isOtherExploit": "0",
        "isForcedMarriage": "0",
        "typeOfLabourDomesticWork": "1",
        "typeOfLabourOther": "1",  # G has no CTDC category of its own
        "typeOfLabourPeddling": None,  # inside G: may or may not be
        "typeOfLabourAquafarming": "0",  # inside A, which is not ticked
        "typeOfLabourIllicitActivities": None,
        "typeOfLabourAgriculture": "0",
        "typeOfLabourBegging": "0",
        "typeOfLabourNotSpecified": "0",
        "typeOfSexProstitution": "1",
        "typeOfSexPornography": "1",
        "typeOfSexRemoteInteractiveServices": "0",
    }
    assert {column: record[column] for column in expected} == expected


def test_empty_case_says_only_what_is_known():
    assert hr.to_htcds(EMPTY) == {
        **dict.fromkeys(hr.HTCDS_EXPORT_FIELDS, ""),
        "ext_YearOfRegistration": "2025",
        "cas_Status": "Active",
        "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
    }
    as_json = hr.to_htcds_json(EMPTY)
    assert {name for name, value in as_json.items() if value == []} == hr.HTCDS_MULTI_FIELDS
    assert as_json["prs_Gender"] is None
    record = hr.to_ctdc(EMPTY)
    known = {name: value for name, value in record.items() if value is not None}
    assert known == {
        "yearOfRegistration": "2025",
        "Datasource": "Case Management",
        "meansOfControlNotSpecified": "1",
        "RecruiterRelationship": "Unknown",
        "recruiterRelationUnknown": "1",
    }


def test_from_identity_copies_only_the_exportable_fields():
    @dataclass(frozen=True)
    class Person:
        given_names: str = "Olga"
        gender: str = "Masculine"
        date_of_birth: date | None = None
        estimated_age: int | None = 30
        age_estimated_on: date | None = date(2024, 1, 1)
        citizenships: tuple[str, ...] = ("UA",)

    facts = CaseFacts.from_identity(
        reference="R", opened_on=OPENED, stage="open", identity=Person(), context=VictimContext()
    )
    assert (facts.gender, facts.estimated_age, facts.citizenships) == ("Masculine", 30, ("UA",))
    assert "Olga" not in repr(facts)


# --- Every mapping is total over Threefold's picklists ----------------------------------------------------------

TOTAL_MAPPINGS = [
    # (mapping, the picklist it must cover, keys deliberately left unmapped: None)
    pytest.param(hr.CTDC_GENDER, htcds.GENDER, {"NonConforming", "NonSpecifiedUnknown"}, id="gender"),
    pytest.param(hr.CTDC_CONTROL, htcds.METHODS_OF_CONTROL, set(), id="control"),
    pytest.param(hr.CTDC_EXPLOITATION, htcds.TYPE_OF_EXPLOITATION, set(), id="exploitation"),
    pytest.param(hr.CTDC_LABOUR_BY_INDUSTRY, htcds.FORCED_LABOUR_INDUSTRY, set(), id="industry"),
    pytest.param(hr.CTDC_SEX, htcds.TYPE_OF_SEX_EXPLOITATION, set(), id="sex"),
    pytest.param(
        {key: label for key, (label, _flags) in hr.CTDC_RELATIONSHIP.items()},
        htcds.RELATIONSHIP_TO_TRAFFICKER,
        {"Acquainted"},
        id="relationship",
    ),
    pytest.param(hr.CASE_STATUS, {stage: "" for stage in Stage}, set(), id="case-status"),
]


@pytest.mark.parametrize(("mapping", "picklist", "unmapped"), TOTAL_MAPPINGS)
def test_mapping_is_total(mapping: Mapping[str, object], picklist: Mapping[str, str], unmapped: set[str]):
    assert set(mapping) == set(picklist)
    assert {key for key, value in mapping.items() if value is None} == unmapped


def test_mapped_ctdc_columns_exist():
    targets = {
        *hr.CTDC_CONTROL.values(),
        *hr.CTDC_EXPLOITATION.values(),
        *hr.CTDC_LABOUR_BY_INDUSTRY.values(),
        *hr.CTDC_SEX.values(),
        *hr.CTDC_LABOUR_WITHIN_SECTION,
        *hr.CTDC_LABOUR_NEVER_DERIVED,
        *(column for _label, flags in hr.CTDC_RELATIONSHIP.values() for column in flags),
    }
    assert targets <= set(hr.CTDC_COLUMNS)
    assert set(hr.CTDC_LABOUR_WITHIN_SECTION.values()) <= set(htcds.FORCED_LABOUR_INDUSTRY)
    assert set(hr.SHEET_INDUSTRY_NAMES) <= set(htcds.FORCED_LABOUR_INDUSTRY)
    assert set(hr.CASE_STATUS.values()) <= {"Active", "FollowUp", "Closed", "ClosedReferred"}


@pytest.mark.parametrize("method", list(htcds.METHODS_OF_CONTROL))
def test_each_method_of_control_ticks_its_column(method: str):
    record = hr.to_ctdc(_context(control_methods=(method,)))
    assert {c for c in hr.CTDC_CONTROL_COLUMNS if record[c] == "1"} == {hr.CTDC_CONTROL[method]}
    exported = hr.to_htcds(_context(control_methods=(method,)))["vic_MethodsOfControl"]
    assert exported == ("Other" if method in hr.DEFINITION_ONLY_METHODS_OF_CONTROL else method)


@pytest.mark.parametrize("kind", list(htcds.TYPE_OF_EXPLOITATION))
def test_each_exploitation_type_ticks_its_flag(kind: str):
    record = hr.to_ctdc(
        _context(exploitation_types=(kind,), forced_labour_industries=(), sex_exploitation_types=())
    )
    assert {c for c in hr.CTDC_EXPLOITATION_COLUMNS if record[c] == "1"} == {hr.CTDC_EXPLOITATION[kind]}
    assert record["typeOfLabourBegging"] == (
        "1" if kind == "ForcedBegging" else "0" if kind == "ForcedLabour" else None
    )
    assert record["typeOfLabourNotSpecified"] == (
        "1" if kind == "ForcedLabour" else "0" if kind == "ForcedBegging" else None
    )


@pytest.mark.parametrize("section", list(htcds.FORCED_LABOUR_INDUSTRY))
def test_each_industry_ticks_one_labour_column(section: str):
    record = hr.to_ctdc(_context(forced_labour_industries=(section,)))
    assert {c for c in hr.CTDC_LABOUR_COLUMNS if record[c] == "1"} == {hr.CTDC_LABOUR_BY_INDUSTRY[section]}


@pytest.mark.parametrize("kind", list(htcds.TYPE_OF_SEX_EXPLOITATION))
def test_each_sex_exploitation_type_ticks_its_column(kind: str):
    record = hr.to_ctdc(_context(sex_exploitation_types=(kind,)))
    assert {c for c in hr.CTDC_SEX_COLUMNS if record[c] == "1"} == {hr.CTDC_SEX[kind]}


@pytest.mark.parametrize("relationship", list(htcds.RELATIONSHIP_TO_TRAFFICKER))
def test_each_relationship_has_consistent_flags(relationship: str):
    record = hr.to_ctdc(_context(relationship_to_trafficker=relationship))
    ticked = [c for c in hr.CTDC_RELATION_COLUMNS if record[c] == "1"]
    assert len(ticked) <= 1
    assert record["RecruiterRelationship"] == hr.CTDC_RELATIONSHIP[relationship][0]
    assert (
        hr.to_htcds(_context(relationship_to_trafficker=relationship))["vic_RelationshipToTrafficker"]
        == relationship
    )


@pytest.mark.parametrize("gender", list(htcds.GENDER))
def test_each_gender_maps_to_a_ctdc_value_or_blank(gender: str):
    assert hr.to_ctdc(_facts(gender=gender))["gender"] in {"Female", "Male", "Unknown", None}
    assert hr.to_htcds(_facts(gender=gender))["prs_Gender"] == gender


@pytest.mark.parametrize(
    ("stage", "status"), [("open", "Active"), ("reopened", "Active"), ("closed", "Closed")]
)
def test_case_status_from_stage(stage: str, status: str):
    assert hr.to_htcds(_facts(stage=stage))["cas_Status"] == status


def test_no_control_method_recorded_is_not_specified_not_absent():
    record = hr.to_ctdc(_context(control_methods=()))
    assert record["meansOfControlNotSpecified"] == "1"
    assert all(record[c] is None for c in hr.CTDC_CONTROL_COLUMNS)


def test_forced_labour_without_industry_claims_no_industry():
    record = hr.to_ctdc(_context(forced_labour_industries=()))
    assert record["typeOfLabourNotSpecified"] == "1"
    assert all(
        record[c] is None
        for c in hr.CTDC_LABOUR_COLUMNS
        if c not in {"typeOfLabourNotSpecified", "typeOfLabourBegging"}
    )


def test_not_forced_labour_leaves_labour_columns_blank():
    record = hr.to_ctdc(_context(exploitation_types=("SexualExploitation",), forced_labour_industries=()))
    assert all(record[c] is None for c in hr.CTDC_LABOUR_COLUMNS)
    assert record["isSexAndLabour"] == "0"


def test_agriculture_leaves_aquafarming_unknown():
    record = hr.to_ctdc(_context(forced_labour_industries=("A_AgricultureForestryAndFishing",)))
    assert (record["typeOfLabourAgriculture"], record["typeOfLabourAquafarming"]) == ("1", None)
    assert record["typeOfLabourPeddling"] == "0"


# --- Nothing identifying leaves ---------------------------------------------------------------------------------


def _all_values(facts: CaseFacts) -> list[str]:
    values: list[str] = []
    values += hr.to_htcds(facts).values()
    values += hr.to_htcds(facts, country_codes="alpha2", strict=False).values()
    for value in hr.to_htcds_json(facts).values():
        values += value if isinstance(value, list) else [value or ""]
    values += [value or "" for value in hr.to_ctdc(facts).values()]
    return values


def test_no_identifying_value_in_any_output():
    facts = _facts(estimated_age=23, age_estimated_on=date(2024, 4, 30))
    exact_dates = (BIRTH, OPENED, CLOSED, *EVENT_DATES, date(2024, 4, 30))
    forbidden = [
        REFERENCE,
        *PLACES,
        *(day.isoformat() for day in exact_dates),
        *(day.strftime("%d/%m/%Y") for day in exact_dates),
        str(BIRTH.year),
    ]
    for value in _all_values(facts):
        for secret in forbidden:
            assert secret not in value
    # No exact age either: ages only ever appear as bands.
    assert not {"16", "17", "23"} & set(_all_values(facts))


def test_outputs_are_plain_codes():
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_;-+/ ")
    for value in _all_values(FULL):
        assert set(value) <= allowed, value


# --- Ages -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band", "status"),
    [
        (0, "0--8", "Minor"),
        (8, "0--8", "Minor"),
        (9, "9--17", "Minor"),
        (17, "9--17", "Minor"),
        (18, "18--20", "Adult"),
        (20, "18--20", "Adult"),
        (21, "21--23", "Adult"),
        (29, "27--29", "Adult"),
        (30, "30--38", "Adult"),
        (47, "39--47", "Adult"),
        (48, "48+", "Adult"),
        (101, "48+", "Adult"),
        (None, None, None),
    ],
)
def test_age_bands_at_the_boundaries(age: int | None, band: str | None, status: str | None):
    assert hr.age_band(age) == band
    assert hr.majority(age) == status


@pytest.mark.parametrize(
    ("born", "band", "status"),
    [
        (date(2015, 5, 2), "9--17", "Minor"),  # 9 on the opening day
        (date(2015, 5, 3), "0--8", "Minor"),  # 9 the day after
        (date(2006, 5, 2), "18--20", "Adult"),  # 18 on the opening day
        (date(2006, 5, 3), "9--17", "Minor"),
        (date(1976, 5, 2), "48+", "Adult"),
        (date(1976, 5, 3), "39--47", "Adult"),
    ],
)
def test_ctdc_age_from_date_of_birth_at_opening(born: date, band: str, status: str):
    record = hr.to_ctdc(_facts(date_of_birth=born))
    assert (record["ageBroad"], record["majorityStatus"]) == (band, status)


def test_estimated_age_is_aged_forward_to_the_opening_date():
    # Estimated 17 on 1 May 2023: 18 from 1 May 2024, so an adult when the case opens on 2 May 2024.
    facts = _facts(date_of_birth=None, estimated_age=17, age_estimated_on=date(2023, 5, 1))
    assert hr.age_on(facts, OPENED) == 18
    assert hr.to_ctdc(facts)["majorityStatus"] == "Adult"
    later_estimate = _facts(date_of_birth=None, estimated_age=17, age_estimated_on=date(2023, 5, 3))
    assert hr.age_on(later_estimate, OPENED) == 17
    assert hr.to_ctdc(later_estimate)["ageBroad"] == "9--17"


def test_estimated_age_is_aged_back_to_the_journey():
    facts = _facts(date_of_birth=None, estimated_age=30, age_estimated_on=date(2024, 6, 1))
    assert hr.age_on(facts, date(2020, 6, 1)) == 26
    assert hr.age_on(facts, date(2020, 5, 31)) == 25
    assert hr.to_htcds(facts)["vic_AgeWhenTrafficked"] == "24--26"  # 24 in September 2018


def test_date_of_birth_wins_over_an_estimate():
    facts = _facts(estimated_age=40, age_estimated_on=date(2024, 1, 1))
    assert hr.age_on(facts, OPENED) == 23


def test_no_age_without_a_date_and_none_before_birth():
    assert hr.age_on(_facts(date_of_birth=None), OPENED) is None
    assert hr.age_on(_facts(date_of_birth=None, estimated_age=30), OPENED) is None  # no estimate date
    assert hr.age_on(FULL, date(2000, 1, 1)) is None


def test_estimate_made_on_29_february():
    facts = _facts(date_of_birth=None, estimated_age=1, age_estimated_on=date(2024, 2, 29))
    assert hr.age_on(facts, date(2024, 2, 29)) == 1
    # Read as born on 28 February 2023 (there is no 29 February that year).
    assert hr.age_on(facts, date(2023, 2, 28)) == 0
    assert hr.age_on(facts, date(2023, 2, 27)) is None


def test_age_when_trafficked_needs_a_dated_journey_step():
    undated = tuple(replace(event, start=None, end=None) for event in FULL_CONTEXT.journey)
    facts = _context(journey=undated)
    assert hr.to_htcds(facts)["vic_AgeWhenTrafficked"] == ""
    record = hr.to_ctdc(facts)
    assert (record["majorityEntry"], record["majorityStatusAtExploit"]) == (None, None)
    # Undated exploitation steps keep the order they were entered in.
    assert record["CountryOfExploitation"] == "TR"


# --- Refusals ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        (_facts(stage="archived"), "stage"),
        (_facts(gender="Female"), "prs_Gender"),
        (_facts(citizenships=("XX",)), "prs_Citizenship"),
        (_context(control_methods=("DebtBondage ",)), "vic_MethodsOfControl"),
        (_context(exploitation_types=("Trafficking",)), "vic_TypeOfExploitation"),
        (_context(relationship_to_trafficker="Unacquainted"), "vic_RelationshipToTrafficker"),
    ],
)
def test_values_outside_the_picklists_are_refused(facts: CaseFacts, field: str):
    with pytest.raises(RecordError, match=f"^{field}:"):
        hr.to_htcds(facts)


def test_free_text_data_source_is_refused():
    with pytest.raises(RecordError, match=r"^Datasource:"):
        hr.to_ctdc(_facts(data_source="Shelter in Lisbon"))


def test_module_is_pure():
    code = "import sys, threefold.insight.core.htcds_records; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- Against the published files --------------------------------------------------------------------------------


def _standard_picklists(path: object) -> dict[str, set[str]]:
    with open(str(path), newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return {
        row["Field Name including Prefix"]: {
            v.strip() for v in row["Value Names (if picklist)"].split("\n") if v
        }
        for row in rows
        if row["Field Name including Prefix"]
    }


@pytest.mark.realdata
def test_strict_export_stays_inside_the_standard(shared_file):
    standard = _standard_picklists(shared_file("HTCDS_Field_Standards_2.0.csv"))
    assert {f for f in hr.HTCDS_EXPORT_FIELDS if not f.startswith("ext_")} <= set(standard)
    everything = replace(
        FULL_CONTEXT,
        exploitation_types=tuple(htcds.TYPE_OF_EXPLOITATION),
        forced_labour_industries=tuple(htcds.FORCED_LABOUR_INDUSTRY),
        sex_exploitation_types=tuple(htcds.TYPE_OF_SEX_EXPLOITATION),
        recruitment_methods=tuple(htcds.METHOD_OF_RECRUITMENT),
        control_methods=tuple(htcds.METHODS_OF_CONTROL),
    )
    record = hr.to_htcds_json(replace(FULL, context=everything))
    picklist_fields = [
        f for f in record if f in standard and f not in {"prs_Citizenship", "vic_AgeWhenTrafficked"}
    ]
    for name in picklist_fields:
        values = record[name]
        for value in values if isinstance(values, list) else [values]:
            assert value in standard[name], (name, value)
    for gender in htcds.GENDER:
        assert hr.to_htcds(_facts(gender=gender))["prs_Gender"] in standard["prs_Gender"]
    for stage in Stage:
        assert hr.to_htcds(_facts(stage=stage.value))["cas_Status"] in standard["cas_Status"]


@pytest.mark.realdata
def test_ctdc_columns_and_values_are_the_datasets(shared_file):
    with open(shared_file("ctdc_global_dataset_2018_sure2018.csv"), newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    # A subset of the dataset's columns, in the dataset's order.
    assert [column for column in header if column in hr.CTDC_COLUMNS] == list(hr.CTDC_COLUMNS)
    seen = {
        column: {row[column] for row in rows}
        for column in ("gender", "ageBroad", "majorityStatus", "Datasource")
    }
    assert {label for _lowest, label in hr.AGE_BANDS} <= seen["ageBroad"]
    assert {v for v in hr.CTDC_GENDER.values() if v} <= seen["gender"]
    assert set(hr.CTDC_DATASOURCES) <= seen["Datasource"]
    assert {"Adult", "Minor"} <= seen["majorityStatus"]
    relationships = {part.strip() for row in rows for part in row["RecruiterRelationship"].split(";")}
    assert {label for label, _flags in hr.CTDC_RELATIONSHIP.values() if label} | {"Unknown"} <= relationships
