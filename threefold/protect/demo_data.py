"""Fictitious survivors for the demo world, generated deterministically with Faker in several scripts.

Pure (no Django): the plaintext-leak test uses the same list to look for every name in the database files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from anyascii import anyascii
from faker import Faker

from threefold.protect.identity import Identity
from threefold.protect.victim_context import JourneyEvent, VictimContext

# Faker locale per demo organisation: several scripts (Cyrillic, Arabic, Thai, Chinese, Latin).
LOCALES_BY_ORG: dict[str, tuple[str, ...]] = {
    "shelter": ("ru_RU", "uk_UA", "ar_EG", "ro_RO", "fr_FR", "en_NG"),
    "casa": ("es_MX", "zh_CN", "th_TH", "vi_VN"),
}
PEOPLE_PER_LOCALE = 2


@dataclass(frozen=True)
class DemoPerson:
    org_key: str
    identity: Identity


def demo_people() -> list[DemoPerson]:
    people: list[DemoPerson] = []
    for org_key, locales in LOCALES_BY_ORG.items():
        for locale in locales:
            fake = Faker(locale)
            for index in range(PEOPLE_PER_LOCALE):
                seed = int.from_bytes(hashlib.sha256(f"{locale}:{index}".encode()).digest()[:4], "big")
                fake.seed_instance(seed)
                given, family = fake.first_name(), fake.last_name()
                latin = anyascii(f"{given} {family}")
                aliases = [latin] if latin != f"{given} {family}" else [f"{given[:1]}. {family}"]
                aliases.append(fake.first_name())  # the name the person used while exploited
                people.append(
                    DemoPerson(
                        org_key,
                        Identity(
                            given_names=given,
                            family_names=family,
                            aliases=tuple(aliases),
                            date_of_birth=fake.date_of_birth(minimum_age=16, maximum_age=55),
                            phones=(
                                fake.msisdn()[:12] if index % 2 else "+44 7700 900" + f"{seed % 1000:03d}",
                            ),
                            emails=()
                            if index % 2
                            else (f"{anyascii(given).lower().replace(' ', '')}{seed % 100}@example.org",),
                        ),
                    )
                )
    return people


@dataclass(frozen=True)
class DemoCase:
    """What the demo shows of a person's case: its victim context, how far it went and the notes written."""

    context: VictimContext
    moves: tuple[tuple[str, str], ...]  # (stage, reason), in order
    notes: tuple[str, ...]


_DEMO_JOURNEYS = (
    (
        "MD",
        "GB",
        "ForcedLabour",
        "I_AccommodationAndFoodServiceActivities",
        ("WithholdsDocuments", "DebtBondage"),
    ),
    ("NG", "FR", "SexualExploitation", "", ("PhysicalThreats", "TakesEarnings")),
    (
        "RO",
        "ES",
        "ForcedLabour",
        "A_AgricultureForestryAndFishing",
        ("ExcessiveWorkingHours", "RestrictsMovement"),
    ),
    ("VN", "GB", "ForcedLabour", "S_OtherServiceActivities", ("ThreatsLawEnforcement", "DebtBondage")),
    ("TH", "MX", "ForcedBegging", "", ("PsychologicalAbuse",)),
)
_DEMO_MOVES = (
    ("assessment", "First meeting held at the shelter with an interpreter"),
    ("plan", "Needs assessed together; she chose housing and legal advice first"),
    ("services", "Plan agreed and signed; services start this week"),
    ("follow_up", "Services delivered; monthly calls agreed"),
    ("closed", "She moved on and asked for the case to close"),
)


def demo_case(index: int, person: DemoPerson) -> DemoCase:
    """A fictitious case for the ``index``-th demo person: a journey, a stage reached and two notes."""
    origin, destination, exploitation, industry, controls = _DEMO_JOURNEYS[index % len(_DEMO_JOURNEYS)]
    context = VictimContext(
        exploitation_types=(exploitation,),
        forced_labour_industries=(industry,) if industry else (),
        control_methods=controls,
        recruitment_methods=("ThroughFriendsOrSocialEvents",)
        if index % 2
        else ("ThroughOnlineSocialNetworks",),
        relationship_to_trafficker="Acquainted" if index % 3 else "Unaquainted",
        journey=(
            JourneyEvent(type="Recruitment", country=origin),
            JourneyEvent(type="Exploitation", country=destination),
        ),
    )
    given = person.identity.given_names
    notes = (
        f"{given} asked to be called only on the shelter's phone.",
        f"{given} would like to talk to a lawyer before deciding about the police.",
    )
    return DemoCase(context, _DEMO_MOVES[: index % (len(_DEMO_MOVES) + 1)], notes)


# People known to both demo NGOs, each recorded the way that organisation wrote it down, so that record linkage
# between the two (threefold/insight/linkage_*.py) has an overlap to find: another script, the family name first,
# accents dropped, a misspelling, a longer form of the name, an estimated age instead of a date of birth. All
# consented to be counted in statistics. Kept apart from `demo_people` (whose shelter list other tests count).
_SHARED: tuple[tuple[Identity, Identity], ...] = (
    (
        Identity("Наталья", "Ковальчук", date_of_birth=date(1994, 3, 12), gender="Feminine"),
        Identity("Natalia", "Kovalchuk", date_of_birth=date(1994, 3, 12), gender="Feminine"),
    ),
    (
        Identity("Thi Lan", "Nguyen", date_of_birth=date(1999, 7, 21), gender="Feminine"),
        Identity("Nguyen", "Thi Lan", date_of_birth=date(1999, 7, 21), gender="Feminine"),
    ),
    (
        Identity("José María", "Gutiérrez", date_of_birth=date(1988, 11, 2), gender="Masculine"),
        Identity("Jose Maria", "Gutierrez", date_of_birth=date(1988, 11, 2), gender="Masculine"),
    ),
    (
        Identity("Ioana", "Popescu", date_of_birth=date(2001, 5, 30), gender="Feminine"),
        Identity("Ioana", "Popesku", date_of_birth=date(2001, 5, 30), gender="Feminine"),
    ),
    (
        Identity("Amara", "Okafor", date_of_birth=date(1992, 9, 14), gender="Feminine"),
        Identity("Amarachi", "Okafor", date_of_birth=date(1992, 9, 14), gender="Feminine"),
    ),
    (
        Identity("Олена", "Бондаренко", date_of_birth=date(1997, 8, 19), gender="Feminine"),
        Identity(
            "Olena", "Bondarenko", estimated_age=28, age_estimated_on=date(2025, 6, 1), gender="Feminine"
        ),
    ),
    (
        Identity("芳", "王", date_of_birth=date(1996, 2, 11), gender="Feminine"),
        Identity("Fang", "Wang", date_of_birth=date(1996, 2, 11), gender="Feminine"),
    ),
)


def demo_shared_people() -> list[DemoPerson]:
    """The people both demo NGOs know: the shelter's records, then Casa Esperanza's."""
    return [DemoPerson("shelter", pair[0]) for pair in _SHARED] + [
        DemoPerson("casa", pair[1]) for pair in _SHARED
    ]


# People the shelter recorded twice, as happens when a second caseworker meets someone again: the name written
# another way (Latin letters for a Cyrillic record, the family name first), 1 January of a guessed year or an age
# estimated on the day. The duplicate review (threefold/protect/duplicate_*.py) proposes them. No statistics
# consent was recorded on these second records, so they are not encoded for record linkage.
_RECORDED_TWICE: tuple[Identity, ...] = (
    Identity("Natalia", "Kovalchuk", date_of_birth=date(1994, 1, 1), gender="Feminine"),
    Identity("Popescu", "Ioana", estimated_age=24, age_estimated_on=date(2025, 9, 1), gender="Feminine"),
)


def demo_recorded_twice() -> list[DemoPerson]:
    """Second records, at the shelter, of people in ``demo_shared_people``'s shelter list."""
    return [DemoPerson("shelter", identity) for identity in _RECORDED_TWICE]
