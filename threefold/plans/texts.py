"""Sealing and opening the free texts of plan rows (``models.SEALED_TEXTS``), one helper for every column."""

from __future__ import annotations

from collections.abc import Iterable

from threefold.plans.models import SEALED_TEXTS, PlanRow
from threefold.vault import sealed
from threefold.vault.models import DataKey


def _context(row: PlanRow, field: str) -> str:
    return sealed.row_context(SEALED_TEXTS[type(row), field], str(row.uid))


def seal(row: PlanRow, field: str, text: str, *, subject: str) -> None:
    """Set ``row.<field>`` to ``text`` sealed under the person's key (``subject``), or NULL for no text, so
    that erasing the person erases what was written about them (ADR 0015)."""
    value = (
        sealed.seal_json(
            {"text": text},
            organisation_id=row.organisation_id,
            context=_context(row, field),
            subject=subject,
        )
        if text
        else None
    )
    setattr(row, field, value)


def open_text(row: PlanRow, field: str, keys: dict[int, DataKey] | None = None) -> str:
    blob = getattr(row, field)
    if not blob:
        return ""
    data = sealed.unseal_json(
        bytes(blob),
        organisation_id=row.organisation_id,
        context=_context(row, field),
        keys=keys,
    )
    return str(data.get("text", ""))


def keys_for(rows: Iterable[PlanRow]) -> dict[int, DataKey]:
    """Every key the sealed texts of ``rows`` need, in one query (so pages make no query per row)."""
    blobs = [
        bytes(getattr(row, field))
        for row in rows
        for (model, field) in SEALED_TEXTS
        if isinstance(row, model) and getattr(row, field)
    ]
    return sealed.keys_for(blobs)
