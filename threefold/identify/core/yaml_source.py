"""Reading instrument YAML safely and without YAML 1.1 surprises.

Two traps are closed here because they would silently change an instrument:

* YAML 1.1 reads bare ``yes``/``no``/``on``/``off`` as booleans, so ``equals: yes`` would become ``True`` and
  no answer would ever match. Only ``true``/``false`` are booleans here.
* A repeated key (two ``prompt:`` lines in one item) normally keeps the last one without a word; here it is an
  error with its line number.

And two that matter because organisations upload instruments: anchors and aliases are refused (nested aliases
make a few hundred bytes expand into gigabytes, the "billion laughs"), and so is nesting deeper than
``MAX_DEPTH`` (which would otherwise end in a RecursionError). No instrument needs either.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_BOOL_TAG = "tag:yaml.org,2002:bool"


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


MAX_DEPTH = 40


class UnsafeYAMLError(yaml.MarkedYAMLError):
    pass


class InstrumentLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) with YAML 1.2 booleans; duplicate keys, aliases and deep nesting refused."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise UnsafeYAMLError(
                None, None, "anchors and aliases (& and *) are not allowed", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise UnsafeYAMLError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue  # SafeLoader itself reports unhashable keys
            if key in seen:
                raise DuplicateKeyError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Rebuild the implicit resolvers without the YAML 1.1 boolean words, keeping every other resolver as is.
InstrumentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
InstrumentLoader.add_implicit_resolver(_BOOL_TAG, _BOOL, list("tTfF"))


def load_yaml(text: str) -> Any:
    """Parse one YAML document; raises ``yaml.YAMLError`` (with a line and column) on bad input."""
    return yaml.load(text, Loader=InstrumentLoader)  # noqa: S506 - InstrumentLoader is a SafeLoader


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class ReferenceLoader(InstrumentLoader):
    """The instruments' safe loader, but dates stay text: reference files (NRM rules, offences, asks) are checked
    by JSON schemas that want "as_of: 2014-10-17" as a string, not a ``date`` the schema would then reject."""


ReferenceLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in InstrumentLoader.yaml_implicit_resolvers.items()
}


def load_reference_yaml(text: str) -> Any:
    """Parse one reference YAML document with dates kept as text; ``yaml.YAMLError`` on bad input."""
    return yaml.load(text, Loader=ReferenceLoader)  # noqa: S506 - ReferenceLoader is a SafeLoader
