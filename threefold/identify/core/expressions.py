"""Outcome expressions: all/any groups over dimension results and count rules.

There is deliberately no "not": with only and/or over positive results, one more yes answer can never lower an
outcome, which is the property screeners rely on (and that the tests check).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Expression, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Expression, ...]


@dataclass(frozen=True)
class DimensionRef:
    dimension: str


@dataclass(frozen=True)
class CountRuleRef:
    count_rule: str


Expression = AllOf | AnyOf | DimensionRef | CountRuleRef


@dataclass(frozen=True)
class Truths:
    """Which dimensions are positive and which count rules are met, the only inputs of an outcome."""

    dimensions: frozenset[str]
    count_rules: frozenset[str]


def parse_expression(data: Mapping[str, Any]) -> Expression:
    """Build an expression from schema-valid data (one key: all, any, dimension or count_rule)."""
    if "all" in data:
        return AllOf(tuple(parse_expression(part) for part in data["all"]))
    if "any" in data:
        return AnyOf(tuple(parse_expression(part) for part in data["any"]))
    if "dimension" in data:
        return DimensionRef(str(data["dimension"]))
    return CountRuleRef(str(data["count_rule"]))


def evaluate(expression: Expression, truths: Truths) -> bool:
    match expression:
        case AllOf(parts):
            return all(evaluate(part, truths) for part in parts)
        case AnyOf(parts):
            return any(evaluate(part, truths) for part in parts)
        case DimensionRef(dimension):
            return dimension in truths.dimensions
        case CountRuleRef(count_rule):
            return count_rule in truths.count_rules


def render(expression: Expression, truths: Truths, name: Callable[[str], str], top: bool = True) -> str:
    """The expression in words with each leaf's result, e.g.
    ``(deceptive recruitment [positive] OR …) AND exploitative conditions of work [negative]``."""
    match expression:
        case AllOf(parts) | AnyOf(parts):
            joiner = " AND " if isinstance(expression, AllOf) else " OR "
            text = joiner.join(render(part, truths, name, top=False) for part in parts)
            return text if top or len(parts) == 1 else f"({text})"
        case DimensionRef(dimension):
            state = "positive" if dimension in truths.dimensions else "negative"
            return f"{name(dimension)} [{state}]"
        case CountRuleRef(count_rule):
            state = "met" if count_rule in truths.count_rules else "not met"
            return f"{name(count_rule)} [{state}]"


def failing_parts(expression: Expression, truths: Truths) -> tuple[Expression, ...]:
    """For a false top-level ``all``, the parts that failed; otherwise the expression itself.

    This is what the explanation names as "what is missing" for a negative outcome.
    """
    if isinstance(expression, AllOf):
        return tuple(part for part in expression.parts if not evaluate(part, truths))
    return (expression,)
