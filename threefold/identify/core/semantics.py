"""Checks that JSON Schema cannot express: references between parts of an instrument, and their consistency.

Runs on the raw data after the schema has passed, so every path here is the path in the file
(``items[3].evidences[0].indicator``), which is what a person fixing the file needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from threefold.identify.core.problems import Problem, field_path
from threefold.identify.core.rules import Tally

Data = Mapping[str, Any]
Path = tuple[str | int, ...]

# Answer states (answers.py) share the answer namespace, so a choice may not be called like one of them.
RESERVED_ANSWER_WORDS = frozenset({"refused", "dont_know", "unanswered", "not_applicable"})
YES_NO_VALUES = ("yes", "no")
CHOICE_TYPES = frozenset({"single_choice", "multi_choice"})
# Keys whose value is a text per language (the schema's localText). "guidance" is one on a band; the top-level
# guidance is an object of lists, told apart by its values (see _is_local_text).
LOCALISED_KEYS = frozenset({"title", "description", "label", "prompt", "help", "guidance", "text"})
# Keys whose value is a list of texts per language (the top-level guidance's do / never).
LOCALISED_LIST_KEYS = frozenset({"do", "never"})


def semantic_problems(data: Data) -> list[Problem]:
    checks: tuple[Callable[[Data], Iterable[Problem]], ...] = (
        _duplicate_ids,
        _languages,
        _dimensions,
        _indicators,
        _items,
        _coverage,
        _count_rules,
        _outcome,
        _bands,
        _coding,
    )
    return [problem for check in checks for problem in check(data)]


def _list(data: Data, *keys: str) -> Sequence[Any]:
    node: Any = data
    for key in keys:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, list) else []


def _ids(entries: Sequence[Any]) -> dict[str, int]:
    """id -> index of its first occurrence."""
    found: dict[str, int] = {}
    for index, entry in enumerate(entries):
        found.setdefault(entry["id"], index)
    return found


def _match_values(condition: Mapping[str, Any]) -> list[str]:
    return [condition["equals"]] if "equals" in condition else list(condition["in"])


def _match_key(condition: Mapping[str, Any]) -> str:
    return "equals" if "equals" in condition else "in"


def _duplicate_ids(data: Data) -> Iterator[Problem]:
    lists: list[tuple[Path, Sequence[Any]]] = [
        (("dimensions",), _list(data, "dimensions")),
        (("indicators",), _list(data, "indicators")),
        (("items",), _list(data, "items")),
        (("scoring", "dimension_rules"), _list(data, "scoring", "dimension_rules")),
        (("scoring", "count_rules"), _list(data, "scoring", "count_rules")),
        (("scoring", "bands"), _list(data, "scoring", "bands")),
    ]
    lists += [
        (("items", index, "choices"), item.get("choices", [])) for index, item in enumerate(lists[2][1])
    ]
    for path, entries in lists:
        first: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if entry["id"] in first:
                where = field_path((*path, first[entry["id"]]))
                yield Problem(
                    field_path((*path, index, "id")), f"duplicate id {entry['id']!r} (first used at {where})"
                )
            else:
                first[entry["id"]] = index


def _languages(data: Data) -> Iterator[Problem]:
    """Every text must exist in every declared language: a French screening must never fall back mid-way."""
    declared = set(data["languages"])

    def check(text: Mapping[str, Any], path: Path) -> Iterator[Problem]:
        missing = sorted(declared - set(text))
        extra = sorted(set(text) - declared)
        if missing:
            yield Problem(
                field_path(path),
                f"missing {', '.join(missing)} (the instrument declares languages {', '.join(data['languages'])})",
            )
        if extra:
            yield Problem(
                field_path(path),
                f"has {', '.join(extra)}, which is not in the declared languages {', '.join(data['languages'])}",
            )

    def walk(node: Any, path: Path) -> Iterator[Problem]:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in LOCALISED_KEYS and _is_local_text(value):
                    yield from check(value, (*path, key))
                elif key in LOCALISED_LIST_KEYS and isinstance(value, list):
                    for index, text in enumerate(value):
                        if _is_local_text(text):
                            yield from check(text, (*path, key, index))
                else:
                    yield from walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, (*path, index))

    yield from walk(data, ())


def _is_local_text(node: Any) -> bool:
    """A text per language maps language codes to strings; other objects (the top-level guidance) hold lists."""
    return isinstance(node, Mapping) and all(isinstance(value, str) for value in node.values())


def _dimensions(data: Data) -> Iterator[Problem]:
    rules = _ids(_list(data, "scoring", "dimension_rules"))
    for index, dimension in enumerate(_list(data, "dimensions")):
        if dimension["rule"] not in rules:
            yield Problem(
                field_path(("dimensions", index, "rule")), f"unknown dimension rule {dimension['rule']!r}"
            )


def _indicators(data: Data) -> Iterator[Problem]:
    dimensions = _ids(_list(data, "dimensions"))
    rules = {rule["id"]: rule for rule in _list(data, "scoring", "dimension_rules")}
    counts_strengths = {
        rule_id: any(Tally(key).needs_strength for combo in rule["alternatives"] for key in combo)
        for rule_id, rule in rules.items()
    }
    rule_of = {dimension["id"]: dimension["rule"] for dimension in _list(data, "dimensions")}
    for index, indicator in enumerate(_list(data, "indicators")):
        dimension = indicator["dimension"]
        if dimension not in dimensions:
            yield Problem(field_path(("indicators", index, "dimension")), f"unknown dimension {dimension!r}")
            continue
        rule = rule_of[dimension]
        if "strength" not in indicator and counts_strengths.get(rule, False):
            yield Problem(
                field_path(("indicators", index, "strength")),
                f"missing: dimension {dimension!r} uses rule {rule!r}, which counts strong/medium/weak indicators",
            )


def _items(data: Data) -> Iterator[Problem]:
    items = _list(data, "items")
    position = _ids(items)
    indicators = _ids(_list(data, "indicators"))
    for index, item in enumerate(items):
        yield from _item_choices(item, ("items", index))
        if "show_if" in item:
            yield from _item_show_if(item, index, items, position)
        for number, evidence in enumerate(item.get("evidences", [])):
            path = ("items", index, "evidences", number)
            if evidence["indicator"] not in indicators:
                yield Problem(
                    field_path((*path, "indicator")), f"unknown indicator {evidence['indicator']!r}"
                )
            yield from _evidence_answer(item, evidence, path)


def _answer_values(item: Mapping[str, Any]) -> list[str]:
    if item["answer_type"] == "yes_no":
        return list(YES_NO_VALUES)
    return [choice["id"] for choice in item.get("choices", [])]


def _item_choices(item: Mapping[str, Any], path: Path) -> Iterator[Problem]:
    kind = item["answer_type"]
    choices = item.get("choices", [])
    if kind in CHOICE_TYPES and len(choices) < 2:
        yield Problem(field_path((*path, "choices")), f"a {kind} item needs at least 2 choices")
    if kind not in CHOICE_TYPES and "choices" in item:
        yield Problem(field_path((*path, "choices")), f"a {kind} item has no choices; remove them")
    for number, choice in enumerate(choices):
        if choice["id"] in RESERVED_ANSWER_WORDS:
            yield Problem(
                field_path((*path, "choices", number, "id")),
                f"{choice['id']!r} is reserved for an answer state (refused, dont_know, unanswered)",
            )


def _item_show_if(
    item: Mapping[str, Any], index: int, items: Sequence[Any], position: Mapping[str, int]
) -> Iterator[Problem]:
    path = ("items", index, "show_if")
    show_if = item["show_if"]
    target = show_if["item"]
    if target not in position:
        yield Problem(field_path((*path, "item")), f"unknown item {target!r}")
        return
    where = position[target]
    if where >= index:
        relation = "is this item itself" if where == index else f"comes later (items[{where}])"
        yield Problem(
            field_path((*path, "item")),
            f"{target!r} {relation}; skip logic may only depend on an earlier item",
        )
        return
    gate = items[where]
    if gate["answer_type"] not in CHOICE_TYPES | {"yes_no"}:
        yield Problem(
            field_path((*path, "item")),
            f"{target!r} is a {gate['answer_type']} item; skip logic needs a yes_no or choice item",
        )
        return
    allowed = _answer_values(gate)
    for value in _match_values(show_if):
        if value not in allowed:
            yield Problem(
                field_path((*path, _match_key(show_if))),
                f"{value!r} is not an answer of item {target!r} (expected one of {', '.join(allowed)})",
            )


def _evidence_answer(item: Mapping[str, Any], evidence: Mapping[str, Any], path: Path) -> Iterator[Problem]:
    kind = item["answer_type"]
    if kind not in CHOICE_TYPES | {"yes_no"}:
        yield Problem(field_path(path), f"a {kind} item cannot evidence an indicator; use yes_no or a choice")
        return
    if "when" not in evidence:
        if kind != "yes_no":
            yield Problem(
                field_path((*path, "when")), f"missing: a {kind} item must say which answer evidences it"
            )
        return
    allowed = _answer_values(item)
    for value in _match_values(evidence["when"]):
        if value not in allowed:
            yield Problem(
                field_path((*path, "when", _match_key(evidence["when"]))),
                f"{value!r} is not an answer of this item (expected one of {', '.join(allowed)})",
            )


def _coverage(data: Data) -> Iterator[Problem]:
    """An indicator no item evidences can never be present, and an empty dimension can never be positive."""
    evidenced = {
        evidence["indicator"] for item in _list(data, "items") for evidence in item.get("evidences", [])
    }
    indicators = _list(data, "indicators")
    for index, indicator in enumerate(indicators):
        if indicator["id"] not in evidenced:
            yield Problem(
                field_path(("indicators", index)),
                f"no item evidences indicator {indicator['id']!r}, so it could never be present",
            )
    used = {indicator["dimension"] for indicator in indicators}
    for index, dimension in enumerate(_list(data, "dimensions")):
        if dimension["id"] not in used:
            yield Problem(
                field_path(("dimensions", index)), f"dimension {dimension['id']!r} has no indicators"
            )


def _count_rules(data: Data) -> Iterator[Problem]:
    items = {item["id"]: item for item in _list(data, "items")}
    for index, rule in enumerate(_list(data, "scoring", "count_rules")):
        path = ("scoring", "count_rules", index)
        for number, item_id in enumerate(rule["items"]):
            if item_id not in items:
                yield Problem(field_path((*path, "items", number)), f"unknown item {item_id!r}")
            elif items[item_id]["answer_type"] != "yes_no":
                yield Problem(
                    field_path((*path, "items", number)),
                    f"item {item_id!r} is {items[item_id]['answer_type']}; a count rule counts yes_no items",
                )
        if rule["min_yes"] > len(rule["items"]):
            yield Problem(
                field_path((*path, "min_yes")),
                f"{rule['min_yes']} yes answers needed but only {len(rule['items'])} items listed: never met",
            )


def _outcome(data: Data) -> Iterator[Problem]:
    dimensions = _ids(_list(data, "dimensions"))
    count_rules = _ids(_list(data, "scoring", "count_rules"))

    def walk(node: Mapping[str, Any], path: Path) -> Iterator[Problem]:
        for group in ("all", "any"):
            for index, part in enumerate(node.get(group, [])):
                yield from walk(part, (*path, group, index))
        if "dimension" in node and node["dimension"] not in dimensions:
            yield Problem(field_path((*path, "dimension")), f"unknown dimension {node['dimension']!r}")
        if "count_rule" in node and node["count_rule"] not in count_rules:
            yield Problem(field_path((*path, "count_rule")), f"unknown count rule {node['count_rule']!r}")

    yield from walk(data["scoring"]["outcome"]["expression"], ("scoring", "outcome", "expression"))


def _bands(data: Data) -> Iterator[Problem]:
    bands = _list(data, "scoring", "bands")
    first: dict[str, int] = {}
    for index, band in enumerate(bands):
        if band["when"] in first:
            yield Problem(
                field_path(("scoring", "bands", index, "when")),
                f"a band for {band['when']!r} already exists at scoring.bands[{first[band['when']]}]",
            )
        first.setdefault(band["when"], index)
    for needed in ("positive", "negative"):
        if needed not in first:
            yield Problem("scoring.bands", f"no band for a {needed} outcome")


def _coding(data: Data) -> Iterator[Problem]:
    """A code is suggested once, and only for people the instrument is for (no child code in an adult tool)."""
    population = data["population"]
    first: dict[tuple[str, str], int] = {}
    for index, suggestion in enumerate(_list(data, "coding")):
        path = ("coding", index)
        key = (suggestion["system"], suggestion["code"])
        if key in first:
            yield Problem(
                field_path((*path, "code")),
                f"duplicate code {suggestion['system']} {suggestion['code']} (first at coding[{first[key]}])",
            )
        first.setdefault(key, index)
        if population != "any" and suggestion["population"] not in (population, "any"):
            yield Problem(
                field_path((*path, "population")),
                f"a code for population {suggestion['population']!r} in an instrument for population "
                f"{population!r}",
            )
