"""Which instruments an organisation can screen with, and the exact text each stored screening was scored with.

The shipped library (``instruments/*.yaml``) and an organisation's own uploads are parsed by the same pure engine.
Parsing is cached by the SHA-256 of the text, so a page that lists every instrument does not re-validate YAML.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.db import IntegrityError, transaction

from threefold.identify.core import library
from threefold.identify.core.definition import Instrument
from threefold.identify.core.instrument import parse_instrument
from threefold.identify.models import InstrumentSource


@dataclass(frozen=True)
class Entry:
    instrument: Instrument
    text: str
    uploaded: InstrumentSource | None = None  # None for the shipped library

    @property
    def shipped(self) -> bool:
        return self.uploaded is None


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=256)
def _parse(digest: str, text: str, source: str) -> Instrument:
    return parse_instrument(text, source=source)


def parse(text: str, source: str = "instrument") -> Instrument:
    return _parse(sha256(text), text, source)


def shipped() -> list[Entry]:
    entries = []
    for path in library.shipped_paths():
        text = path.read_text(encoding="utf-8")
        entries.append(Entry(parse(text, path.name), text))
    return entries


def shipped_entry(instrument_id: str) -> Entry:
    """One shipped instrument (``library.load`` checks that the file name and the id inside agree)."""
    library.load(instrument_id)  # LookupError for an unknown id
    text = (library.INSTRUMENTS_DIR / f"{instrument_id}.yaml").read_text(encoding="utf-8")
    return Entry(parse(text, f"{instrument_id}.yaml"), text)


def shipped_ids() -> set[str]:
    return {path.stem for path in library.shipped_paths()}


def entries(organisation_id: int) -> list[Entry]:
    """The shipped instruments, then the organisation's own (the newest version of each that is not retired)."""
    own: dict[str, Entry] = {}
    for source in InstrumentSource.objects.filter(organisation_id=organisation_id, retired_at=None).order_by(
        "created_at"
    ):
        own[source.instrument_id] = Entry(instrument_of(source), source.text, source)
    return shipped() + sorted(own.values(), key=lambda entry: entry.instrument.id)


def instrument_of(source: InstrumentSource) -> Instrument:
    return parse(source.text, f"{source.instrument_id} {source.version}")


def source_for(entry: Entry) -> InstrumentSource:
    """The stored text a new screening will point at; a shipped text is copied in the first time it is used."""
    if entry.uploaded is not None:
        return entry.uploaded
    digest = sha256(entry.text)
    fields = {"organisation": None, "instrument_id": entry.instrument.id, "version": entry.instrument.version}
    existing = InstrumentSource.objects.filter(sha256=digest, **fields).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return InstrumentSource.objects.create(sha256=digest, text=entry.text, **fields)
    except IntegrityError:  # two first screenings at once: the other one stored it
        return InstrumentSource.objects.get(sha256=digest, **fields)
