"""Sealing and opening participate's sealed columns (``models.SEALED``) under the organisation's key. Free-text
answers and comments belong to nobody known, and leaders are pseudonymous: no subject key applies."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import models

from threefold.participate.models import SEALED, Leader
from threefold.vault import sealed
from threefold.vault.models import DataKey


def _context(row: models.Model, field: str) -> str:
    key = row.reference if isinstance(row, Leader) else row.uid  # type: ignore[attr-defined]
    return sealed.row_context(SEALED[type(row), field], str(key))


def seal_text(row: models.Model, field: str, text: str) -> None:
    """Set ``row.<field>`` to ``text`` sealed, or to NULL when it is empty."""
    blob = (
        sealed.seal_json({"text": text}, organisation_id=row.organisation_id, context=_context(row, field))  # type: ignore[attr-defined]
        if text
        else None
    )
    setattr(row, field, blob)


def open_text(row: models.Model, field: str, keys: dict[int, DataKey] | None = None) -> str:
    blob = getattr(row, field)
    if not blob:
        return ""
    value = sealed.unseal_json(
        bytes(blob),
        organisation_id=row.organisation_id,  # type: ignore[attr-defined]
        context=_context(row, field),
        keys=keys,
    )
    return str(value.get("text", ""))


def keys_for(rows: Iterable[models.Model], field: str) -> dict[int, DataKey]:
    return sealed.keys_for(bytes(getattr(row, field)) for row in rows if getattr(row, field))


def seal_data(row: models.Model, field: str, value: dict[str, Any]) -> None:
    """Set ``row.<field>`` to ``value`` (a JSON object) sealed: a held feedback answer."""
    seal_text(row, field, json.dumps(value, sort_keys=True))


def open_data(row: models.Model, field: str, keys: dict[int, DataKey] | None = None) -> dict[str, Any]:
    text = open_text(row, field, keys)
    value = json.loads(text) if text else {}
    assert isinstance(value, dict)
    return value
