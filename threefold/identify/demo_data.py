"""Demo content for Identify: a fictitious referral directory and screenings with varied answers.

Every entry and phone number here is invented (the demo banner says so); real directories are entered by each
organisation's administrators. Screenings go through the services, so they are sealed and audited like real ones.
"""

from __future__ import annotations

import random

from threefold.accounts.actor import Actor
from threefold.identify import catalogue, services
from threefold.identify.core.definition import AnswerType, Instrument
from threefold.identify.models import DirectoryEntry, DirectoryKind, Screening

DIRECTORY: tuple[dict[str, object], ...] = (
    {
        "kind": DirectoryKind.HOTLINE,
        "name": "Ligne d'écoute traite (démo)",
        "country": "FR",
        "phone": "+33 1 00 00 00 01",
        "hours": "24/7",
        "languages": "fr, en, ar",
        "urgent": True,
    },
    {
        "kind": DirectoryKind.SHELTER,
        "name": "Foyer Les Tilleuls (démo)",
        "country": "FR",
        "region": "Île-de-France",
        "phone": "+33 1 00 00 00 02",
        "languages": "fr, en",
        "serves_children": False,
    },
    {
        "kind": DirectoryKind.POLICE,
        "name": "Office central de démonstration (démo)",
        "country": "FR",
        "phone": "+33 1 00 00 00 03",
        "urgent": True,
    },
    {
        "kind": DirectoryKind.LABOUR_INSPECTORATE,
        "name": "Inspection du travail, unité de démo (démo)",
        "country": "FR",
        "region": "Île-de-France",
        "phone": "+33 1 00 00 00 04",
        "hours": "Mon-Fri 9-17",
    },
    {
        "kind": DirectoryKind.CHILD_PROTECTION,
        "name": "Protection de l'enfance de démo (démo)",
        "country": "FR",
        "phone": "+33 1 00 00 00 05",
        "urgent": True,
    },
    {
        "kind": DirectoryKind.HOTLINE,
        "name": "Línea contra la trata (demo)",
        "country": "MX",
        "phone": "+52 55 0000 0001",
        "hours": "24/7",
        "languages": "es, en",
        "urgent": True,
    },
    {
        "kind": DirectoryKind.LEGAL_AID,
        "name": "Asesoría jurídica de demostración (demo)",
        "country": "MX",
        "phone": "+52 55 0000 0002",
        "languages": "es",
    },
)

SCREENINGS_PER_INSTRUMENT = 8


def load_directory(actor: Actor) -> int:
    """Add the demo entries the actor's organisation keeps, once."""
    created = 0
    for values in DIRECTORY:
        if DirectoryEntry.objects.filter(organisation_id=actor.org_id, name=values["name"]).exists():
            continue
        services.save_directory_entry(actor, values)
        created += 1
    return created


def _random_answer(instrument: Instrument, item_id: str, rng: random.Random) -> object:
    item = instrument.items_by_id[item_id]
    roll = rng.random()
    if roll < 0.08:
        return rng.choice(["dont_know", "refused"])
    if item.answer_type is AnswerType.YES_NO:
        return "yes" if roll < 0.3 else "no"
    if item.answer_type is AnswerType.SINGLE_CHOICE:
        return rng.choice(item.choices).id
    if item.answer_type is AnswerType.MULTI_CHOICE:
        return [choice.id for choice in item.choices if rng.random() < 0.3]
    if item.answer_type is AnswerType.NUMBER:
        return float(rng.randint(0, 80))
    return None  # free text stays empty in demo data


def load_screenings(actor: Actor, *, seed: int = 2026) -> int:
    """A few completed screenings per shipped instrument, so review pages and counts have something to show."""
    if Screening.objects.filter(organisation_id=actor.org_id, is_demo=True).exists():
        return 0
    rng = random.Random(seed)
    created = 0
    for entry in catalogue.shipped():
        for _ in range(SCREENINGS_PER_INSTRUMENT):
            setting = rng.choice(entry.instrument.settings)
            screening = services.start_screening(actor, entry, setting=setting, language="en")
            for item in entry.instrument.items:
                value = _random_answer(entry.instrument, item.id, rng)
                if value in (None, []):
                    continue
                screening = services.save_answer(
                    actor, screening, item.id, value, language="en", expected_version=screening.version
                )
            services.finish_screening(actor, screening)
            Screening.objects.filter(pk=screening.pk).update(is_demo=True)
            created += 1
    return created
