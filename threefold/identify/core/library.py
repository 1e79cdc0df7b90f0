"""The instruments Threefold ships, one YAML file per instrument in ``instruments/`` at the repository root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from threefold.identify.core.definition import Instrument
from threefold.identify.core.instrument import SCHEMA_PATH, load_instrument
from threefold.identify.core.yaml_source import load_yaml

INSTRUMENTS_DIR = SCHEMA_PATH.parent


def shipped_paths() -> tuple[Path, ...]:
    return tuple(sorted(INSTRUMENTS_DIR.glob("*.yaml")))


def load(instrument_id: str) -> Instrument:
    """Load a shipped instrument by id; the file name is the id, checked against the id inside."""
    path = INSTRUMENTS_DIR / f"{instrument_id}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in shipped_paths())
        raise LookupError(f"no shipped instrument {instrument_id!r} (known: {known})")
    instrument = load_instrument(path)
    if instrument.id != instrument_id:
        raise LookupError(f"{path.name} declares id {instrument.id!r}; file name and id must agree")
    return instrument


def source_document(instrument_id: str) -> Any:
    """The instrument file as data (after it loads and validates): what partner systems and forms are built from."""
    load(instrument_id)
    return load_yaml((INSTRUMENTS_DIR / f"{instrument_id}.yaml").read_text(encoding="utf-8"))


def load_all() -> tuple[Instrument, ...]:
    return tuple(load(path.stem) for path in shipped_paths())
