"""Read the offences of each jurisdiction shipped in ``reference/offences/``: check them, build frozen values.

A file is checked three ways, like the NRM jurisdiction files: YAML syntax (with a line and column), the JSON Schema
beside the files, then the cross-references JSON Schema cannot see (a source id the file does not list, a code
used twice, not exactly one primary trafficking offence, no ``other`` offence, a file named differently from its
id). Every problem is reported at once, each with the file name and the path of the field at fault.

Pure Python: no Django import. A charge stores ``<jurisdiction>:<code>`` and the file's version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from threefold.identify.core.yaml_source import load_reference_yaml

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "reference" / "offences"
SCHEMA_PATH = REFERENCE_DIR / "schema.json"
OTHER_JURISDICTION = "other"
OTHER_OFFENCE = "other"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    supports: str


@dataclass(frozen=True)
class Offence:
    jurisdiction: str
    code: str
    label: str
    kind: str  # trafficking, exploitation, related, other
    status: str  # cited, to_complete
    citation: str
    source: Source | None
    primary: bool = False

    @property
    def key(self) -> str:
        """What a charge stores: ``fr:225-4-1``."""
        return f"{self.jurisdiction}:{self.code}"

    @property
    def is_trafficking(self) -> bool:
        return self.kind == "trafficking"

    @property
    def cited(self) -> bool:
        return self.status == "cited"


@dataclass(frozen=True)
class Provision:
    status: str  # cited, to_complete, none_known
    citation: str
    source: Source | None
    note: str = ""


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str
    country: str
    version: int
    as_of: str
    sources: tuple[Source, ...]
    offences: tuple[Offence, ...]
    non_punishment: Provision
    caveats: tuple[str, ...] = ()

    def offence(self, code: str) -> Offence | None:
        return next((offence for offence in self.offences if offence.code == code), None)

    @property
    def trafficking_offence(self) -> Offence:
        return next(offence for offence in self.offences if offence.primary)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class OffencesError(ValueError):
    """A file of offences is not usable; ``problems`` name each faulty field, ``source`` the file."""

    def __init__(self, problems: Sequence[Problem], source: str) -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(
            "\n".join([f"{source} is not a valid offences file:", *(f"  {source}: {p}" for p in problems)])
        )


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
    if not jurisdiction_id or "/" in jurisdiction_id or not path.is_file():
        raise LookupError(f"no offences for jurisdiction {jurisdiction_id!r}")
    return load_file(path)


def load_all() -> tuple[Jurisdiction, ...]:
    """Every shipped jurisdiction, by name, with "another jurisdiction" last."""
    found = [load(path.stem) for path in shipped_paths()]
    return tuple(sorted(found, key=lambda j: (j.id == OTHER_JURISDICTION, j.name)))


def known(jurisdiction_id: str) -> bool:
    return jurisdiction_id in {path.stem for path in shipped_paths()}


def offence(key: str) -> Offence | None:
    """The offence a charge names (``fr:225-4-1``), or None for a key no shipped file has (any more)."""
    jurisdiction_id, _, code = key.partition(":")
    if not known(jurisdiction_id):
        return None
    return load(jurisdiction_id).offence(code)


def load_file(path: Path) -> Jurisdiction:
    jurisdiction = parse(path.read_text(encoding="utf-8"), source=path.name)
    if jurisdiction.id != path.stem:
        raise OffencesError(
            [Problem("id", f"is {jurisdiction.id!r} but the file is named {path.name}; they must agree")],
            path.name,
        )
    return jurisdiction


def parse(text: str, source: str = "offences") -> Jurisdiction:
    try:
        data = load_reference_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise OffencesError(
            [Problem("(yaml)", f"{where}{getattr(error, 'problem', None) or error}")], source
        ) from error
    problems = schema_problems(data)
    if not problems:
        problems = semantic_problems(data)
    if problems:
        raise OffencesError(problems, source)
    return _build(data)


def field_path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def schema_problems(data: Any) -> list[Problem]:
    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [Problem(field_path(error.absolute_path), error.message) for error in errors]


def semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    source_ids = [source["id"] for source in data["sources"]]
    problems += [
        Problem(f"sources[{i}].id", f"{sid!r} is listed twice")
        for i, sid in enumerate(source_ids)
        if sid in source_ids[:i]
    ]
    codes = [offence["code"] for offence in data["offences"]]
    problems += [
        Problem(f"offences[{i}].code", f"{code!r} is used twice")
        for i, code in enumerate(codes)
        if code in codes[:i]
    ]
    for i, offence in enumerate(data["offences"]):
        if "source" in offence and offence["source"] not in source_ids:
            problems.append(
                Problem(f"offences[{i}].source", f"names {offence['source']!r}, which sources do not list")
            )
        if offence.get("primary") and offence["kind"] != "trafficking":
            problems.append(Problem(f"offences[{i}].primary", "only a trafficking offence can be primary"))
    primary = [offence for offence in data["offences"] if offence.get("primary")]
    if len(primary) != 1:
        problems.append(Problem("offences", f"exactly one offence must be primary, not {len(primary)}"))
    if OTHER_OFFENCE not in codes:
        problems.append(Problem("offences", f"an offence with code {OTHER_OFFENCE!r} must be listed"))
    provision = data["non_punishment"]
    if "source" in provision and provision["source"] not in source_ids:
        problems.append(
            Problem("non_punishment.source", f"names {provision['source']!r}, which sources do not list")
        )
    if (data["id"] == OTHER_JURISDICTION) != (data["country"] == ""):
        problems.append(Problem("country", "is empty exactly for the 'other' jurisdiction"))
    return problems


def _build(data: Mapping[str, Any]) -> Jurisdiction:
    sources = {
        s["id"]: Source(id=s["id"], title=s["title"], url=s["url"], supports=s["supports"])
        for s in data["sources"]
    }
    offences = tuple(
        Offence(
            jurisdiction=data["id"],
            code=o["code"],
            label=o["label"],
            kind=o["kind"],
            status=o["status"],
            citation=o["citation"],
            source=sources.get(o.get("source", "")),
            primary=bool(o.get("primary", False)),
        )
        for o in data["offences"]
    )
    provision = data["non_punishment"]
    return Jurisdiction(
        id=data["id"],
        name=data["name"],
        country=data["country"],
        version=int(data["version"]),
        as_of=data["as_of"],
        sources=tuple(sources.values()),
        offences=offences,
        non_punishment=Provision(
            status=provision["status"],
            citation=provision["citation"],
            source=sources.get(provision.get("source", "")),
            note=provision.get("note", ""),
        ),
        caveats=tuple(data.get("caveats", ())),
    )
