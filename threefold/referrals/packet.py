"""What a referral carries: the chosen groups of a person's identity and victim context, and nothing else.

Pure: takes the opened identity and context, returns plain JSON (and back), so the subset rule is testable alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from threefold.protect.identity import Identity
from threefold.protect.victim_context import VictimContext

# Identity keys each group releases; the victim context travels whole or not at all.
IDENTITY_GROUPS: dict[str, tuple[str, ...]] = {
    "names": ("given_names", "family_names", "aliases"),
    "date_of_birth": ("date_of_birth", "estimated_age", "age_estimated_on"),
    "contacts": ("phones", "emails"),
    "languages": ("languages",),
    "citizenships": ("citizenships",),
    "gender": ("gender",),
}
CONTEXT_GROUP = "victim_context"
GROUPS = (*IDENTITY_GROUPS, CONTEXT_GROUP)


def available_groups(identity: Identity, context: VictimContext | None) -> list[str]:
    """The groups this person has something in, in the fixed order: there is no point offering an empty one."""
    data = identity.to_json()
    present = [group for group, keys in IDENTITY_GROUPS.items() if any(data.get(key) for key in keys)]
    if context is not None and context != VictimContext():
        present.append(CONTEXT_GROUP)
    return present


def build(groups: Iterable[str], identity: Identity, context: VictimContext | None) -> dict[str, Any]:
    """The packet: only the keys of the chosen groups. ``extra`` (free notes) never travels."""
    chosen = [group for group in GROUPS if group in set(groups)]
    data = identity.to_json()
    packet: dict[str, Any] = {"groups": chosen, "identity": {}}
    for group in chosen:
        for key in IDENTITY_GROUPS.get(group, ()):
            if data.get(key):
                packet["identity"][key] = data[key]
    if CONTEXT_GROUP in chosen and context is not None:
        packet["context"] = context.to_json()
    return packet


@dataclass(frozen=True)
class Packet:
    """A packet as the receiving organisation reads it."""

    groups: tuple[str, ...]
    identity: Identity
    context: VictimContext | None = None
    keys: tuple[str, ...] = field(default=())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Packet:
        identity_data = dict(data.get("identity", {}))
        # Identity.from_json tolerates missing keys; a packet without names has none to show.
        context = data.get("context")
        return cls(
            groups=tuple(data.get("groups", ())),
            identity=Identity.from_json(identity_data),
            context=VictimContext.from_json(context) if context else None,
            keys=tuple(identity_data),
        )

    def has(self, group: str) -> bool:
        return group in self.groups
