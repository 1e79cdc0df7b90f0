"""What happened to a survivor, in the HTCDS 2.0 vocabulary: the victim context of a case. Pure Python.

Stored sealed (places and dates can identify someone in a small community); values are the standard's own
picklist codes, so an HTCDS export needs no mapping and statistics group on the same words everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry

from threefold.protect import htcds


class ContextError(ValueError):
    """A value of the victim context is not allowed; the message starts with the field's name."""


@dataclass(frozen=True)
class JourneyEvent:
    """One place on the trafficking journey: where the person was recruited, moved through or exploited."""

    type: str  # htcds.EVENT_TYPE
    country: str = ""  # ISO 3166-1 alpha-2
    place: str = ""
    start: date | None = None
    end: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "country": self.country,
            "place": self.place,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> JourneyEvent:
        return cls(
            type=str(data.get("type", "")),
            country=str(data.get("country", "")),
            place=str(data.get("place", "")),
            start=_date(data.get("start")),
            end=_date(data.get("end")),
        )


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


@dataclass(frozen=True)
class VictimContext:
    trafficking_status: str = "PossibleVictimOfTrafficking"
    status_decided_by: str = ""
    exploitation_types: tuple[str, ...] = ()
    forced_labour_industries: tuple[str, ...] = ()
    sex_exploitation_types: tuple[str, ...] = ()
    recruitment_methods: tuple[str, ...] = ()
    control_methods: tuple[str, ...] = ()
    relationship_to_trafficker: str = ""
    journey: tuple[JourneyEvent, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "trafficking_status": self.trafficking_status,
            "status_decided_by": self.status_decided_by,
            "exploitation_types": list(self.exploitation_types),
            "forced_labour_industries": list(self.forced_labour_industries),
            "sex_exploitation_types": list(self.sex_exploitation_types),
            "recruitment_methods": list(self.recruitment_methods),
            "control_methods": list(self.control_methods),
            "relationship_to_trafficker": self.relationship_to_trafficker,
            "journey": [event.to_json() for event in self.journey],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VictimContext:
        return cls(
            trafficking_status=str(data.get("trafficking_status", "PossibleVictimOfTrafficking")),
            status_decided_by=str(data.get("status_decided_by", "")),
            exploitation_types=tuple(data.get("exploitation_types", ())),
            forced_labour_industries=tuple(data.get("forced_labour_industries", ())),
            sex_exploitation_types=tuple(data.get("sex_exploitation_types", ())),
            recruitment_methods=tuple(data.get("recruitment_methods", ())),
            control_methods=tuple(data.get("control_methods", ())),
            relationship_to_trafficker=str(data.get("relationship_to_trafficker", "")),
            journey=tuple(JourneyEvent.from_json(event) for event in data.get("journey", ())),
        )


# Multi-valued fields and the picklist each must come from.
_LISTS: Mapping[str, Mapping[str, str]] = {
    "exploitation_types": htcds.TYPE_OF_EXPLOITATION,
    "forced_labour_industries": htcds.FORCED_LABOUR_INDUSTRY,
    "sex_exploitation_types": htcds.TYPE_OF_SEX_EXPLOITATION,
    "recruitment_methods": htcds.METHOD_OF_RECRUITMENT,
    "control_methods": htcds.METHODS_OF_CONTROL,
}
MAX_JOURNEY_EVENTS = 30
MAX_PLACE_CHARS = 200


def validate(context: VictimContext, *, today: date) -> None:
    """Raise ContextError for the first value that is not allowed, naming its field."""
    if context.trafficking_status not in htcds.TRAFFICKING_STATUS:
        raise ContextError("trafficking_status: not an HTCDS trafficking status.")
    if context.status_decided_by and context.status_decided_by not in htcds.DECISION_MAKER:
        raise ContextError("status_decided_by: not an HTCDS decision-making organisation type.")
    if context.trafficking_status != "PossibleVictimOfTrafficking" and not context.status_decided_by:
        # A status other than "possible" is a decision: whoever made it must be on record (HTCDS asks for it).
        raise ContextError("status_decided_by: say who decided the trafficking status.")
    for name, picklist in _LISTS.items():
        wrong = htcds.unknown_values(getattr(context, name), picklist)
        if wrong:
            raise ContextError(f"{name}: not in the HTCDS list: {', '.join(wrong)}.")
    if context.forced_labour_industries and "ForcedLabour" not in context.exploitation_types:
        raise ContextError("forced_labour_industries: only for forced labour; tick forced labour first.")
    if context.sex_exploitation_types and "SexualExploitation" not in context.exploitation_types:
        raise ContextError("sex_exploitation_types: only for sexual exploitation; tick it first.")
    if context.relationship_to_trafficker and (
        context.relationship_to_trafficker not in htcds.RELATIONSHIP_TO_TRAFFICKER
    ):
        raise ContextError("relationship_to_trafficker: not an HTCDS relationship.")
    if len(context.journey) > MAX_JOURNEY_EVENTS:
        raise ContextError(f"journey: at most {MAX_JOURNEY_EVENTS} places.")
    for number, event in enumerate(context.journey, start=1):
        _validate_event(event, number, today)


def _validate_event(event: JourneyEvent, number: int, today: date) -> None:
    where = f"journey {number}"
    if event.type not in htcds.EVENT_TYPE:
        raise ContextError(f"{where}: the type must be recruitment, transit or exploitation.")
    if event.country and pycountry.countries.get(alpha_2=event.country) is None:
        raise ContextError(f"{where}: {event.country!r} is not an ISO 3166 country code.")
    if len(event.place) > MAX_PLACE_CHARS or any(ord(ch) < 32 for ch in event.place):
        raise ContextError(f"{where}: the place must be at most {MAX_PLACE_CHARS} characters of plain text.")
    for value in (event.start, event.end):
        if value and value > today:
            raise ContextError(f"{where}: dates cannot be in the future.")
    if event.start and event.end and event.end < event.start:
        raise ContextError(f"{where}: the end date is before the start date.")
