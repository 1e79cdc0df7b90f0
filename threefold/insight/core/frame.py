"""A dataset held as columns of category codes: small to store, fast to count. Pure Python and numpy.

Why not rows: statistics here only ever count records by a few categorical fields (year, sex, age band,
country, form of exploitation...). Each column is kept as its sorted distinct values ("levels") and one small
integer per record pointing into them, code 0 meaning missing. Counting by five fields is then one
``numpy.bincount`` over combined codes, and a 47,000-record, 58-column dataset packs into a few hundred
kilobytes, stored in one database row (see threefold.insight.models.Dataset) instead of 2.7 million cells.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MISSING = ""  # the level key of a missing value (suppressed, unknown, not recorded): never a real level
_FORMAT = "threefold-frame/1"


class FrameError(ValueError):
    """A frame cannot be built or read as asked: the message names the column or the problem."""


@dataclass(frozen=True, eq=False)
class Column:
    name: str
    levels: tuple[str, ...]  # sorted distinct values; code i + 1 stands for levels[i]
    codes: np.ndarray  # one unsigned code per record, 0 = missing

    def values(self) -> list[str]:
        """Each record's value, MISSING where missing (for exports; counting uses the codes)."""
        lookup = np.array((MISSING, *self.levels), dtype=object)
        return list(lookup[self.codes])

    def every_key(self) -> tuple[str, ...]:
        """Every key a count by this column can have: MISSING first, then the levels."""
        return (MISSING, *self.levels)


def _code_dtype(levels: int) -> type[np.unsignedinteger]:
    return np.uint8 if levels < 2**8 else np.uint16 if levels < 2**16 else np.uint32


def _encode(name: str, values: Iterable[str | None]) -> Column:
    index: dict[str | None, int] = {None: 0, MISSING: 0}
    raw = np.fromiter((index.setdefault(value, len(index) - 1) for value in values), dtype=np.uint32)
    seen = [value for value in index if value is not None and value != MISSING]
    levels = tuple(sorted(seen))
    # First-seen codes are renumbered so that code order is level order: counts then come out sorted.
    order = np.zeros(len(index) - 1, dtype=np.uint32)
    position = {level: i + 1 for i, level in enumerate(levels)}
    for value in seen:
        order[index[value]] = position[value]
    return Column(name, levels, order[raw].astype(_code_dtype(len(levels) + 1)))


@dataclass(frozen=True, eq=False)
class Frame:
    columns: Mapping[str, Column]
    size: int

    @classmethod
    def from_records(cls, names: Sequence[str], records: Sequence[Sequence[str | None]]) -> Frame:
        """Build a frame from rows of values (None or "" = missing), one value per name in order."""
        if len(set(names)) != len(names):
            raise FrameError(f"column names must be unique: {list(names)!r}")
        for number, record in enumerate(records, start=1):
            if len(record) != len(names):
                raise FrameError(f"record {number} has {len(record)} values, expected {len(names)}")
        columns = {
            name: _encode(name, (record[position] for record in records))
            for position, name in enumerate(names)
        }
        return cls(columns, len(records))

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[str | None]]) -> Frame:
        """Build a frame from whole columns of equal length."""
        sizes = {len(values) for values in columns.values()}
        if len(sizes) > 1:
            raise FrameError(f"columns have different lengths: {sorted(sizes)}")
        return cls(
            {name: _encode(name, values) for name, values in columns.items()}, sizes.pop() if sizes else 0
        )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.columns)

    def column(self, name: str) -> Column:
        try:
            return self.columns[name]
        except KeyError:
            raise FrameError(f"no column {name!r} in this dataset") from None

    def mask(self, where: Mapping[str, Iterable[str]]) -> np.ndarray:
        """Records whose value is one of the given keys in every named column (MISSING selects missing)."""
        selected = np.ones(self.size, dtype=bool)
        for name, keys in where.items():
            column = self.column(name)
            code_of = {key: code for code, key in enumerate(column.every_key())}
            wanted = [code_of[key] for key in set(keys) if key in code_of]
            selected &= np.isin(column.codes, np.array(wanted, dtype=column.codes.dtype))
        return selected

    def to_bytes(self) -> bytes:
        """A compressed, self-describing file (numpy .npz): levels as JSON, codes as arrays. No pickle."""
        header = {
            "format": _FORMAT,
            "size": self.size,
            "columns": [{"name": c.name, "levels": list(c.levels)} for c in self.columns.values()],
        }
        arrays: dict[str, Any] = {f"c{i}": column.codes for i, column in enumerate(self.columns.values())}
        arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Frame:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                header = json.loads(archive["header"].tobytes().decode())
                if header.get("format") != _FORMAT:
                    raise FrameError(f"not a {_FORMAT} file: {header.get('format')!r}")
                columns = {}
                for i, spec in enumerate(header["columns"]):
                    codes = archive[f"c{i}"]
                    if codes.shape != (header["size"],) or (
                        codes.size and int(codes.max()) > len(spec["levels"])
                    ):
                        raise FrameError(f"column {spec['name']!r} is damaged")
                    columns[spec["name"]] = Column(spec["name"], tuple(spec["levels"]), codes)
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as error:
            if isinstance(error, FrameError):
                raise
            raise FrameError(f"cannot read the stored dataset: {error}") from error
        return cls(columns, int(header["size"]))


_TABLES_FORMAT = "threefold-tables/1"


def tables_to_bytes(tables: Mapping[str, Frame]) -> bytes:
    """Several named frames of one dataset in one compressed file (numpy .npz, no pickle): a dataset whose
    records come as linked tables (cases, their defendants, their judges) is still stored in one row."""
    if not tables:
        raise FrameError("a dataset needs at least one table")
    header = {
        "format": _TABLES_FORMAT,
        "tables": [
            {
                "name": name,
                "size": frame.size,
                "columns": [{"name": c.name, "levels": list(c.levels)} for c in frame.columns.values()],
            }
            for name, frame in tables.items()
        ],
    }
    arrays: dict[str, Any] = {
        f"t{t}c{i}": column.codes
        for t, frame in enumerate(tables.values())
        for i, column in enumerate(frame.columns.values())
    }
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def tables_from_bytes(data: bytes) -> dict[str, Frame]:
    """The named frames of a stored dataset: those of ``tables_to_bytes``, or a single frame (``Frame.to_bytes``)
    as the one table ``SINGLE_TABLE``."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            header = json.loads(archive["header"].tobytes().decode())
            if header.get("format") == _FORMAT:
                return {SINGLE_TABLE: Frame.from_bytes(data)}
            if header.get("format") != _TABLES_FORMAT:
                raise FrameError(f"not a {_TABLES_FORMAT} file: {header.get('format')!r}")
            tables: dict[str, Frame] = {}
            for t, table in enumerate(header["tables"]):
                columns = {}
                for i, spec in enumerate(table["columns"]):
                    codes = archive[f"t{t}c{i}"]
                    if codes.shape != (table["size"],) or (
                        codes.size and int(codes.max()) > len(spec["levels"])
                    ):
                        raise FrameError(f"column {spec['name']!r} of table {table['name']!r} is damaged")
                    columns[spec["name"]] = Column(spec["name"], tuple(spec["levels"]), codes)
                tables[table["name"]] = Frame(columns, int(table["size"]))
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        if isinstance(error, FrameError):
            raise
        raise FrameError(f"cannot read the stored dataset: {error}") from error
    return tables


SINGLE_TABLE = "records"  # the name of the only table of a dataset stored as one frame (CTDC)
