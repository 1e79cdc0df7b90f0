"""The in-memory form of one jurisdiction file in ``reference/nrm/``: frozen dataclasses, no behaviour but dates.

Everything keeps its sources, confidence and caveats next to the figure, so whatever a caller shows (a due date, a
reflection period) can say where it comes from and how far it can be trusted.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    UNVERIFIED = "unverified"


class Stage(StrEnum):
    REFERRAL = "referral"
    REASONABLE_GROUNDS = "reasonable_grounds"
    CONCLUSIVE_GROUNDS = "conclusive_grounds"


class AppliesTo(StrEnum):
    EVERYONE = "everyone"
    ADULTS = "adults"
    CHILDREN = "children"
    # "Mostly for children" (EL's extension): possible for anyone, so shown to adults too.
    MOSTLY_CHILDREN = "mostly_children"

    def covers(self, *, is_child: bool) -> bool:
        if self is AppliesTo.CHILDREN:
            return is_child
        if self is AppliesTo.ADULTS:
            return not is_child
        return True


class DayUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    title: str
    supports: str
    reference_tag: str


@dataclass(frozen=True)
class Length:
    """A length in calendar days or calendar months (exactly one is non-zero)."""

    days: int = 0
    months: int = 0

    def after(self, start: date) -> date:
        # relativedelta clamps to the month's last day: 31 January + 1 month = 28/29 February, never 3 March.
        return start + relativedelta(months=self.months, days=self.days)

    def __str__(self) -> str:
        if self.months:
            return f"{self.months} month{'s' if self.months != 1 else ''}"
        return f"{self.days} day{'s' if self.days != 1 else ''}"


@dataclass(frozen=True)
class PartialDate:
    """A date the source gives to the day (``2023-01-30``) or only to the month (``2023-06``)."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        parts = [int(part) for part in text.split("-")]
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

    def earliest(self) -> date:
        return date(self.year, self.month, self.day or 1)

    def latest(self) -> date:
        if self.day is not None:
            return date(self.year, self.month, self.day)
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


@dataclass(frozen=True)
class ReflectionRule:
    id: str
    minimum: Length
    valid_from: date | None  # applies to periods starting on or after; None: as far back as the data goes
    valid_until: date | None  # exclusive
    applies_to: AppliesTo
    statement: str
    sources: tuple[Source, ...]
    confidence: Confidence
    caveats: tuple[str, ...]

    def applies(self, starts_on: date, *, is_child: bool) -> bool:
        return (
            (self.valid_from is None or starts_on >= self.valid_from)
            and (self.valid_until is None or starts_on < self.valid_until)
            and self.applies_to.covers(is_child=is_child)
        )


@dataclass(frozen=True)
class Extension:
    id: str
    length: Length
    applies_to: AppliesTo
    statement: str
    sources: tuple[Source, ...]
    confidence: Confidence
    caveats: tuple[str, ...]


@dataclass(frozen=True)
class ReflectionRules:
    starts_on: str
    start_note: str
    rules: tuple[ReflectionRule, ...]
    extensions: tuple[Extension, ...]


@dataclass(frozen=True)
class Due:
    count: int
    unit: DayUnit
    counted_from: str
    kind: str  # "target" (an aim) or "limit" (a legal time limit)
    statement: str
    sources: tuple[Source, ...]
    confidence: Confidence
    caveats: tuple[str, ...]


@dataclass(frozen=True)
class TestWording:
    """One period of a decision test's wording. ``wording`` is None when it must be read from current guidance."""

    valid_from: PartialDate | None
    valid_until: PartialDate | None  # exclusive; a month means "some day in that month"
    status: str  # "in_force" or "withdrawn_and_revised"
    wording: str | None
    note: str | None
    sources: tuple[Source, ...]

    def may_apply(self, on: date) -> bool:
        """True when the wording may have been the test on ``on``; a month boundary leaves the whole month open."""
        starts = self.valid_from.earliest() if self.valid_from else None
        ends = self.valid_until.latest() if self.valid_until else None
        if starts is not None and on < starts:
            return False
        if ends is None:
            return True
        exact_end = self.valid_until is not None and self.valid_until.day is not None
        return on < ends if exact_end else on <= ends


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    positive: bool
    note: str | None = None


@dataclass(frozen=True)
class DecisionStage:
    id: Stage
    name: str
    made_by: str
    due: Due | None
    standard: str | None
    after: str | None
    test_history: tuple[TestWording, ...]
    read_current_test_from: Source | None
    outcomes: tuple[Outcome, ...]
    sources: tuple[Source, ...]
    confidence: Confidence
    caveats: tuple[str, ...]

    def outcome(self, code: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.code == code:
                return outcome
        known = ", ".join(o.code for o in self.outcomes) or "none"
        raise ValueError(f"{code!r} is not an outcome of the {self.id} stage (allowed: {known})")


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Calendar:
    holidays_country: str | None
    holidays_subdivision: str | None
    weekend: frozenset[int]  # date.weekday() numbers: Monday 0 ... Sunday 6
    note: str

    @staticmethod
    def weekday_number(name: str) -> int:
        return _WEEKDAYS.index(name)


@dataclass(frozen=True)
class ChildNote:
    topic: str
    text: str
    sources: tuple[Source, ...]
    confidence: Confidence


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str
    kind: str
    legal_basis: tuple[str, ...]
    as_of: date
    confidence: Confidence
    caveats: tuple[str, ...]
    sources: tuple[Source, ...]
    calendar: Calendar
    reflection: ReflectionRules
    stages: tuple[DecisionStage, ...]
    child_notes: tuple[ChildNote, ...]

    def stage(self, stage: Stage | str) -> DecisionStage | None:
        wanted = Stage(stage)
        return next((s for s in self.stages if s.id is wanted), None)


ONE_DAY = timedelta(days=1)
