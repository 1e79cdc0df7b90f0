"""Sealing and opening the two sealed columns of training: a participant's optional name and e-mail, and the
free-text notes of a follow-up. Both under the organisation's key, bound to the row's ``uid`` (models)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from threefold.training.models import IDENTITY_CONTEXT, NOTES_CONTEXT, FollowUp, Participant
from threefold.vault import sealed
from threefold.vault.models import DataKey


@dataclass(frozen=True)
class Identity:
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Notes:
    helped: str = ""
    missing: str = ""


def _seal(values: dict[str, str], organisation_id: int, context: str) -> bytes | None:
    kept = {key: text for key, text in values.items() if text}
    return sealed.seal_json(kept, organisation_id=organisation_id, context=context) if kept else None


def _open(
    blob: bytes | memoryview | None, organisation_id: int, context: str, keys: dict[int, DataKey] | None
) -> dict[str, str]:
    if not blob:
        return {}
    data = sealed.unseal_json(bytes(blob), organisation_id=organisation_id, context=context, keys=keys)
    return {key: str(value) for key, value in data.items()}


def seal_identity(participant: Participant, identity: Identity) -> None:
    participant.identity = _seal(
        {"name": identity.name, "email": identity.email},
        participant.organisation_id,
        sealed.row_context(IDENTITY_CONTEXT, str(participant.uid)),
    )


def open_identity(participant: Participant, keys: dict[int, DataKey] | None = None) -> Identity:
    data = _open(
        participant.identity,
        participant.organisation_id,
        sealed.row_context(IDENTITY_CONTEXT, str(participant.uid)),
        keys,
    )
    return Identity(data.get("name", ""), data.get("email", ""))


def seal_notes(follow_up: FollowUp, notes: Notes) -> None:
    follow_up.notes = _seal(
        {"helped": notes.helped, "missing": notes.missing},
        follow_up.organisation_id,
        sealed.row_context(NOTES_CONTEXT, str(follow_up.uid)),
    )


def open_notes(follow_up: FollowUp, keys: dict[int, DataKey] | None = None) -> Notes:
    data = _open(
        follow_up.notes,
        follow_up.organisation_id,
        sealed.row_context(NOTES_CONTEXT, str(follow_up.uid)),
        keys,
    )
    return Notes(data.get("helped", ""), data.get("missing", ""))


def keys_for(blobs: Iterable[bytes | memoryview | None]) -> dict[int, DataKey]:
    return sealed.keys_for([bytes(blob) for blob in blobs if blob])
