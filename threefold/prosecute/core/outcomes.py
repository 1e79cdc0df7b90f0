"""Where a criminal proceeding stands, and what a survivor's case contributes to prosecution statistics.

Pure Python (no Django import). A proceeding's *point* is the furthest it went: investigation, prosecution, trial,
or a verdict without or with a conviction (judged by its charges, not by the stage recorded last, so an acquittal
on appeal counts as what it is). A case's point is the furthest of its proceedings', "none" without any.

``case_record`` reduces one case to banded, non-identifying fields (years, bands of months, a compensation status,
three exploitation flags): the only things statistics count. ``derivable`` and ``magnitude_hidden`` are the
disclosure rules of the statistics page that threefold.disclosure does not already apply (see ADR 0025).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from threefold.disclosure import Cell, Status
from threefold.insight.core.htcds_records import CTDC_EXPLOITATION

STAGES: tuple[str, ...] = ("investigation", "prosecution", "trial", "verdict", "sentence", "appeal")
PROSECUTED_STAGES = STAGES[1:]  # charges were brought
TRIED_STAGES = STAGES[2:]


class Point(StrEnum):
    NONE = "none"
    INVESTIGATION = "investigation"
    PROSECUTION = "prosecution"
    TRIAL = "trial"
    NOT_CONVICTED = "not_convicted"
    CONVICTED = "convicted"


POINTS: tuple[Point, ...] = tuple(Point)
_RANK = {point: rank for rank, point in enumerate(POINTS)}


class Verdict(StrEnum):
    PENDING = "pending"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    DISMISSED = "dismissed"


DECIDED = frozenset({Verdict.CONVICTED, Verdict.ACQUITTED, Verdict.DISMISSED})


@dataclass(frozen=True)
class ChargeFacts:
    verdict: str
    verdict_on: date | None = None


@dataclass(frozen=True)
class SentenceFacts:
    custody_months: int | None = None  # None or 0: no custody
    suspended: bool = False


@dataclass(frozen=True)
class OrderFacts:
    currency: str
    ordered: Decimal
    paid: Decimal = Decimal(0)


@dataclass(frozen=True)
class ProceedingFacts:
    opened_on: date
    stages: Mapping[str, date] = field(default_factory=dict)  # the earliest date each stage was recorded on
    charges: tuple[ChargeFacts, ...] = ()
    sentences: tuple[SentenceFacts, ...] = ()
    orders: tuple[OrderFacts, ...] = ()


def latest_stage(stages: Iterable[str]) -> str:
    """The furthest stage of those recorded (investigation when none is)."""
    recorded = set(stages)
    return next((stage for stage in reversed(STAGES) if stage in recorded), STAGES[0])


def point(facts: ProceedingFacts) -> Point:
    verdicts = [charge.verdict for charge in facts.charges]
    if Verdict.CONVICTED in verdicts:
        return Point.CONVICTED
    if verdicts and all(verdict in DECIDED for verdict in verdicts):
        return Point.NOT_CONVICTED
    reached = set(facts.stages)
    if reached & set(TRIED_STAGES):
        return Point.TRIAL
    if reached & set(PROSECUTED_STAGES):
        return Point.PROSECUTION
    return Point.INVESTIGATION


def furthest(points: Iterable[Point]) -> Point:
    return max(points, key=_RANK.__getitem__, default=Point.NONE)


def reached(found: Point, wanted: Point) -> bool:
    """Whether a case at ``found`` went at least as far as ``wanted`` (a conviction is past every verdict)."""
    if wanted is Point.NOT_CONVICTED:  # "a verdict": either kind
        return found in (Point.NOT_CONVICTED, Point.CONVICTED)
    return _RANK[found] >= _RANK[wanted]


def prosecuted_on(facts: ProceedingFacts) -> date | None:
    """When charges were brought: the prosecution stage, or the earliest later stage if it was skipped."""
    dates = [day for stage, day in facts.stages.items() if stage in PROSECUTED_STAGES]
    return min(dates, default=None)


def first_verdict_on(facts: ProceedingFacts) -> date | None:
    dates = [c.verdict_on for c in facts.charges if c.verdict in DECIDED and c.verdict_on is not None]
    return min(dates, default=None)


def first_conviction_on(facts: ProceedingFacts) -> date | None:
    dates = [c.verdict_on for c in facts.charges if c.verdict == Verdict.CONVICTED and c.verdict_on]
    return min(dates, default=None)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 for the same month's later day; never negative)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


# ---- bands: what statistics count instead of exact values -----------------------------------------------------

TIME_TO_VERDICT_BANDS: tuple[tuple[str, int | None], ...] = (
    ("lt6", 6),
    ("6to11", 12),
    ("12to23", 24),
    ("24to35", 36),
    ("36plus", None),
)
CUSTODY_BANDS: tuple[tuple[str, int | None], ...] = (
    ("lt12", 12),
    ("12to35", 36),
    ("36to59", 60),
    ("60to119", 120),
    ("120plus", None),
)
NO_CUSTODY = "no_custody"  # suspended, a fine or another non-custodial sentence
NOT_SENTENCED = "not_sentenced"
SENTENCE_KEYS: tuple[str, ...] = (NOT_SENTENCED, NO_CUSTODY, *(key for key, _ in CUSTODY_BANDS))


class Compensation(StrEnum):
    NONE = "none"
    UNPAID = "unpaid"
    PARTLY = "partly"
    FULL = "full"


def band(months: int, bands: Sequence[tuple[str, int | None]]) -> str:
    for key, below in bands:
        if below is None or months < below:
            return key
    raise AssertionError("the last band has no upper bound")


def sentence_band(sentences: Sequence[SentenceFacts]) -> str:
    """The longest immediate custodial sentence among the case's, as a band."""
    custody = [s.custody_months for s in sentences if s.custody_months and not s.suspended]
    if custody:
        return band(max(custody), CUSTODY_BANDS)
    return NO_CUSTODY if sentences else NOT_SENTENCED


def compensation_status(orders: Sequence[OrderFacts]) -> Compensation:
    if not orders:
        return Compensation.NONE
    if all(order.paid >= order.ordered for order in orders):
        return Compensation.FULL
    if any(order.paid > 0 for order in orders):
        return Compensation.PARTLY
    return Compensation.UNPAID


# ---- one case as statistics see it ----------------------------------------------------------------------------

POINT = "point"
YEAR_INVESTIGATED = "year_investigated"
YEAR_PROSECUTED = "year_prosecuted"
YEAR_CONVICTED = "year_convicted"
TIME_TO_VERDICT = "time_to_verdict"
SENTENCE = "sentence"
COMPENSATION = "compensation"
# The three groups of exploitation the insight dashboards count, with the same mapping (CTDC's flags).
FLAGS: tuple[str, ...] = ("isSexualExploit", "isForcedLabour", "isOtherExploit")
FIELDS: tuple[str, ...] = (
    POINT,
    YEAR_INVESTIGATED,
    YEAR_PROSECUTED,
    YEAR_CONVICTED,
    TIME_TO_VERDICT,
    SENTENCE,
    COMPENSATION,
    *FLAGS,
)


@dataclass(frozen=True)
class CaseFacts:
    proceedings: tuple[ProceedingFacts, ...]
    exploitation: tuple[str, ...] = ()  # HTCDS vic_TypeOfExploitation values of the case


def case_point(facts: CaseFacts) -> Point:
    return furthest(point(p) for p in facts.proceedings)


def case_record(facts: CaseFacts) -> dict[str, str]:
    """The case's statistics fields; "" where a field does not apply (a year of conviction without one)."""
    found = case_point(facts)
    proceedings = facts.proceedings
    record = dict.fromkeys(FIELDS, "")
    record[POINT] = found.value
    if proceedings:
        record[YEAR_INVESTIGATED] = str(min(p.opened_on for p in proceedings).year)
    prosecuted = [day for p in proceedings if (day := prosecuted_on(p))]
    if prosecuted:
        record[YEAR_PROSECUTED] = str(min(prosecuted).year)
    convicted = [day for p in proceedings if (day := first_conviction_on(p))]
    if convicted:
        record[YEAR_CONVICTED] = str(min(convicted).year)
    verdicts = sorted(
        (verdict_on, p.opened_on) for p in proceedings if (verdict_on := first_verdict_on(p)) is not None
    )
    if verdicts:
        verdict_on, opened_on = verdicts[0]
        record[TIME_TO_VERDICT] = band(months_between(opened_on, verdict_on), TIME_TO_VERDICT_BANDS)
    if found is Point.CONVICTED:
        record[SENTENCE] = sentence_band([s for p in proceedings for s in p.sentences])
        record[COMPENSATION] = compensation_status([o for p in proceedings for o in p.orders]).value
    groups = {CTDC_EXPLOITATION.get(form, "") for form in facts.exploitation}
    for flag in FLAGS:
        record[flag] = "1" if flag in groups else "0"
    return record


# ---- disclosure rules the statistics page adds ----------------------------------------------------------------


def derivable(cells: Mapping[str, Cell], total: Cell, wanted: Iterable[str]) -> int | None:
    """The sum of the ``wanted`` counts of a published one-field table, if a reader can work it out from what is
    shown: every wanted count shown, or the total shown with every other count shown. Keys the table lacks count
    0 (the reader knows they are empty). None otherwise: then the sum must not be published either."""
    wanted = set(wanted)
    inside = [cell for key, cell in cells.items() if key in wanted]
    outside = [cell for key, cell in cells.items() if key not in wanted]
    if all(cell.shown for cell in inside):
        return sum(cell.value or 0 for cell in inside)
    if total.shown and total.value is not None and all(cell.shown for cell in outside):
        return total.value - sum(cell.value or 0 for cell in outside)
    return None


DOMINANCE_N = 2
DOMINANCE_SHARE = Decimal("0.85")


def magnitude_hidden(contributions: Sequence[Decimal], k: int) -> str:
    """Why a sum of amounts (compensation ordered or paid, per case) must not be published, or "" if it may be.

    Threshold rule: fewer than ``k`` cases contribute. Dominance rule (n = 2, 85 %): the two largest contributions
    make more than 85 % of the sum, so each of those two could estimate the other's from the published total.
    """
    positive = sorted((amount for amount in contributions if amount > 0), reverse=True)
    if len(positive) < k:
        return "threshold"
    total = sum(positive, Decimal(0))
    if total > 0 and sum(positive[:DOMINANCE_N], Decimal(0)) > DOMINANCE_SHARE * total:
        return "dominance"
    return ""


def holds_with_total(
    cells: Sequence[Cell], total: int, *, k: int, protection: int, zeros_published: bool
) -> bool:
    """Whether a protected one-field table still protects every hidden count when its total is known.

    threefold.disclosure protects a table against what it publishes; it may hide the grand total as well. A table
    of a sub-population whose size another table shows (cases with a conviction, by sentence) is read with that
    size known, so each hidden count is checked again here: its lowest and highest possible values, given the
    shown counts, the known total and what each status says ("fewer than k": 1 to k - 1, or 0 to k - 1 when
    zeros are hidden; "hidden to protect another": at least k), must still be ``protection`` apart.
    """
    floor = 1 if zeros_published else 0
    hidden = [cell for cell in cells if not cell.shown]
    rest = total - sum(cell.value or 0 for cell in cells if cell.shown)
    bounds = [(floor, k - 1) if cell.status is Status.PRIMARY else (k, total) for cell in hidden]
    for i, (low, high) in enumerate(bounds):
        others_low = sum(b[0] for j, b in enumerate(bounds) if j != i)
        others_high = sum(b[1] for j, b in enumerate(bounds) if j != i)
        lowest, highest = max(low, rest - others_high), min(high, rest - others_low)
        if highest - lowest < protection:
            return False
    return True
