"""A problem found in an instrument or in a set of answers, located by the path of the field at fault.

Paths are written the way people read data, ``items[3].evidences[0].indicator``, so an organisation uploading
its own instrument can find the line to fix without knowing anything about JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROOT = "(instrument)"


def field_path(parts: Iterable[str | int]) -> str:
    """``["items", 3, "evidences", 0]`` -> ``items[3].evidences[0]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or ROOT


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def render_problems(problems: Iterable[Problem], heading: str | None = None) -> str:
    lines = [str(problem) for problem in problems]
    return "\n".join([heading, *lines] if heading else lines)
