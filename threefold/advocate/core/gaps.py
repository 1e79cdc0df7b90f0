"""The gap report of a legislation review, and the comparison of two reviews, from the checklist and the answers.

Pure Python: no Django import. An answer says how far the national law meets one item of the checklist: yes,
partly, no or unclear (or nothing yet). A gap is an item answered "no" or "partly": the report lists each with the
article of the Protocol (or of CETS 197, where the Protocol is silent) that the law falls short of.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from threefold.advocate.core.checklist import Checklist, Group, Item


class Answer(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    UNCLEAR = "unclear"


# How well the law meets an item; "unclear" and no answer have no rank (nothing can be said).
RANK: dict[Answer, int] = {Answer.YES: 2, Answer.PARTLY: 1, Answer.NO: 0}
GAP_ANSWERS = (Answer.NO, Answer.PARTLY)


@dataclass(frozen=True)
class Given:
    """One item's answer in a review, with the national law's article(s) and the reviewer's note."""

    answer: Answer | None
    articles: str = ""
    note: str = ""


@dataclass(frozen=True)
class Line:
    item: Item
    given: Given

    @property
    def answer(self) -> Answer | None:
        return self.given.answer


@dataclass(frozen=True)
class GroupLines:
    group: Group
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class GapReport:
    gaps: tuple[Line, ...]  # "no" first, then "partly", each in checklist order
    unclear: tuple[Line, ...]
    unanswered: tuple[Line, ...]
    met: tuple[Line, ...]
    by_group: tuple[GroupLines, ...]  # every item, in checklist order, by group
    stale: tuple[str, ...]  # answered item ids the checklist no longer has

    @property
    def answered(self) -> int:
        return len(self.gaps) + len(self.unclear) + len(self.met)

    @property
    def total(self) -> int:
        return self.answered + len(self.unanswered)

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def count(self, answer: Answer) -> int:
        return sum(1 for group in self.by_group for line in group.lines if line.answer == answer)


def report(checklist: Checklist, answers: Mapping[str, Given]) -> GapReport:
    """The gap report of a review whose answers are keyed by item id (items without one count as unanswered)."""
    lines = [Line(item, answers.get(item.id, Given(None))) for item in checklist.items]
    gaps = [line for line in lines if line.answer == Answer.NO] + [
        line for line in lines if line.answer == Answer.PARTLY
    ]
    return GapReport(
        gaps=tuple(gaps),
        unclear=tuple(line for line in lines if line.answer == Answer.UNCLEAR),
        unanswered=tuple(line for line in lines if line.answer is None),
        met=tuple(line for line in lines if line.answer == Answer.YES),
        by_group=tuple(
            GroupLines(group, tuple(line for line in lines if line.item.group == group))
            for group in checklist.groups
        ),
        stale=tuple(sorted(set(answers) - set(checklist.item_ids))),
    )


class Movement(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    CHANGED = "changed"  # to or from "unclear" or no answer: a change, but not better or worse
    NEW = "new"  # the item is not in the earlier review's checklist


@dataclass(frozen=True)
class Compared:
    item: Item
    before: Given | None  # None: the item was not in the earlier review
    after: Given
    movement: Movement


def movement(before: Answer | None, after: Answer | None) -> Movement:
    if before == after:
        return Movement.SAME
    if before is None or after is None or before not in RANK or after not in RANK:
        return Movement.CHANGED
    return Movement.BETTER if RANK[after] > RANK[before] else Movement.WORSE


def compare(
    checklist: Checklist,
    before: Mapping[str, Given],
    after: Mapping[str, Given],
    *,
    before_items: Sequence[str] | None = None,
) -> list[Compared]:
    """Item by item, how the later review's answers differ from the earlier one's. ``before_items``: the items
    of the checklist version the earlier review was made under (default: the same as the later one's)."""
    known = set(before_items) if before_items is not None else set(checklist.item_ids)
    rows = []
    for item in checklist.items:
        now = after.get(item.id, Given(None))
        if item.id not in known:
            rows.append(Compared(item, None, now, Movement.NEW))
            continue
        then = before.get(item.id, Given(None))
        rows.append(Compared(item, then, now, movement(then.answer, now.answer)))
    return rows
