"""Load an instrument file, check it three ways, and build the in-memory definition.

1. YAML syntax (with a line and column), 2. the JSON Schema in ``instruments/schema.json``, 3. the semantic
checks in ``semantics.py``. An instrument that fails any of them raises ``InstrumentError`` listing every
problem with the path of the field at fault, and nothing is built: an organisation uploading its own
instrument gets the whole list at once instead of fixing one error per upload.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from threefold.identify.core.definition import (
    YES,
    AnswerType,
    Band,
    BandWhen,
    Choice,
    CodingCondition,
    CodingSuggestion,
    Confidence,
    CountRule,
    Dimension,
    Evidence,
    Guidance,
    Indicator,
    Instrument,
    Item,
    Match,
    Mode,
    Outcome,
    Population,
    Provenance,
    ShowIf,
    Strength,
    Urgency,
    UrgencyLevel,
    ValidationStudy,
)
from threefold.identify.core.expressions import parse_expression
from threefold.identify.core.problems import Problem, field_path, render_problems
from threefold.identify.core.rules import DimensionRule, combination_from_data
from threefold.identify.core.semantics import semantic_problems
from threefold.identify.core.yaml_source import load_yaml

# The schema lives beside the instruments (instruments/schema.json at the repository root), not in the package,
# so that people writing instruments find it where they work.
SCHEMA_PATH = Path(__file__).resolve().parents[3] / "instruments" / "schema.json"


class InstrumentError(ValueError):
    """An instrument is not usable. ``problems`` lists each fault with the path of its field."""

    def __init__(self, problems: Sequence[Problem], source: str = "instrument") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(render_problems(self.problems, heading=f"{source} is not a valid instrument:"))


@cache
def schema() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def load_instrument(path: Path) -> Instrument:
    return parse_instrument(path.read_text(encoding="utf-8"), source=path.name)


def parse_instrument(text: str, source: str = "instrument") -> Instrument:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        raise InstrumentError([Problem("(yaml)", _yaml_message(error))], source) from error
    return build_instrument(data, source)


def build_instrument(data: Any, source: str = "instrument") -> Instrument:
    problems = schema_problems(data)
    if not problems:
        # Semantic checks assume the schema's shape, so they only run on data that has it.
        problems = semantic_problems(data)
    if problems:
        raise InstrumentError(problems, source)
    return _build(data)


def schema_problems(data: Any) -> list[Problem]:
    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda error: _sort_key(error.absolute_path))
    return [_schema_problem(error) for error in errors]


def _sort_key(path: Sequence[str | int]) -> tuple[tuple[int, str], ...]:
    # Paths mix list indices and keys; compare indices as numbers so items[10] comes after items[9].
    return tuple((0, f"{part:09d}") if isinstance(part, int) else (1, str(part)) for part in path)


def _schema_problem(error: ValidationError) -> Problem:
    path = field_path(error.absolute_path)
    # "Exactly one of these keys" (equals / in) is a oneOf of required-lists; say it in those words rather than
    # jsonschema's "is valid under each of {'required': ['in']}, ...".
    keys = _one_of_required_keys(error)
    if keys:
        return Problem(path, f"needs exactly one of {', '.join(keys)}")
    # Any other oneOf/anyOf failure says nothing useful on its own; the best-matching sub-error names the real
    # fault and its deeper path.
    if error.context:
        error = best_match(error.context)
        path = field_path(error.absolute_path)
    return Problem(path, error.message)


def _one_of_required_keys(error: ValidationError) -> list[str]:
    if error.validator not in ("oneOf", "anyOf") or not isinstance(error.validator_value, list):
        return []
    options = error.validator_value
    if all(isinstance(option, dict) and set(option) == {"required"} for option in options):
        return [key for option in options for key in option["required"]]
    return []


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = getattr(error, "problem", None) or str(error)
    return f"{where}{problem}"


# Building. The data has passed the schema and the semantic checks, so lookups below cannot fail.


def _match(condition: Mapping[str, Any]) -> Match:
    values = [condition["equals"]] if "equals" in condition else condition["in"]
    return Match(frozenset(str(value) for value in values))


def _confidence(data: Mapping[str, Any]) -> Confidence | None:
    return Confidence(data["confidence"]) if "confidence" in data else None


def _item(data: Mapping[str, Any]) -> Item:
    show_if = data.get("show_if")
    return Item(
        id=data["id"],
        prompt=data["prompt"],
        answer_type=AnswerType(data["answer_type"]),
        choices=tuple(Choice(choice["id"], choice["label"]) for choice in data.get("choices", [])),
        show_if=ShowIf(show_if["item"], _match(show_if)) if show_if else None,
        # On a yes_no item an evidence without "when" means "when the answer is yes".
        evidences=tuple(
            Evidence(evidence["indicator"], _match(evidence.get("when", {"equals": YES})))
            for evidence in data.get("evidences", [])
        ),
        help=data.get("help"),
        confidence=_confidence(data),
        note=data.get("note"),
    )


def _indicator(data: Mapping[str, Any]) -> Indicator:
    return Indicator(
        id=data["id"],
        dimension=data["dimension"],
        label=data["label"],
        strength=Strength(data["strength"]) if "strength" in data else None,
        confidence=_confidence(data),
        note=data.get("note"),
    )


def _band(data: Mapping[str, Any]) -> Band:
    urgency = data["urgency"]
    return Band(
        id=data["id"],
        when=BandWhen(data["when"]),
        label=data["label"],
        guidance=data["guidance"],
        urgency=Urgency(UrgencyLevel(urgency["level"]), urgency["text"]),
    )


def _guidance(data: Mapping[str, Any] | None) -> Guidance | None:
    if data is None:
        return None
    return Guidance(do=tuple(data["do"]), never=tuple(data["never"]))


def _coding(data: Mapping[str, Any]) -> CodingSuggestion:
    return CodingSuggestion(
        system=data["system"],
        code=data["code"],
        label=data["label"],
        applies_when=CodingCondition(data["applies_when"]),
        population=Population(data["population"]),
        confidence=_confidence(data),
        note=data.get("note"),
    )


def _study(data: Mapping[str, Any]) -> ValidationStudy:
    return ValidationStudy(
        sensitivity=float(data["sensitivity"]),
        specificity=float(data["specificity"]),
        n=int(data["n"]),
        population=data["population"],
        reference_standard=data["reference_standard"],
        source=data["source"],
        prevalence=float(data["prevalence"]) if "prevalence" in data else None,
        url=data.get("url"),
        notes=data.get("notes"),
    )


def _build(data: Mapping[str, Any]) -> Instrument:
    scoring = data["scoring"]
    provenance = data["provenance"]
    return Instrument(
        id=data["id"],
        version=data["version"],
        languages=tuple(data["languages"]),
        title=data["title"],
        description=data["description"],
        settings=tuple(data["settings"]),
        population=Population(data["population"]),
        mode=Mode(data["mode"]),
        provenance=Provenance(
            source=provenance["source"],
            verified=provenance["verified"],
            confidence=Confidence(provenance["confidence"]),
            url=provenance.get("url"),
            notes=provenance.get("notes"),
        ),
        validation=tuple(_study(study) for study in data.get("validation", [])),
        dimensions=tuple(
            Dimension(dimension["id"], dimension["label"], dimension["rule"])
            for dimension in data.get("dimensions", [])
        ),
        indicators=tuple(_indicator(indicator) for indicator in data.get("indicators", [])),
        items=tuple(_item(item) for item in data["items"]),
        dimension_rules=tuple(
            DimensionRule(
                rule["id"],
                rule["text"],
                tuple(combination_from_data(combo) for combo in rule["alternatives"]),
            )
            for rule in scoring.get("dimension_rules", [])
        ),
        count_rules=tuple(
            CountRule(rule["id"], rule["label"], tuple(rule["items"]), int(rule["min_yes"]))
            for rule in scoring.get("count_rules", [])
        ),
        outcome=Outcome(parse_expression(scoring["outcome"]["expression"]), scoring["outcome"]["text"]),
        bands=tuple(_band(band) for band in scoring["bands"]),
        audience=tuple(data.get("audience", [])),
        guidance=_guidance(data.get("guidance")),
        coding=tuple(_coding(suggestion) for suggestion in data.get("coding", [])),
    )
