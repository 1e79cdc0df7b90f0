"""The status of an ask in a country, and how statuses follow one another on a timeline.

Pure Python. A status is what the tracker says about one ask in one country at one date: met, partly met, not met,
regressed (it was better before) or unknown. Each comes either from an advocate's approved evidence or from the
reference data; ``Basis`` says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    REGRESSED = "regressed"
    UNKNOWN = "unknown"


class Basis(StrEnum):
    EVIDENCE = "evidence"  # an advocate's evidence, approved by another member
    DATA = "data"  # computed from the country reference data
    NONE = "none"  # neither: the status is unknown


class Change(StrEnum):
    FIRST = "first"  # the first point of a timeline
    PROGRESS = "progress"
    REGRESSION = "regression"
    SAME = "same"
    UNCLEAR = "unclear"  # to or from "unknown": nothing can be said about the direction


# Best first. "Regressed" ranks below "not met": it says the country went back on what it had done.
RANK: dict[Status, int] = {Status.MET: 3, Status.PARTLY_MET: 2, Status.NOT_MET: 1, Status.REGRESSED: 0}
# The lanes of a timeline chart, top to bottom; "unknown" has no lane (the point is named, not drawn).
LANES: tuple[Status, ...] = (Status.MET, Status.PARTLY_MET, Status.NOT_MET, Status.REGRESSED)


def change(before: Status | None, after: Status) -> Change:
    """How ``after`` follows ``before`` on a timeline."""
    if before is None:
        return Change.FIRST
    if after == Status.REGRESSED and before != Status.REGRESSED:
        return Change.REGRESSION  # a status that says so is a regression whatever came before
    if before == after:
        return Change.SAME
    if before == Status.UNKNOWN or after == Status.UNKNOWN:
        return Change.UNCLEAR
    return Change.PROGRESS if RANK[after] > RANK[before] else Change.REGRESSION


@dataclass(frozen=True)
class Point:
    """One dated status of an ask: from evidence (``reference`` is the evidence's) or from the reference data."""

    on: dt.date
    status: Status
    basis: Basis
    label: str  # what the timeline writes under the point: "2013-10-17", "2014" for a yearly snapshot
    text: str  # one line saying what happened, written by the caller
    reference: str = ""
    order: int = 0  # among points of the same date: evidence approved later comes later


@dataclass(frozen=True)
class Step:
    point: Point
    change: Change


def timeline(points: Iterable[Point]) -> list[Step]:
    """The points in date order, each with how it follows the one before (progress, regression, the same...)."""
    ordered = sorted(points, key=lambda p: (p.on, p.basis != Basis.DATA, p.order, p.reference))
    steps: list[Step] = []
    before: Status | None = None
    for point in ordered:
        steps.append(Step(point, change(before, point.status)))
        before = point.status
    return steps


def current(points: Sequence[Point]) -> Point | None:
    """The point that gives the ask its status now: the newest dated status, from evidence or from the reference
    data; on the same date, evidence (a reviewed judgement) before data, and later approved evidence first."""
    if not points:
        return None
    return max(points, key=lambda p: (p.on, p.basis == Basis.EVIDENCE, p.order, p.reference))
