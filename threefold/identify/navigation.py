"""Which questions a screening asks, in order, given the answers so far. Pure Python, like the engine.

Skip logic is the instrument's ``show_if``: an item is asked only when the item it depends on was asked and
answered with a matching value. A gate answered "don't know" or "refused" therefore hides its follow-ups, as in
ODK; the engine then counts those follow-ups as unanswered, not as "no".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from threefold.identify.core.answers import UNANSWERED, Answer
from threefold.identify.core.definition import Instrument, Item


def asked_items(instrument: Instrument, answers: Mapping[str, Answer]) -> list[Item]:
    shown: set[str] = set()
    asked = []
    for item in instrument.items:
        condition = item.show_if
        if condition is None or (
            condition.item in shown
            and condition.match.matches(answers.get(condition.item, UNANSWERED).selected())
        ):
            shown.add(item.id)
            asked.append(item)
    return asked


@dataclass(frozen=True)
class Position:
    """Where an item sits among the questions asked: for the progress bar and the Back / Next buttons."""

    number: int  # 1-based
    total: int
    previous: str | None
    next: str | None


def position(asked: list[Item], item_id: str) -> Position | None:
    ids = [item.id for item in asked]
    if item_id not in ids:
        return None
    index = ids.index(item_id)
    return Position(
        number=index + 1,
        total=len(ids),
        previous=ids[index - 1] if index > 0 else None,
        next=ids[index + 1] if index + 1 < len(ids) else None,
    )
