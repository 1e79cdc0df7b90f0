"""The checklist of a legislation review (reference/legislation/palermo_checklist.yaml): each item a requirement
of the Trafficking in Persons Protocol (or, where the Protocol is silent, of CETS 197) with the article it
comes from.

Pure Python: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from threefold.advocate.core.reference import REFERENCE_ROOT, Problem, ReferenceError, duplicates, read

DIRECTORY = REFERENCE_ROOT / "legislation"
PATH = DIRECTORY / "palermo_checklist.yaml"
SCHEMA_PATH = DIRECTORY / "schema.json"
PROTOCOL = "palermo"


@dataclass(frozen=True)
class Instrument:
    id: str
    short: str
    title: str
    url: str


@dataclass(frozen=True)
class Citation:
    instrument: Instrument
    article: str

    @property
    def text(self) -> str:
        """'Protocol Art. 3(a)', 'CETS 197 Art. 26'"""
        return f"{self.instrument.short} Art. {self.article}"


@dataclass(frozen=True)
class Group:
    id: str
    title: str


@dataclass(frozen=True)
class Item:
    id: str
    group: Group
    label: str
    requirement: str
    citations: tuple[Citation, ...]
    protocol_silent: bool = False

    @property
    def cited(self) -> str:
        """Every article the item comes from, joined: 'Protocol Art. 3(c); Protocol Art. 3(d)'."""
        return "; ".join(citation.text for citation in self.citations)


@dataclass(frozen=True)
class Checklist:
    id: str
    version: int
    title: str
    as_of: str
    instruments: tuple[Instrument, ...]
    groups: tuple[Group, ...]
    items: tuple[Item, ...]

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def in_group(self, group: Group) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.group == group)


def parse(text: str, source: str = "palermo_checklist.yaml") -> Checklist:
    data = read(text, SCHEMA_PATH, source)
    problems = semantic_problems(data)
    if problems:
        raise ReferenceError(problems, source)
    return _build(data)


def semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    instruments = [instrument["id"] for instrument in data["instruments"]]
    groups = [group["id"] for group in data["groups"]]
    problems = duplicates(instruments, "instruments[{}].id")
    problems += duplicates(groups, "groups[{}].id")
    problems += duplicates([item["id"] for item in data["items"]], "items[{}].id")
    for i, item in enumerate(data["items"]):
        if item["group"] not in groups:
            problems.append(
                Problem(f"items[{i}].group", f"{item['group']!r} is not a group of the checklist")
            )
        for j, citation in enumerate(item["citations"]):
            if citation["instrument"] not in instruments:
                problems.append(
                    Problem(
                        f"items[{i}].citations[{j}].instrument",
                        f"{citation['instrument']!r} is not an instrument of the checklist",
                    )
                )
        if item.get("protocol_silent") and any(c["instrument"] == PROTOCOL for c in item["citations"]):
            problems.append(
                Problem(
                    f"items[{i}].citations",
                    "an item the Protocol is silent on cannot cite a Protocol article",
                )
            )
    used = {item["group"] for item in data["items"]}
    problems += [Problem(f"groups[{i}]", f"{g!r} has no item") for i, g in enumerate(groups) if g not in used]
    return problems


def _build(data: Mapping[str, Any]) -> Checklist:
    instruments = {
        i["id"]: Instrument(i["id"], i["short"], " ".join(i["title"].split()), i["url"])
        for i in data["instruments"]
    }
    groups = {g["id"]: Group(g["id"], g["title"]) for g in data["groups"]}
    items = tuple(
        Item(
            id=item["id"],
            group=groups[item["group"]],
            label=item["label"],
            requirement=" ".join(item["requirement"].split()),
            citations=tuple(Citation(instruments[c["instrument"]], c["article"]) for c in item["citations"]),
            protocol_silent=bool(item.get("protocol_silent", False)),
        )
        for item in data["items"]
    )
    return Checklist(
        id=data["id"],
        version=int(data["version"]),
        title=data["title"],
        as_of=data["as_of"],
        instruments=tuple(instruments.values()),
        groups=tuple(groups.values()),
        items=items,
    )


def load_file(path: Path) -> Checklist:
    return parse(path.read_text(encoding="utf-8"), source=path.name)


@cache
def load() -> Checklist:
    """The shipped checklist (read once per process)."""
    return load_file(PATH)
