"""Synthetic person records with known duplicates, for the tests and bench/dedupe.py. Nothing here is real.

Each duplicate is a copy of a person's record with the kinds of change seen in trafficking casework: the name in
another script (Cyrillic) or transliterated differently, given and family names reordered, an alias, a typo; the
date of birth as 1 January, a year only or an estimated age; sex missing; and, for ``movers`` of them, another
address.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from anyascii import anyascii

from threefold.protect.dedupe.records import DedupeRecord

__all__ = ["Synthetic", "generate"]

_CYRILLIC_GIVEN = [
    "Олена",
    "Ольга",
    "Ірина",
    "Наталія",
    "Тетяна",
    "Марія",
    "Анна",
    "Оксана",
    "Юлія",
    "Світлана",
    "Катерина",
    "Вікторія",
    "Людмила",
    "Галина",
    "Дарина",
    "Софія",
    "Анастасія",
    "Валентина",
    "Надія",
    "Лариса",
    "Андрій",
    "Олександр",
    "Сергій",
    "Дмитро",
    "Іван",
    "Микола",
    "Віктор",
    "Юрій",
    "Петро",
    "Богдан",
]
_CYRILLIC_FAMILY = [
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Шевченко",
    "Мельник",
    "Бойко",
    "Кравчук",
    "Поліщук",
    "Лисенко",
    "Савченко",
    "Руденко",
    "Мороз",
    "Марченко",
    "Петренко",
    "Клименко",
    "Павленко",
    "Левченко",
    "Гончаренко",
    "Іванова",
    "Смирнова",
    "Кузнецова",
    "Попова",
    "Соколова",
    "Лебедєва",
    "Новикова",
    "Морозова",
    "Волкова",
    "Соловйова",
    "Васильєва",
    "Зайцева",
    "Павлова",
    "Семенова",
    "Голубєва",
]
_LATIN_GIVEN = [
    "Maria",
    "Ana",
    "Fatima",
    "Aisha",
    "Grace",
    "Blessing",
    "Joy",
    "Mercy",
    "Esther",
    "Amina",
    "Rosa",
    "Carmen",
    "Lucia",
    "Elena",
    "Sofia",
    "Nadia",
    "Leila",
    "Mariam",
    "Zainab",
    "Hope",
    "Linh",
    "Mai",
    "Lan",
    "Thi",
    "Anh",
    "Somchai",
    "Malee",
    "Siriporn",
    "Nguyen",
    "Precious",
    "Faith",
    "Patience",
    "Ahmed",
    "Mohamed",
    "Ali",
    "Omar",
    "Juan",
    "Jose",
    "Carlos",
    "Luis",
    "Daniel",
    "David",
    "Peter",
    "John",
    "Samuel",
    "Emmanuel",
    "Ibrahim",
    "Yusuf",
    "Hassan",
    "Tuan",
    "Minh",
]
_LATIN_FAMILY = [
    "Garcia",
    "Rodriguez",
    "Martinez",
    "Lopez",
    "Gonzalez",
    "Hernandez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Okafor",
    "Okonkwo",
    "Adeyemi",
    "Mensah",
    "Osei",
    "Boateng",
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Hoang",
    "Vu",
    "Dang",
    "Bui",
    "Khan",
    "Hussain",
    "Ahmed",
    "Ali",
    "Rahman",
    "Islam",
    "Popescu",
    "Ionescu",
    "Dumitru",
    "Stan",
    "Gheorghe",
    "Santos",
    "Silva",
    "Costa",
    "Oliveira",
    "Pereira",
    "Kaya",
    "Yilmaz",
    "Demir",
    "Sahin",
    "Celik",
    "Wongsa",
    "Srisuk",
    "Chaiyaporn",
    "Rattanakosin",
    "Boonmee",
    "Mohammed",
    "Abdullah",
    "Yousef",
    "Mahmoud",
    "Haddad",
]
_STREETS = [
    "High",
    "Station",
    "Church",
    "Mill",
    "Park",
    "Victoria",
    "Green",
    "Manor",
    "Queen",
    "King",
    "London",
    "York",
]
_STREET_KINDS = ["Road", "Street", "Lane", "Avenue", "Close"]
_TOWNS = [
    "Leeds",
    "Bristol",
    "Hull",
    "Derby",
    "Luton",
    "Slough",
    "Reading",
    "Croydon",
    "Ilford",
    "Wembley",
    "Brent",
    "Lambeth",
]
_REGIONS = ["North", "South", "East", "West", "Midlands", "London"]
_COUNTRIES = ["UA", "RO", "VN", "NG", "AL", "TH", "PH", "ER", "SD", "GB", "PL", "SK"]


@dataclass(frozen=True)
class Synthetic:
    records: list[DedupeRecord]
    true_pairs: frozenset[tuple[str, str]]  # sorted id pairs of records of one person


def _address(rng: random.Random) -> dict[str, str]:
    return {
        "street": f"{rng.randint(1, 220)} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}",
        "locality": rng.choice(_TOWNS),
        "postcode": f"{rng.choice('ABCDEHLMNS')}{rng.choice('ABCDELMS')}{rng.randint(1, 20)} "
        f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTUW')}",
        "region": rng.choice(_REGIONS),
    }


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    k = rng.randrange(len(words))
    words[k] = _word_typo(rng, words[k])
    return " ".join(words)


def _word_typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # drop a letter
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap two letters
    return word[:i] + rng.choice("aeiouy") + word[i + 1 :]  # another vowel or letter


def _person(rng: random.Random, record_id: str) -> tuple[DedupeRecord, str, str]:
    """A new person, and the given and family names in their own script (Cyrillic for a third of them)."""
    if rng.random() < 1 / 3:
        given_script, family_script = rng.choice(_CYRILLIC_GIVEN), rng.choice(_CYRILLIC_FAMILY)
        given, family = anyascii(given_script), anyascii(family_script)
    else:
        given, family = rng.choice(_LATIN_GIVEN), rng.choice(_LATIN_FAMILY)
        if rng.random() < 0.3:
            given = f"{given} {rng.choice(_LATIN_GIVEN)}"
        given_script, family_script = given, family
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(45 * 365))
    record = DedupeRecord(
        record_id=record_id,
        given_names=given,
        family_names=family,
        date_of_birth=born,
        sex=rng.choice("FFFM"),
        citizenships=(rng.choice(_COUNTRIES),),
        **_address(rng),  # type: ignore[arg-type]
    )
    return record, given_script, family_script


def _duplicate(
    rng: random.Random, original: DedupeRecord, script: tuple[str, str], record_id: str, *, moved: bool
) -> DedupeRecord:
    given, family = original.given_names, original.family_names
    changes: dict[str, object] = {"record_id": record_id}
    roll = rng.random()
    if roll < 0.25 and script != (given, family):
        given, family = script  # written in its own script
    elif roll < 0.45:
        family = _typo(rng, family)
    elif roll < 0.55:
        given = _typo(rng, given)
    if rng.random() < 0.2:
        given, family = family, given  # family name recorded first
    if rng.random() < 0.1:
        # Known by an alias: the record is under another name, the real one kept as an alias.
        changes["aliases"] = (f"{given} {family}",)
        given = rng.choice(_LATIN_GIVEN)
    changes["given_names"], changes["family_names"] = given, family
    born = original.date_of_birth
    assert born is not None
    roll = rng.random()
    if roll < 0.15:
        changes["date_of_birth"] = date(born.year, 1, 1)
    elif roll < 0.25:
        changes["date_of_birth"], changes["birth_year"] = None, born.year
    elif roll < 0.35:
        on = date(2024, 6, 1)
        changes["date_of_birth"] = None
        changes["estimated_age"] = on.year - born.year + rng.choice((-1, 0, 0, 1))
        changes["age_estimated_on"] = on
    elif roll < 0.40:
        changes["date_of_birth"] = born.replace(day=min(28, born.day % 28 + 1))  # a day off
    if rng.random() < 0.1:
        changes["sex"] = ""
    if moved:
        changes.update(_address(rng))
    return replace(original, **changes)  # type: ignore[arg-type]


def generate(n_records: int, *, seed: int, duplicate_share: float = 0.3, movers: float = 0.15) -> Synthetic:
    """About ``n_records`` records; ``duplicate_share`` of them are duplicates, ``movers`` of those moved."""
    rng = random.Random(seed)
    records: list[DedupeRecord] = []
    pairs: set[tuple[str, str]] = set()
    originals: list[tuple[DedupeRecord, tuple[str, str]]] = []
    while len(records) < n_records:
        record_id = f"r{len(records):07d}"
        if originals and rng.random() < duplicate_share:
            original, script = rng.choice(originals)
            records.append(_duplicate(rng, original, script, record_id, moved=rng.random() < movers))
            pairs.add((original.record_id, record_id))
        else:
            person, given, family = _person(rng, record_id)
            records.append(person)
            originals.append((person, (given, family)))
    # Several duplicates of one person are pairwise duplicates too.
    by_person: dict[str, list[str]] = {}
    for left, right in pairs:
        by_person.setdefault(left, [left]).append(right)
    truth = {
        (a, b)
        for group in by_person.values()
        for i, a in enumerate(sorted(group))
        for b in sorted(group)[i + 1 :]
    }
    return Synthetic(records, frozenset(truth))
