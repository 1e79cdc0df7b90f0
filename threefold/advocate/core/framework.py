"""The asks to governments (reference/asks/asks.yaml): what each ask asks, the articles it rests on, the
indicators computed for it and the evidence advocates look for.

Pure Python: no Django import. The file is read once per process (``load``); a problem in it stops the app with
every faulty field named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from threefold.advocate.core import checklist
from threefold.advocate.core.reference import REFERENCE_ROOT, Problem, ReferenceError, duplicates, read

DIRECTORY = REFERENCE_ROOT / "asks"
PATH = DIRECTORY / "asks.yaml"
SCHEMA_PATH = DIRECTORY / "schema.json"

# The indicators an ask can list, in the order a page shows them.
INDICATORS = (
    "palermo_party",
    "untoc_party",
    "regional_instruments",
    "criminalisation",
    "convictions_trend",
    "prosecutions_trend",
    "victims_trend",
    "tip_tier_trend",
    "prevalence",
    "legislation_review",
)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Basis:
    source: Source
    articles: str


@dataclass(frozen=True)
class Ask:
    id: str
    short: str
    title: str
    asks_governments_to: str
    basis: tuple[Basis, ...]
    indicators: tuple[str, ...]
    status_from: str  # "" when only evidence gives the ask a status
    evidence_prompts: tuple[str, ...]
    review_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    id: str
    version: int
    title: str
    as_of: str
    sources: tuple[Source, ...]
    asks: tuple[Ask, ...]

    def ask(self, ask_id: str) -> Ask | None:
        return next((ask for ask in self.asks if ask.id == ask_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(ask.id for ask in self.asks)


def parse(
    text: str, source: str = "asks.yaml", *, checklist_items: frozenset[str] | None = None
) -> Framework:
    """The framework in ``text``; ``checklist_items``: the ids review items may name (default: the shipped
    checklist's)."""
    data = read(text, SCHEMA_PATH, source)
    items = checklist_items if checklist_items is not None else frozenset(checklist.load().item_ids)
    problems = semantic_problems(data, items)
    if problems:
        raise ReferenceError(problems, source)
    return _build(data)


def semantic_problems(data: Mapping[str, Any], checklist_items: frozenset[str]) -> list[Problem]:
    source_ids = [source["id"] for source in data["sources"]]
    problems = duplicates(source_ids, "sources[{}].id")
    problems += duplicates([ask["id"] for ask in data["asks"]], "asks[{}].id")
    for i, ask in enumerate(data["asks"]):
        for j, basis in enumerate(ask["basis"]):
            if basis["source"] not in source_ids:
                problems.append(
                    Problem(
                        f"asks[{i}].basis[{j}].source",
                        f"names {basis['source']!r}, which sources do not list",
                    )
                )
        if ask["status_from"] and ask["status_from"] not in ask["indicators"]:
            problems.append(
                Problem(
                    f"asks[{i}].status_from", f"{ask['status_from']!r} is not one of the ask's indicators"
                )
            )
        for j, item in enumerate(ask.get("review_items", ())):
            if item not in checklist_items:
                problems.append(
                    Problem(
                        f"asks[{i}].review_items[{j}]",
                        f"{item!r} is not an item of the legislation checklist",
                    )
                )
    return problems


def _build(data: Mapping[str, Any]) -> Framework:
    sources = {s["id"]: Source(s["id"], s["title"].strip(), s["url"]) for s in data["sources"]}
    asks = tuple(
        Ask(
            id=a["id"],
            short=a["short"],
            title=a["title"],
            asks_governments_to=a["asks_governments_to"].strip(),
            basis=tuple(Basis(sources[b["source"]], b["articles"]) for b in a["basis"]),
            indicators=tuple(sorted(a["indicators"], key=INDICATORS.index)),
            status_from=a["status_from"],
            evidence_prompts=tuple(a["evidence_prompts"]),
            review_items=tuple(a.get("review_items", ())),
        )
        for a in data["asks"]
    )
    return Framework(
        id=data["id"],
        version=int(data["version"]),
        title=data["title"],
        as_of=data["as_of"],
        sources=tuple(sources.values()),
        asks=asks,
    )


def load_file(path: Path) -> Framework:
    return parse(path.read_text(encoding="utf-8"), source=path.name)


@cache
def load() -> Framework:
    """The shipped framework (read once per process: it changes only with a release)."""
    return load_file(PATH)
