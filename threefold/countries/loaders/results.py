"""What every reader returns: the rows it could read, and what it could not, each with its line number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

RowT = TypeVar("RowT")


class BadFileError(ValueError):
    """The file is not of the expected kind at all (wrong header, banner missing, not a workbook).

    Raised before any data row is read; the message names what was expected and what was found.
    """


@dataclass(frozen=True)
class Problem:
    """A data row that cannot be stored as it is. ``line`` is the 1-based line (CSV) or row (xlsx) number."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Parsed(Generic[RowT]):
    """The outcome of reading one file.

    ``rows`` holds only the rows without problems; ``rows_read`` counts every data row (blank rows excepted),
    so ``rows_read - len(rows)`` rows were refused and each refusal is in ``problems``. ``notes`` are
    deliberate, non-blocking choices the reader made (rows it skipped on purpose and why).
    """

    rows: tuple[RowT, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    rows_read: int
