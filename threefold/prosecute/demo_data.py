"""Fictitious criminal proceedings for the demo world, generated deterministically. Pure (no Django).

Safe Harbour's legal officer follows witnesses: three of the shelter's demo survivors (their cases get a
proceeding) and ``WITNESSES`` more survivors recorded for this purpose, all agreeing to be counted, so that the
prosecution statistics have enough cases for some counts to be shown at k = 11 (and others hidden, to see why).
``tests/test_prosecute_demo.py`` looks for every name and note here in the database files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from faker import Faker

from threefold.prosecute.core.outcomes import Point
from threefold.protect.identity import Identity

WITNESS_LOCALES = ("fr_FR", "ro_RO", "en_NG", "vi_VN", "uk_UA", "pt_BR", "bg_BG", "es_ES")
# Where the 32 witnesses' proceedings end up, with the three shelter cases (investigation, trial, conviction):
# 11 investigation, 4 charged, 3 at trial, 5 verdicts without a conviction, 12 convictions; 13 counted cases
# without any proceeding. The statistics page then shows some counts and hides others.
WITNESS_POINTS: tuple[Point, ...] = (
    *(Point.INVESTIGATION,) * 10,
    *(Point.PROSECUTION,) * 4,
    *(Point.TRIAL,) * 2,
    *(Point.NOT_CONVICTED,) * 5,
    *(Point.CONVICTED,) * 11,
)
WITNESSES = len(WITNESS_POINTS)
SHELTER_CASES: tuple[tuple[int, Point], ...] = (
    (1, Point.INVESTIGATION),
    (2, Point.TRIAL),
    (3, Point.CONVICTED),
)
EXPLOITATION = ("SexualExploitation", "ForcedLabour", "SexualExploitation", "ForcedLabour", "ForcedBegging")
COURT = "Tribunal judiciaire de Démoville (fictitious)"
ROLES = (
    ("RecruiterOrIntermediary", "Exploiter"),
    ("Transporter",),
    ("Exploiter", "ControlledIndividual"),
    ("BrokerTravelAgent", "RecruiterOrIntermediary"),
)
CUSTODY_MONTHS = (18, 30, 48, 60, 84, 24, 36, 42, 72, 54, 30, 96)


def _faker(key: str, locale: str) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big"))
    return fake


def demo_witnesses() -> list[Identity]:
    """Survivors recorded at the shelter for the prosecution demo (a name, an age; no contact details)."""
    found = []
    for index in range(WITNESSES):
        fake = _faker(f"witness:{index}", WITNESS_LOCALES[index % len(WITNESS_LOCALES)])
        found.append(
            Identity(
                given_names=fake.first_name(),
                family_names=fake.last_name(),
                date_of_birth=fake.date_of_birth(minimum_age=19, maximum_age=50),
            )
        )
    return found


@dataclass(frozen=True)
class DemoProceeding:
    point: Point
    index: int
    offenders: tuple[str, ...]
    exploitation: str
    notes: tuple[str, ...] = field(default=())

    @property
    def opened_days_ago(self) -> int:
        # Spread over the last four years, most in the last two, so some years hold enough cases to show.
        return (90, 200, 380, 420, 560, 700, 800, 1100, 1300)[self.index % 9] + self.index


def demo_proceeding(index: int, point: Point, key: str) -> DemoProceeding:
    fake = _faker(f"offender:{key}", WITNESS_LOCALES[(index + 3) % len(WITNESS_LOCALES)])
    count = 2 if index % 3 == 0 else 1
    offenders = tuple(f"{fake.first_name()} {fake.last_name()}" for _ in range(count))
    notes = (
        f"Statement taken with an interpreter; {offenders[0]} denies knowing her.",
        "She asked not to meet the accused in the corridor.",
    )
    return DemoProceeding(point, index, offenders, EXPLOITATION[index % len(EXPLOITATION)], notes)


def witness_proceedings() -> list[DemoProceeding]:
    return [demo_proceeding(index, point, f"witness:{index}") for index, point in enumerate(WITNESS_POINTS)]


def shelter_proceedings() -> list[tuple[int, DemoProceeding]]:
    """(index in ``protect.demo_data.demo_people``, proceeding) for the shelter cases that get one."""
    return [
        (person_index, demo_proceeding(100 + person_index, point, f"shelter:{person_index}"))
        for person_index, point in SHELTER_CASES
    ]


OWN_CHARGES = (
    ("Use of a false passport at the border", "charged", "not_raised"),
    ("Cannabis cultivation in the house where she was held", "charged", "pending"),
)


def secrets() -> list[str]:
    """Every fictitious name and note this module puts in sealed columns (for the plaintext-at-rest test)."""
    values: list[str] = []
    for proceeding in [*witness_proceedings(), *(p for _i, p in shelter_proceedings())]:
        values += list(proceeding.offenders) + list(proceeding.notes)
    values += [offence for offence, _status, _np in OWN_CHARGES]
    return values
