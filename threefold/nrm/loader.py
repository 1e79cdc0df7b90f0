"""Load the jurisdiction files in ``reference/nrm/``, check them and build ``Jurisdiction`` objects.

A file is checked three ways, like the screening instruments: YAML syntax (with a line and column), the JSON
Schema beside the files (``reference/nrm/schema.json``), then the cross-references JSON Schema cannot see (a rule
naming a source the file does not list, dates in the wrong order, two reflection rules for the same day, a holiday
calendar the holidays package does not know). Every problem is reported at once, each with the file name and the
path of the field at fault, so whoever updates a figure can find the line without knowing JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from threefold.identify.core.yaml_source import load_reference_yaml
from threefold.nrm.model import (
    AppliesTo,
    Calendar,
    ChildNote,
    Confidence,
    DayUnit,
    DecisionStage,
    Due,
    Extension,
    Jurisdiction,
    Length,
    Outcome,
    PartialDate,
    ReflectionRule,
    ReflectionRules,
    Source,
    Stage,
    TestWording,
)

# The data lives at the repository root, not in the package, so that people updating a figure find it (and its
# schema) where the other reference material is.
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference" / "nrm"
SCHEMA_PATH = REFERENCE_DIR / "schema.json"
_DECISIONS = (Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS)
_Refs = Callable[[Sequence[str]], tuple[Source, ...]]


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class JurisdictionError(ValueError):
    """A jurisdiction file is not usable; ``problems`` name each faulty field, ``source`` the file."""

    def __init__(self, problems: Sequence[Problem], source: str) -> None:
        self.problems = tuple(problems)
        self.source = source
        lines = [
            f"{source} is not a valid NRM jurisdiction file:",
            *(f"  {source}: {p}" for p in self.problems),
        ]
        super().__init__("\n".join(lines))


def field_path(parts: Iterable[str | int]) -> str:
    """``["stages", 1, "due"]`` -> ``stages[1].due``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


@cache
def schema() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def shipped_paths() -> tuple[Path, ...]:
    return tuple(sorted(REFERENCE_DIR.glob("*.yaml")))


@cache
def load(jurisdiction_id: str) -> Jurisdiction:
    """A shipped jurisdiction by id (the file name); cached, since the files only change with a release."""
    path = REFERENCE_DIR / f"{jurisdiction_id}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in shipped_paths())
        raise LookupError(f"no NRM jurisdiction {jurisdiction_id!r} (known: {known})")
    return load_file(path)


def load_all() -> tuple[Jurisdiction, ...]:
    return tuple(load(path.stem) for path in shipped_paths())


def load_file(path: Path) -> Jurisdiction:
    jurisdiction = parse_jurisdiction(path.read_text(encoding="utf-8"), source=path.name)
    if jurisdiction.id != path.stem:
        raise JurisdictionError(
            [Problem("id", f"is {jurisdiction.id!r} but the file is named {path.name}; they must agree")],
            path.name,
        )
    return jurisdiction


def parse_jurisdiction(text: str, source: str = "jurisdiction") -> Jurisdiction:
    try:
        data = load_reference_yaml(text)
    except yaml.YAMLError as error:
        raise JurisdictionError([Problem("(yaml)", _yaml_message(error))], source) from error
    problems = schema_problems(data)
    if not problems:
        # The cross-checks assume the schema's shape, so they only run on data that has it.
        problems = semantic_problems(data)
    if problems:
        raise JurisdictionError(problems, source)
    return _build(data)


def schema_problems(data: Any) -> list[Problem]:
    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [_schema_problem(error) for error in errors]


def _schema_problem(error: ValidationError) -> Problem:
    # A oneOf (days or months) says nothing useful on its own; its best sub-error names the real fault.
    if error.context:
        error = best_match(error.context)
    return Problem(field_path(error.absolute_path), error.message)


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{getattr(error, 'problem', None) or error}"


# Cross-checks. Each returns problems with paths; none raises, so the author sees every fault at once.


def semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    source_ids = [source["id"] for source in data["sources"]]
    problems = [
        Problem(f"sources[{i}].id", f"{sid!r} is listed twice")
        for i, sid in enumerate(source_ids)
        if sid in source_ids[:i]
    ]
    problems += _reference_problems(data, set(source_ids))
    problems += _calendar_problems(data["calendar"])
    problems += _date_problems(data)
    problems += _rule_overlap_problems(data["reflection_period"]["rules"])
    problems += _stage_problems(data)
    return problems


def _reference_problems(data: Mapping[str, Any], known: set[str]) -> list[Problem]:
    problems = []
    for path, refs in _source_refs(data):
        problems += [
            Problem(path, f"names source {ref!r}, which the file's sources do not list")
            for ref in refs
            if ref not in known
        ]
    for i, note in enumerate(data.get("child_notes", [])):
        # A statement nobody supports must say so in its label rather than borrow the file's confidence.
        if not note["sources"] and note["confidence"] != Confidence.UNVERIFIED:
            problems.append(
                Problem(f"child_notes[{i}].confidence", "must be 'unverified' when no source is given")
            )
    return problems


def _source_refs(data: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    reflection = data["reflection_period"]
    for key in ("rules", "extensions"):
        entries = reflection.get(key, [])
        found += [
            (f"reflection_period.{key}[{i}].sources", entry["sources"]) for i, entry in enumerate(entries)
        ]
    for i, stage in enumerate(data.get("stages", [])):
        found.append((f"stages[{i}].sources", stage["sources"]))
        if "due" in stage:
            found.append((f"stages[{i}].due.sources", stage["due"]["sources"]))
        found += [
            (f"stages[{i}].test_history[{j}].sources", t["sources"])
            for j, t in enumerate(stage.get("test_history", []))
        ]
        if "read_current_test_from" in stage:
            found.append((f"stages[{i}].read_current_test_from", [stage["read_current_test_from"]]))
    found += [(f"child_notes[{i}].sources", n["sources"]) for i, n in enumerate(data.get("child_notes", []))]
    return found


def _calendar_problems(calendar: Mapping[str, Any]) -> list[Problem]:
    country = calendar["holidays_country"]
    subdivision = calendar.get("holidays_subdivision")
    if country is None:
        return [Problem("calendar.holidays_subdivision", "needs a holidays_country")] if subdivision else []
    supported = holidays.list_supported_countries()
    if country not in supported:
        return [
            Problem("calendar.holidays_country", f"{country!r} is not a country the holidays package knows")
        ]
    if subdivision is not None and subdivision not in supported[country]:
        known = ", ".join(supported[country])
        return [
            Problem(
                "calendar.holidays_subdivision",
                f"{subdivision!r} is not a subdivision of {country} in the holidays package (known: {known})",
            )
        ]
    return []


def _date_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    dates: list[tuple[str, str]] = [("as_of", data["as_of"])]
    for i, rule in enumerate(data["reflection_period"]["rules"]):
        dates += [(f"reflection_period.rules[{i}].{k}", rule[k]) for k in ("from", "until") if k in rule]
        starts, ends = _to_date(rule.get("from", "")), _to_date(rule.get("until", ""))
        if starts is not None and ends is not None and starts >= ends:
            problems.append(Problem(f"reflection_period.rules[{i}].until", "must be after 'from'"))
    for i, stage in enumerate(data.get("stages", [])):
        for j, wording in enumerate(stage.get("test_history", [])):
            # A month alone (2023-06) is allowed here; check it as its first day.
            dates += [
                (f"stages[{i}].test_history[{j}].{k}", _day_or_first(wording[k]))
                for k in ("from", "until")
                if k in wording
            ]
    for path, text in dates:
        if _to_date(text) is None:
            problems.append(Problem(path, f"{text!r} is not a calendar date"))
    return problems


def _day_or_first(text: str) -> str:
    return text if len(text) == 10 else f"{text}-01"


def _to_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _rule_overlap_problems(rules: Sequence[Mapping[str, Any]]) -> list[Problem]:
    # Two rules that could both answer "how long from this day, for this person" make the answer depend on file
    # order; refuse them so the choice is always written down.
    problems = []
    for i, first in enumerate(rules):
        for j in range(i + 1, len(rules)):
            second = rules[j]
            if _people_overlap(first["applies_to"], second["applies_to"]) and _dates_overlap(first, second):
                problems.append(
                    Problem(
                        f"reflection_period.rules[{j}]",
                        f"overlaps rules[{i}] ({first['id']}) for the same people and dates",
                    )
                )
    return problems


def _people_overlap(a: str, b: str) -> bool:
    return any(AppliesTo(a).covers(is_child=c) and AppliesTo(b).covers(is_child=c) for c in (True, False))


def _dates_overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    lowest, highest = date.min, date.max
    a_from, a_until = _to_date(a.get("from", "")) or lowest, _to_date(a.get("until", "")) or highest
    b_from, b_until = _to_date(b.get("from", "")) or lowest, _to_date(b.get("until", "")) or highest
    return a_from < b_until and b_from < a_until


def _stage_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    stages = data.get("stages", [])
    order = [s.value for s in Stage]
    ids = [stage["id"] for stage in stages]
    if ids != sorted(set(ids), key=order.index):
        problems.append(Problem("stages", f"must be listed once each, in the order {', '.join(order)}"))
    for i, stage in enumerate(stages):
        codes = [outcome["code"] for outcome in stage.get("outcomes", [])]
        problems += [
            Problem(f"stages[{i}].outcomes[{j}].code", f"{code!r} is listed twice")
            for j, code in enumerate(codes)
            if code in codes[:j]
        ]
        if stage["id"] in _DECISIONS:
            kinds = {outcome["positive"] for outcome in stage.get("outcomes", [])}
            if kinds != {True, False}:
                problems.append(
                    Problem(f"stages[{i}].outcomes", "a decision needs a positive and a negative outcome")
                )
        due = stage.get("due")
        if due and due["unit"] == DayUnit.WORKING_DAYS and data["calendar"]["holidays_country"] is None:
            problems.append(Problem(f"stages[{i}].due.unit", "working days need a calendar.holidays_country"))
    return problems


# Building. The data has passed both checks, so lookups below cannot fail.


def _build(data: Mapping[str, Any]) -> Jurisdiction:
    sources = {
        s["id"]: Source(s["id"], s["url"], s["title"], s["supports"], s["reference_tag"])
        for s in data["sources"]
    }

    def refs(ids: Sequence[str]) -> tuple[Source, ...]:
        return tuple(sources[i] for i in ids)

    calendar = data["calendar"]
    reflection = data["reflection_period"]
    return Jurisdiction(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        legal_basis=tuple(data["legal_basis"]),
        as_of=date.fromisoformat(data["as_of"]),
        confidence=Confidence(data["confidence"]),
        caveats=tuple(data.get("caveats", [])),
        sources=tuple(sources.values()),
        calendar=Calendar(
            holidays_country=calendar["holidays_country"],
            holidays_subdivision=calendar.get("holidays_subdivision"),
            weekend=frozenset(Calendar.weekday_number(day) for day in calendar["weekend"]),
            note=calendar["note"],
        ),
        reflection=ReflectionRules(
            starts_on=reflection["starts_on"],
            start_note=reflection["start_note"],
            rules=tuple(_rule(rule, refs) for rule in reflection["rules"]),
            extensions=tuple(_extension(ext, refs) for ext in reflection.get("extensions", [])),
        ),
        stages=tuple(_stage(stage, refs, sources) for stage in data.get("stages", [])),
        child_notes=tuple(
            ChildNote(n["topic"], n["text"], refs(n["sources"]), Confidence(n["confidence"]))
            for n in data.get("child_notes", [])
        ),
    )


def _length(data: Mapping[str, int]) -> Length:
    return Length(days=data.get("days", 0), months=data.get("months", 0))


def _optional_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _rule(data: Mapping[str, Any], refs: _Refs) -> ReflectionRule:
    return ReflectionRule(
        id=data["id"],
        minimum=_length(data["minimum"]),
        valid_from=_optional_date(data.get("from")),
        valid_until=_optional_date(data.get("until")),
        applies_to=AppliesTo(data["applies_to"]),
        statement=data["statement"],
        sources=refs(data["sources"]),
        confidence=Confidence(data["confidence"]),
        caveats=tuple(data.get("caveats", [])),
    )


def _extension(data: Mapping[str, Any], refs: _Refs) -> Extension:
    return Extension(
        id=data["id"],
        length=_length(data["length"]),
        applies_to=AppliesTo(data["applies_to"]),
        statement=data["statement"],
        sources=refs(data["sources"]),
        confidence=Confidence(data["confidence"]),
        caveats=tuple(data.get("caveats", [])),
    )


def _stage(data: Mapping[str, Any], refs: _Refs, sources: Mapping[str, Source]) -> DecisionStage:
    due = data.get("due")
    current = data.get("read_current_test_from")
    return DecisionStage(
        id=Stage(data["id"]),
        name=data["name"],
        made_by=data["made_by"],
        due=Due(
            count=due["count"],
            unit=DayUnit(due["unit"]),
            counted_from=due["from"],
            kind=due["kind"],
            statement=due["statement"],
            sources=refs(due["sources"]),
            confidence=Confidence(due["confidence"]),
            caveats=tuple(due.get("caveats", [])),
        )
        if due
        else None,
        standard=data.get("standard"),
        after=data.get("after"),
        test_history=tuple(
            TestWording(
                valid_from=PartialDate.parse(t["from"]) if "from" in t else None,
                valid_until=PartialDate.parse(t["until"]) if "until" in t else None,
                status=t["status"],
                wording=t.get("wording"),
                note=t.get("note"),
                sources=refs(t["sources"]),
            )
            for t in data.get("test_history", [])
        ),
        read_current_test_from=sources[current] if current else None,
        outcomes=tuple(
            Outcome(o["code"], o["label"], o["positive"], o.get("note")) for o in data.get("outcomes", [])
        ),
        sources=refs(data["sources"]),
        confidence=Confidence(data["confidence"]),
        caveats=tuple(data.get("caveats", [])),
    )
