"""Dimension rules: "positive when at least one of these minimum-count combinations holds".

The ILO/EC Delphi rule is the motivating case: a dimension is positive with >= 2 strong indicators, or 1 strong
+ >= 1 medium or weak, or >= 3 medium, or 2 medium + >= 1 weak. It is stored as data, as a list of combinations,
and every combination is a set of minimums, so adding an indicator can never make a positive dimension negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from threefold.identify.core.localtext import LocalText


class Tally(StrEnum):
    """What a minimum in a combination counts. Order here is the order used when describing a rule."""

    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"
    MEDIUM_OR_WEAK = "medium_or_weak"
    ANY = "any"

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")

    @property
    def needs_strength(self) -> bool:
        """Whether counting this needs every indicator of the dimension to have a strength."""
        return self is not Tally.ANY


@dataclass(frozen=True)
class TierCounts:
    """How many present indicators a dimension has in each strength tier."""

    strong: int = 0
    medium: int = 0
    weak: int = 0
    unrated: int = 0

    def tally(self, what: Tally) -> int:
        match what:
            case Tally.STRONG:
                return self.strong
            case Tally.MEDIUM:
                return self.medium
            case Tally.WEAK:
                return self.weak
            case Tally.MEDIUM_OR_WEAK:
                return self.medium + self.weak
            case Tally.ANY:
                return self.strong + self.medium + self.weak + self.unrated

    def describe(self, rated: bool = True) -> str:
        """E.g. "1 strong, 0 medium, 0 weak", or "2 indicators" for a dimension without strengths."""
        if not rated:
            total = self.tally(Tally.ANY)
            return f"{total} indicator" + ("" if total == 1 else "s")
        return f"{self.strong} strong, {self.medium} medium, {self.weak} weak"


@dataclass(frozen=True)
class Combination:
    """Minimums that must all hold at once, e.g. strong >= 1 and medium_or_weak >= 1."""

    minimums: tuple[tuple[Tally, int], ...]

    def holds(self, counts: TierCounts) -> bool:
        return all(counts.tally(what) >= least for what, least in self.minimums)

    def describe(self) -> str:
        """E.g. "1 strong + 1 medium or weak", or "at least 1 indicator" for a rule that ignores strengths."""
        parts = []
        for what, least in self.minimums:
            if what is Tally.ANY:
                parts.append(f"at least {least} indicator" + ("" if least == 1 else "s"))
            else:
                parts.append(f"{least} {what.words}")
        return " + ".join(parts)


@dataclass(frozen=True)
class DimensionRule:
    id: str
    text: LocalText
    alternatives: tuple[Combination, ...]

    @property
    def counts_strengths(self) -> bool:
        return any(what.needs_strength for combo in self.alternatives for what, _ in combo.minimums)

    def first_met(self, counts: TierCounts) -> Combination | None:
        """The first combination that holds (the one quoted in the explanation), or None."""
        return next((combo for combo in self.alternatives if combo.holds(counts)), None)

    def describe_needs(self) -> str:
        """E.g. "needs 2 strong, or 1 strong + 1 medium or weak, or 3 medium, or 2 medium + 1 weak"."""
        return "needs " + ", or ".join(combo.describe() for combo in self.alternatives)


def combination_from_data(data: dict[str, int]) -> Combination:
    # Keep the file's own key order only for display; meaning does not depend on it.
    ordered = sorted(data.items(), key=lambda pair: list(Tally).index(Tally(pair[0])))
    return Combination(tuple((Tally(key), int(least)) for key, least in ordered))
