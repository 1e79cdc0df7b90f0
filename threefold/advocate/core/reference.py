"""Reading the advocacy module's reference files: YAML read safely (no aliases, YAML 1.2 booleans, duplicate keys
refused, dates kept as text), checked against the JSON Schema beside the file, every problem named with its path.

Pure Python: no Django import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from threefold.identify.core.yaml_source import load_reference_yaml

REFERENCE_ROOT = Path(__file__).resolve().parents[3] / "reference"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ReferenceError(ValueError):
    """A reference file is not usable; ``problems`` name each faulty field, ``source`` the file."""

    def __init__(self, problems: Sequence[Problem], source: str) -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__("\n".join([f"{source} is not valid:", *(f"  {source}: {p}" for p in problems)]))


def field_path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def read(text: str, schema_path: Path, source: str) -> Any:
    """The YAML ``text`` parsed and checked against the schema; ``ReferenceError`` lists every problem."""
    try:
        data = load_reference_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise ReferenceError(
            [Problem("(yaml)", f"{where}{getattr(error, 'problem', None) or error}")], source
        ) from error
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise ReferenceError([Problem(field_path(e.absolute_path), e.message) for e in errors], source)
    return data


def duplicates(values: Sequence[str], path: str) -> list[Problem]:
    """A problem for every value already seen earlier in the list (``path`` is formatted with the index)."""
    return [
        Problem(path.format(i), f"{value!r} is used twice")
        for i, value in enumerate(values)
        if value in values[:i]
    ]
