"""Fictitious survivors for the demo world, generated deterministically with Faker in several scripts.

Pure (no Django): the plaintext-leak test uses the same list to look for every name in the database files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from anyascii import anyascii
from faker import Faker

from threefold.protect.identity import Identity

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
