"""One case as a record-level export: in HTCDS 2.0 field names, or in the CTDC global dataset's columns.

Pure Python (no Django import): the caller unseals what it needs and passes plain ``CaseFacts``.

What never leaves: names, contacts, places, free text, the case reference and exact dates. The output
carries only picklist codes, country codes, an age band and a year. Exact dates of birth, of opening and of
journey events, and exact ages, are *quasi-identifiers*: in a community where few people are assisted, "born
14 March 2001, opened 2 May 2024" singles a person out even without a name, and a record-level file is
copied and joined with other files. Bands and years make every value shared by many people, and
threefold.insight.core.anonymise then makes sure each combination of them is shared by at least k records.

Ages are counted in the CTDC global dataset's bands (0--8, 9--17, 18--20, ..., 48+) everywhere, so the HTCDS
and CTDC exports say the same thing and an organisation's cases can be compared with the CTDC figures.

Choices where the sources disagree (see ../shared/reference/htcds.md):
- Country codes: HTCDS says "ISO 3166, two-letter codes optional", the CTDC 2024 codebook uses alpha-3 and
  the CTDC 2018 microdata alpha-2. ``to_htcds`` takes ``country_codes`` ("alpha3" by default, as the current
  CTDC codebook); ``to_ctdc`` uses alpha-2, as the CTDC data it is compared with.
- "DebtBondage": the standard's XLSForm and sheet carry a trailing space ("DebtBondage "); it is exported
  without it. A consumer matching the literal XLSForm value must strip values first.
- Methods of control: Threefold also records RestrictsMovement and UsesChildren, which the standard defines
  (Field Definitions.md) but leaves out of its picklist. ``to_htcds(strict=True)`` (the default) exports them
  as "Other" so that a picklist-validating system accepts the file; ``strict=False`` keeps them. The CTDC
  export has columns for both and uses them.
- ISIC sections: three of Threefold's keys spell out the full ISIC section title where the standard's sheet
  shortens it (E_...WasteManagement, G_...RepairOfMotorVehicles, O_...AndDefence). ``strict=True`` exports
  the sheet's spelling (SHEET_INDUSTRY_NAMES); ``strict=False`` keeps Threefold's keys.
- Values are spelled as in the standard, including its "Unaquainted".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

import pycountry

from threefold.insight.core.ctdc import SURE_2018_COLUMNS
from threefold.protect import htcds
from threefold.protect.lifecycle import Stage
from threefold.protect.victim_context import JourneyEvent, VictimContext

CountryCodes = Literal["alpha3", "alpha2"]
MULTI_SEPARATOR = ";"  # HTCDS multi-select values in one CSV cell, as Salesforce exports them
# The only data sources the CTDC global dataset knows; a label outside this list would be free text.
CTDC_DATASOURCES: tuple[str, ...] = ("Case Management", "Hotline")
ADULT_AGE = 18


class RecordError(ValueError):
    """A case cannot be exported as it is; the message names the field (never its value if identifying)."""


class _Person(Protocol):
    """What CaseFacts needs of an identity (threefold.protect.identity.Identity has it), read-only."""

    @property
    def gender(self) -> str: ...
    @property
    def date_of_birth(self) -> date | None: ...
    @property
    def estimated_age(self) -> int | None: ...
    @property
    def age_estimated_on(self) -> date | None: ...
    @property
    def citizenships(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class CaseFacts:
    """The facts of one case an export may draw on. ``reference`` and ``closed_on`` are for the caller (error
    messages, selection); neither is exported: a reference links back to the person, a date is too precise."""

    reference: str
    opened_on: date
    stage: str  # a threefold.protect.lifecycle.Stage value
    closed_on: date | None = None
    gender: str = ""  # a key of htcds.GENDER, or "" when not recorded
    date_of_birth: date | None = None
    estimated_age: int | None = None
    age_estimated_on: date | None = None
    citizenships: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, the main one first
    context: VictimContext = field(default_factory=VictimContext)
    data_source: str = "Case Management"  # one of CTDC_DATASOURCES

    @classmethod
    def from_identity(
        cls,
        *,
        reference: str,
        opened_on: date,
        stage: str,
        identity: _Person,
        context: VictimContext,
        closed_on: date | None = None,
        data_source: str = "Case Management",
    ) -> CaseFacts:
        # Only these identity fields are copied, so names and contacts never reach an export function.
        return cls(
            reference=reference,
            opened_on=opened_on,
            stage=stage,
            closed_on=closed_on,
            gender=identity.gender,
            date_of_birth=identity.date_of_birth,
            estimated_age=identity.estimated_age,
            age_estimated_on=identity.age_estimated_on,
            citizenships=tuple(identity.citizenships),
            context=context,
            data_source=data_source,
        )


# --- Ages -----------------------------------------------------------------------------------------------------

# CTDC's ageBroad bands: (lowest age, label), ascending.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0--8"),
    (9, "9--17"),
    (18, "18--20"),
    (21, "21--23"),
    (24, "24--26"),
    (27, "27--29"),
    (30, "30--38"),
    (39, "39--47"),
    (48, "48+"),
)


def _full_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_on(facts: CaseFacts, day: date) -> int | None:
    """Age in whole years on ``day``; None when unknown or when ``day`` is before the birth.

    A date of birth wins over an estimate (as threefold.protect.identity.estimated_birth_year does). An
    estimated age is read as an age just reached on the day it was estimated, and aged forward (or back) from
    there: estimated 16 on 1 June 2023 makes 17 on 1 June 2024 and 15 on 31 May 2023.
    """
    if facts.date_of_birth is not None:
        born = facts.date_of_birth
    elif facts.estimated_age is not None and facts.age_estimated_on is not None:
        born = _years_before(facts.age_estimated_on, facts.estimated_age)
    else:
        return None
    age = _full_years(born, day)
    return age if age >= 0 else None


def age_band(age: int | None) -> str | None:
    """The CTDC ageBroad band of an age, None when unknown."""
    if age is None or age < 0:
        return None
    return [label for lowest, label in AGE_BANDS if age >= lowest][-1]


def majority(age: int | None) -> str | None:
    """CTDC's majorityStatus: "Adult" from 18, "Minor" below, None when unknown."""
    if age is None or age < 0:
        return None
    return "Adult" if age >= ADULT_AGE else "Minor"


def _first_start(events: Iterable[JourneyEvent]) -> date | None:
    starts = [event.start for event in events if event.start is not None]
    return min(starts) if starts else None


def _age_when_trafficked(facts: CaseFacts) -> int | None:
    # "Age when first trafficked": at the earliest dated step of the journey. Without one it is unknown; the
    # age at opening would be a guess, and often a wrong one (people are assisted years later).
    first = _first_start(facts.context.journey)
    return age_on(facts, first) if first is not None else None


def _age_at_exploitation(facts: CaseFacts) -> int | None:
    first = _first_start(event for event in facts.context.journey if event.type == "Exploitation")
    return age_on(facts, first) if first is not None else None


# --- Picklists and countries ----------------------------------------------------------------------------------


def _picklist(values: Iterable[str], picklist: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Values deduplicated in the picklist's order (so equal sets export equally), refusing unknown ones: an
    export must never carry a value the standard does not have."""
    chosen = set(values)
    unknown = chosen.difference(picklist)
    if unknown:
        raise RecordError(f"{name}: not in the HTCDS list: {', '.join(sorted(unknown))}.")
    return tuple(key for key in picklist if key in chosen)


def _single(value: str, picklist: Mapping[str, str], name: str) -> str:
    return _picklist([value], picklist, name)[0] if value else ""


def _country(alpha_2: str, codes: CountryCodes, name: str) -> str:
    country = pycountry.countries.get(alpha_2=alpha_2.upper()) if len(alpha_2) == 2 else None
    if country is None:
        raise RecordError(f"{name}: not an ISO 3166-1 alpha-2 country code.")
    return str(country.alpha_3 if codes == "alpha3" else country.alpha_2)


def _exploitation_countries(context: VictimContext) -> tuple[str, ...]:
    """Countries of the Exploitation steps, earliest dated first, then undated ones in journey order."""
    steps = [event for event in context.journey if event.type == "Exploitation" and event.country]
    # sorted() is stable, so undated steps keep the order the caseworker entered them in.
    steps = sorted(steps, key=lambda event: (event.start is None, event.start or date.min))
    return tuple(dict.fromkeys(event.country.upper() for event in steps))


# --- HTCDS 2.0 ------------------------------------------------------------------------------------------------

# cas_Status from the case's stage. ClosedReferred is never produced: a referral is not a stage, and
# saying "referred" without one on record would be invented.
CASE_STATUS: Mapping[Stage, str] = {
    Stage.OPEN: "Active",
    Stage.ASSESSMENT: "Active",
    Stage.PLAN: "Active",
    Stage.SERVICES: "Active",
    Stage.FOLLOW_UP: "FollowUp",
    Stage.CLOSED: "Closed",
    Stage.REOPENED: "Active",
}

# Recorded by Threefold and defined by the standard's Field Definitions, but not in its picklist.
DEFINITION_ONLY_METHODS_OF_CONTROL: frozenset[str] = frozenset({"RestrictsMovement", "UsesChildren"})
# vic_ForcedLabourIndustry values the standard's sheet spells differently from threefold.protect.htcds.
SHEET_INDUSTRY_NAMES: Mapping[str, str] = {
    "E_WaterSupplySewerageWasteManagementAndRemediationActivities": "E_WaterSupplySewerageWasteManagement",
    "G_WholesaleAndRetailTradeRepairOfMotorVehiclesAndMotorcycles": "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
    "O_PublicAdministrationAndDefenceCompulsorySocialSecurity": "O_PublicAdministrationAndDefence",
}

# Not HTCDS fields: the standard keeps countries on its historic-event records (hte_Country with
# hte_Type = Exploitation) and has no registration date. Prefixed ext_ so nobody mistakes them for its own.
EXT_COUNTRY_OF_EXPLOITATION = "ext_CountryOfExploitation"
EXT_YEAR_OF_REGISTRATION = "ext_YearOfRegistration"

HTCDS_MULTI_FIELDS: frozenset[str] = frozenset(
    {
        "prs_Citizenship",
        "vic_MethodOfRecruitment",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        # A Picklist in the sheet but select_multiple in the standard's XLSForm; a case can span industries.
        "vic_ForcedLabourIndustry",
        "vic_TypeOfSexExploitation",
        EXT_COUNTRY_OF_EXPLOITATION,
    }
)

# The column order of an HTCDS export, with what each column holds (for the export's data dictionary).
HTCDS_FIELD_DESCRIPTIONS: Mapping[str, str] = {
    EXT_YEAR_OF_REGISTRATION: "Year the case was opened (not an HTCDS field; the date is generalised to a year).",
    "cas_Status": "HTCDS cas_Status from the case stage: Active, FollowUp or Closed.",
    "prs_Gender": "HTCDS prs_Gender picklist value.",
    "prs_Citizenship": "HTCDS prs_Citizenship: ISO 3166-1 codes (alpha-3 unless the export says alpha-2).",
    "vic_AgeWhenTrafficked": (
        "Age band (CTDC ageBroad bands) at the earliest dated step of the journey. HTCDS asks for a number of "
        "years; a band is given because an exact age is a quasi-identifier."
    ),
    "vic_TraffickingStatus": "HTCDS vic_TraffickingStatus picklist value.",
    "vic_TraffickingStatusDecisionMakingOrg": "Who decided the trafficking status (HTCDS picklist value).",
    "vic_RelationshipToTrafficker": "HTCDS picklist value, spelt as in the standard (Unaquainted).",
    "vic_MethodOfRecruitment": "HTCDS vic_MethodOfRecruitment values.",
    "vic_MethodsOfControl": (
        "HTCDS vic_MethodsOfControl values; DebtBondage without the standard's trailing space. "
        "RestrictsMovement and UsesChildren are exported as Other unless the export is not strict."
    ),
    "vic_TypeOfExploitation": "HTCDS vic_TypeOfExploitation values.",
    "vic_ForcedLabourIndustry": (
        "ISIC Rev. 4 sections (HTCDS vic_ForcedLabourIndustry values, spelt as the standard's sheet unless the "
        "export is not strict), several allowed."
    ),
    "vic_TypeOfSexExploitation": "HTCDS vic_TypeOfSexExploitation values.",
    EXT_COUNTRY_OF_EXPLOITATION: (
        "Countries of the journey's exploitation steps, ISO 3166-1 (not an HTCDS field; HTCDS keeps them as "
        "hte_Country of Exploitation events, with addresses and dates that are not exported)."
    ),
}
HTCDS_EXPORT_FIELDS: tuple[str, ...] = tuple(HTCDS_FIELD_DESCRIPTIONS)

HtcdsValue = str | tuple[str, ...]


def _case_status(stage: str) -> str:
    try:
        return CASE_STATUS[Stage(stage)]
    except ValueError:
        raise RecordError("stage: not a case stage.") from None


def _methods_of_control(methods: Iterable[str], *, strict: bool) -> tuple[str, ...]:
    chosen = _picklist(methods, htcds.METHODS_OF_CONTROL, "vic_MethodsOfControl")
    if strict:
        chosen = tuple(
            dict.fromkeys("Other" if m in DEFINITION_ONLY_METHODS_OF_CONTROL else m for m in chosen)
        )
    return chosen


def _industries(sections: Iterable[str], *, strict: bool) -> tuple[str, ...]:
    chosen = _picklist(sections, htcds.FORCED_LABOUR_INDUSTRY, "vic_ForcedLabourIndustry")
    return tuple(SHEET_INDUSTRY_NAMES.get(s, s) for s in chosen) if strict else chosen


def _htcds_values(facts: CaseFacts, codes: CountryCodes, strict: bool) -> dict[str, HtcdsValue]:
    context = facts.context
    return {
        EXT_YEAR_OF_REGISTRATION: str(facts.opened_on.year),
        "cas_Status": _case_status(facts.stage),
        "prs_Gender": _single(facts.gender, htcds.GENDER, "prs_Gender"),
        "prs_Citizenship": tuple(_country(code, codes, "prs_Citizenship") for code in facts.citizenships),
        "vic_AgeWhenTrafficked": age_band(_age_when_trafficked(facts)) or "",
        "vic_TraffickingStatus": _single(
            context.trafficking_status, htcds.TRAFFICKING_STATUS, "vic_TraffickingStatus"
        ),
        "vic_TraffickingStatusDecisionMakingOrg": _single(
            context.status_decided_by, htcds.DECISION_MAKER, "vic_TraffickingStatusDecisionMakingOrg"
        ),
        "vic_RelationshipToTrafficker": _single(
            context.relationship_to_trafficker,
            htcds.RELATIONSHIP_TO_TRAFFICKER,
            "vic_RelationshipToTrafficker",
        ),
        "vic_MethodOfRecruitment": _picklist(
            context.recruitment_methods, htcds.METHOD_OF_RECRUITMENT, "vic_MethodOfRecruitment"
        ),
        "vic_MethodsOfControl": _methods_of_control(context.control_methods, strict=strict),
        "vic_TypeOfExploitation": _picklist(
            context.exploitation_types, htcds.TYPE_OF_EXPLOITATION, "vic_TypeOfExploitation"
        ),
        "vic_ForcedLabourIndustry": _industries(context.forced_labour_industries, strict=strict),
        "vic_TypeOfSexExploitation": _picklist(
            context.sex_exploitation_types, htcds.TYPE_OF_SEX_EXPLOITATION, "vic_TypeOfSexExploitation"
        ),
        EXT_COUNTRY_OF_EXPLOITATION: tuple(
            # Sorted: the set of countries is what is exported, not the order of the journey.
            sorted(
                _country(code, codes, EXT_COUNTRY_OF_EXPLOITATION)
                for code in _exploitation_countries(context)
            )
        ),
    }


def to_htcds(
    facts: CaseFacts, *, country_codes: CountryCodes = "alpha3", strict: bool = True
) -> dict[str, str]:
    """The case as one CSV row in HTCDS_EXPORT_FIELDS order: multi-select values joined with ";", "" when
    unknown. ``strict`` keeps every value inside the standard sheet's picklists (see the module docstring)."""
    values = _htcds_values(facts, country_codes, strict)
    return {
        name: MULTI_SEPARATOR.join(value) if isinstance(value, tuple) else value
        for name, value in ((name, values[name]) for name in HTCDS_EXPORT_FIELDS)
    }


def to_htcds_json(
    facts: CaseFacts, *, country_codes: CountryCodes = "alpha3", strict: bool = True
) -> dict[str, str | list[str] | None]:
    """The same record for JSON: multi-select fields as lists (empty when none), other unknowns as null."""
    values = _htcds_values(facts, country_codes, strict)
    return {
        name: list(value) if isinstance(value, tuple) else (value or None)
        for name, value in ((name, values[name]) for name in HTCDS_EXPORT_FIELDS)
    }


# --- CTDC -----------------------------------------------------------------------------------------------------

CtdcRecord = dict[str, str | None]

# CTDC knows Female, Male and Unknown. Transgender people are counted by gender identity (which is what
# prs_Gender records): a separate small category would also single them out. Non-conforming has no CTDC
# equivalent and is not "unknown", so it is left blank (None) rather than forced into a binary. "Not specified
# or unknown" is None too: CTDC files spell missing values "Unknown", and the import reads that as missing, so
# own cases and imported datasets then count the unknown in the same row.
CTDC_GENDER: Mapping[str, str | None] = {
    "Feminine": "Female",
    "Masculine": "Male",
    "TransgenderFeminine": "Female",
    "TransgenderMasculine": "Male",
    "NonConforming": None,
    "NonSpecifiedUnknown": None,
}


def _ctdc_columns(prefix: str, *, but: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The CTDC 2018 file's columns starting with ``prefix``, in file order (one list of columns: ctdc.py's)."""
    return tuple(column for column in SURE_2018_COLUMNS if column.startswith(prefix) and column not in but)


# meansOfControl* columns in the CTDC file's order; NotSpecified is derived, not mapped.
CTDC_CONTROL_COLUMNS: tuple[str, ...] = _ctdc_columns("meansOfControl", but=("meansOfControlNotSpecified",))
# CTDC follows the standard's definitions' names, not its picklist's; both kinds of threat are CTDC "Threats".
CTDC_CONTROL: Mapping[str, str] = {
    "PhysicalThreats": "meansOfControlThreats",
    "ThreatsLawEnforcement": "meansOfControlThreatOfLawEnforcement",
    "ThreatensChildrenFamily": "meansOfControlThreats",
    "DebtBondage": "meansOfControlDebtBondage",
    "FalsePromises": "meansOfControlFalsePromises",
    "PhysicalAbuse": "meansOfControlPhysicalAbuse",
    "SexualAbuse": "meansOfControlSexualAbuse",
    "TakesEarnings": "meansOfControlTakesEarnings",
    "RestrictsFinancialAccess": "meansOfControlRestrictsFinancialAccess",
    "RestrictsMedicalCare": "meansOfControlRestrictsMedicalCare",
    "WithholdsNecessities": "meansOfControlWithholdsNecessities",
    "PsychologicalAbuse": "meansOfControlPsychologicalAbuse",
    "PsychoactiveSubstance": "meansOfControlPsychoactiveSubstances",
    "ExcessiveWorkingHours": "meansOfControlExcessiveWorkingHours",
    "WithholdsDocuments": "meansOfControlWithholdsDocuments",
    "RestrictsMovement": "meansOfControlRestrictsMovement",
    "UsesChildren": "meansOfControlUsesChildren",
    "Other": "meansOfControlOther",
}

CTDC_EXPLOITATION_COLUMNS: tuple[str, ...] = _ctdc_columns("is", but=("isAbduction",))
# Forced begging is forced labour in CTDC (its rows with typeOfLabourBegging = 1 all have isForcedLabour = 1);
# the forms CTDC has no flag for are "other exploitation". isSexAndLabour is derived.
CTDC_EXPLOITATION: Mapping[str, str] = {
    "ForcedLabour": "isForcedLabour",
    "SexualExploitation": "isSexualExploit",
    "ChildLabour": "isOtherExploit",
    "ForcedMarriage": "isForcedMarriage",
    "Servitude": "isOtherExploit",
    "ForcedMilitaryByNonStateActors": "isForcedMilitary",
    "OrganRemoval": "isOrganRemoval",
    "ForcedBegging": "isForcedLabour",
    "ForcedAdoption": "isOtherExploit",
    "Surrogacy": "isOtherExploit",
    "Other": "isOtherExploit",
}

CTDC_LABOUR_COLUMNS: tuple[str, ...] = _ctdc_columns("typeOfLabour")
# ISIC sections with a CTDC category of their own; every other section is typeOfLabourOther.
CTDC_LABOUR_BY_INDUSTRY: Mapping[str, str] = {
    section: {
        "A": "typeOfLabourAgriculture",
        "B": "typeOfLabourMiningOrDrilling",
        "C": "typeOfLabourManufacturing",
        "F": "typeOfLabourConstruction",
        "H": "typeOfLabourTransportation",
        "I": "typeOfLabourHospitality",
        "T": "typeOfLabourDomesticWork",
    }.get(section[0], "typeOfLabourOther")
    for section in htcds.FORCED_LABOUR_INDUSTRY
}
# CTDC categories that are a part of one ISIC section (fishing and aquaculture are in A, street selling in
# G): unknown when that section is ticked (it may or may not be them), "0" when it is not.
CTDC_LABOUR_WITHIN_SECTION: Mapping[str, str] = {
    "typeOfLabourAquafarming": "A_AgricultureForestryAndFishing",
    "typeOfLabourPeddling": "G_WholesaleAndRetailTradeRepairOfMotorVehiclesAndMotorcycles",
}
# Illicit activities (forced criminality) can sit in any ISIC section: never derivable, always None.
CTDC_LABOUR_NEVER_DERIVED: frozenset[str] = frozenset({"typeOfLabourIllicitActivities"})
_LABOUR_FROM_SECTIONS: frozenset[str] = frozenset(CTDC_LABOUR_BY_INDUSTRY.values())

CTDC_SEX_COLUMNS: tuple[str, ...] = _ctdc_columns("typeOfSex")
CTDC_SEX: Mapping[str, str] = {key: f"typeOfSex{key}" for key in htcds.TYPE_OF_SEX_EXPLOITATION}

CTDC_RELATION_COLUMNS: tuple[str, ...] = _ctdc_columns("recruiterRelation")
# (RecruiterRelationship, its flags). "Acquainted" (someone they knew) may be a friend, a partner or anyone
# else CTDC calls Other: the label is left blank and only what is certain is flagged (not family, not unknown).
# A stranger is none of family, friend or partner: CTDC's Other.
_NOT_FAMILY_NOT_UNKNOWN: Mapping[str, str | None] = {
    "recruiterRelationFamily": "0",
    "recruiterRelationUnknown": "0",
}
CTDC_RELATIONSHIP: Mapping[str, tuple[str | None, Mapping[str, str | None]]] = {
    "Familial": (
        "Family/Relative",
        {
            "recruiterRelationIntimatePartner": "0",
            "recruiterRelationFriend": "0",
            "recruiterRelationFamily": "1",
            "recruiterRelationOther": "0",
            "recruiterRelationUnknown": "0",
        },
    ),
    "Acquainted": (None, _NOT_FAMILY_NOT_UNKNOWN),
    "Unaquainted": (
        "Other",
        {
            "recruiterRelationIntimatePartner": "0",
            "recruiterRelationFriend": "0",
            "recruiterRelationFamily": "0",
            "recruiterRelationOther": "1",
            "recruiterRelationUnknown": "0",
        },
    ),
}
# Not recorded: CTDC's own practice ("Unknown", recruiterRelationUnknown = 1); the other flags stay unknown.
_RELATIONSHIP_NOT_RECORDED: tuple[str, Mapping[str, str | None]] = (
    "Unknown",
    {"recruiterRelationUnknown": "1"},
)

# The CTDC columns to_ctdc fills, in the order of the CTDC global dataset. Left out: isAbduction (nothing in
# HTCDS says it), the *Concatenated columns and isSlaveryAndPractices of the later k-anonymised layout.
CTDC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *CTDC_CONTROL_COLUMNS,
    "meansOfControlNotSpecified",
    *CTDC_EXPLOITATION_COLUMNS,
    *CTDC_LABOUR_COLUMNS,
    *CTDC_SEX_COLUMNS,
    "RecruiterRelationship",
    "CountryOfExploitation",
    *CTDC_RELATION_COLUMNS,
)


def _flag(present: bool) -> str:
    return "1" if present else "0"


def _flags(columns: Iterable[str], ticked: set[str]) -> CtdcRecord:
    return {column: _flag(column in ticked) for column in columns}


def _unknown(columns: Iterable[str]) -> CtdcRecord:
    return dict.fromkeys(columns)


def _ctdc_person(facts: CaseFacts) -> CtdcRecord:
    if facts.data_source not in CTDC_DATASOURCES:
        raise RecordError("Datasource: must be one of " + ", ".join(CTDC_DATASOURCES) + ".")
    gender = _single(facts.gender, htcds.GENDER, "gender")
    at_opening = age_on(facts, facts.opened_on)
    citizenships = [_country(code, "alpha2", "citizenship") for code in facts.citizenships]
    return {
        "yearOfRegistration": str(facts.opened_on.year),
        "Datasource": facts.data_source,
        "gender": CTDC_GENDER[gender] if gender else None,
        "ageBroad": age_band(at_opening),
        "majorityStatus": majority(at_opening),
        "majorityStatusAtExploit": majority(_age_at_exploitation(facts)),
        "majorityEntry": majority(_age_when_trafficked(facts)),
        # CTDC has one citizenship per victim: the first recorded (the main one; Identity keeps entry order).
        "citizenship": citizenships[0] if citizenships else None,
    }


def _ctdc_control(context: VictimContext) -> CtdcRecord:
    methods = _picklist(context.control_methods, htcds.METHODS_OF_CONTROL, "vic_MethodsOfControl")
    if not methods:
        # Nothing recorded is "not specified", as CTDC says it; no method is claimed absent.
        return {**_unknown(CTDC_CONTROL_COLUMNS), "meansOfControlNotSpecified": "1"}
    ticked = {CTDC_CONTROL[method] for method in methods}
    return {**_flags(CTDC_CONTROL_COLUMNS, ticked), "meansOfControlNotSpecified": "0"}


def _ctdc_exploitation(types: tuple[str, ...]) -> CtdcRecord:
    if not types:
        return _unknown(CTDC_EXPLOITATION_COLUMNS)
    ticked = {CTDC_EXPLOITATION[t] for t in types}
    flags = _flags(CTDC_EXPLOITATION_COLUMNS, ticked)
    flags["isSexAndLabour"] = _flag({"isForcedLabour", "isSexualExploit"} <= ticked)
    return flags


def _ctdc_labour(types: tuple[str, ...], industries: tuple[str, ...]) -> CtdcRecord:
    labour = _unknown(CTDC_LABOUR_COLUMNS)
    if not any(CTDC_EXPLOITATION[t] == "isForcedLabour" for t in types):
        return labour  # not forced labour: the kind of labour does not apply
    labour["typeOfLabourBegging"] = _flag("ForcedBegging" in types)
    labour["typeOfLabourNotSpecified"] = _flag("ForcedLabour" in types and not industries)
    if not industries:
        return labour  # the industry is unknown: no industry column is claimed either way
    ticked = {CTDC_LABOUR_BY_INDUSTRY[section] for section in industries}
    for column in CTDC_LABOUR_COLUMNS:
        if column in CTDC_LABOUR_WITHIN_SECTION:
            labour[column] = None if CTDC_LABOUR_WITHIN_SECTION[column] in industries else "0"
        elif column in _LABOUR_FROM_SECTIONS:
            labour[column] = _flag(column in ticked)
    return labour


def _ctdc_sex(types: tuple[str, ...], sex_types: tuple[str, ...]) -> CtdcRecord:
    if "SexualExploitation" not in types or not sex_types:
        return _unknown(CTDC_SEX_COLUMNS)
    return _flags(CTDC_SEX_COLUMNS, {CTDC_SEX[s] for s in sex_types})


def _ctdc_relationship(relationship: str) -> CtdcRecord:
    key = _single(relationship, htcds.RELATIONSHIP_TO_TRAFFICKER, "vic_RelationshipToTrafficker")
    label, flags = CTDC_RELATIONSHIP[key] if key else _RELATIONSHIP_NOT_RECORDED
    return {"RecruiterRelationship": label, **_unknown(CTDC_RELATION_COLUMNS), **flags}


def to_ctdc(facts: CaseFacts) -> CtdcRecord:
    """The case in the CTDC global dataset's columns (CTDC_COLUMNS order) and values, for comparison with it.

    Flags are "1"/"0" where the case says so and None where it does not: a blank in CTDC means unknown or
    suppressed, and "0" would claim an absence nobody recorded. (The CTDC data itself mostly leaves unticked
    methods of control blank rather than "0": compare "1" against "not 1".)
    """
    context = facts.context
    types = _picklist(context.exploitation_types, htcds.TYPE_OF_EXPLOITATION, "vic_TypeOfExploitation")
    industries = _picklist(
        context.forced_labour_industries, htcds.FORCED_LABOUR_INDUSTRY, "vic_ForcedLabourIndustry"
    )
    sex_types = _picklist(
        context.sex_exploitation_types, htcds.TYPE_OF_SEX_EXPLOITATION, "vic_TypeOfSexExploitation"
    )
    countries = [
        _country(code, "alpha2", "CountryOfExploitation") for code in _exploitation_countries(context)
    ]
    record: CtdcRecord = {
        **_ctdc_person(facts),
        **_ctdc_control(context),
        **_ctdc_exploitation(types),
        **_ctdc_labour(types, industries),
        **_ctdc_sex(types, sex_types),
        **_ctdc_relationship(context.relationship_to_trafficker),
        # One country per victim in CTDC: the earliest exploitation step's.
        "CountryOfExploitation": countries[0] if countries else None,
    }
    return {column: record[column] for column in CTDC_COLUMNS}


def to_ctdc_rows(cases: Sequence[CaseFacts]) -> list[CtdcRecord]:
    """Many cases at once (the input of threefold.insight.core.anonymise.k_anonymise)."""
    return [to_ctdc(facts) for facts in cases]
