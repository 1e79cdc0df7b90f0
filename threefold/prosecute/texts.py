"""Sealing and opening the sealed columns of prosecution rows (``models.SEALED``), one helper for all of them.

Every value is a small JSON object (``{"text": ...}``, ``{"name": ...}``, ``{"court_reference": ..., "notes": ...}``)
sealed under the case's person's key, so that erasing the survivor erases it too (ADR 0015).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from threefold.prosecute.models import SEALED, Proceeding
from threefold.vault import sealed
from threefold.vault.models import DataKey


def _row_key(row: models.Model) -> str:
    return str(row.reference if isinstance(row, Proceeding) else row.uid)  # type: ignore[attr-defined]


def _context(row: models.Model, field: str) -> str:
    return sealed.row_context(SEALED[type(row), field], _row_key(row))


def seal(row: models.Model, field: str, value: Mapping[str, str], *, subject: str) -> None:
    """Set ``row.<field>`` to ``value`` sealed under the person's key, or NULL when every part is empty."""
    kept = {key: text for key, text in value.items() if text}
    blob = (
        sealed.seal_json(
            kept,
            organisation_id=row.organisation_id,  # type: ignore[attr-defined]
            context=_context(row, field),
            subject=subject,
        )
        if kept
        else None
    )
    setattr(row, field, blob)


def open_value(row: models.Model, field: str, keys: dict[int, DataKey] | None = None) -> dict[str, str]:
    blob = getattr(row, field)
    if not blob:
        return {}
    data: dict[str, Any] = sealed.unseal_json(
        bytes(blob),
        organisation_id=row.organisation_id,  # type: ignore[attr-defined]
        context=_context(row, field),
        keys=keys,
    )
    return {key: str(value) for key, value in data.items()}


def keys_for(rows: Iterable[models.Model]) -> dict[int, DataKey]:
    """Every key the sealed columns of ``rows`` need, in one query."""
    blobs = [
        bytes(getattr(row, field))
        for row in rows
        for (model, field) in SEALED
        if isinstance(row, model) and getattr(row, field)
    ]
    return sealed.keys_for(blobs)


def sealed_fields(model: type[models.Model]) -> list[str]:
    return [field for (m, field) in SEALED if m is model]
