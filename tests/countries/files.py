"""Small synthetic country reference files written into a test's tmp_path (never copies of the real ones)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from threefold.countries.loaders import glotip, tiers, treaties


def shared_file(name: str) -> Path:
    """A real public data file from settings.SHARED_DATA_DIR, or a visible skip when it is absent."""
    path = Path(settings.SHARED_DATA_DIR) / name
    if not path.is_file():
        pytest.skip(
            f"real data file {name} not found in {settings.SHARED_DATA_DIR} (set THREEFOLD_SHARED_DATA)"
        )
    return path


def _csv_line(cells: Sequence[str]) -> str:
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)


def write_treaty_csv(
    path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = treaties.HEADER
) -> Path:
    path.write_text("\n".join(_csv_line(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    return path


def write_tiers_csv(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = tiers.HEADER) -> Path:
    path.write_text("\n".join(_csv_line(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    return path


def glotip_row(
    country: str = "Thailand",
    code: str | None = "THA",
    *,
    year: int = 2020,
    value: str = "12",
    indicator: str = "Detected trafficking victims",
    dimension: str = "Total",
    category: str | None = "Total",
    sex: str = "Total",
    age: str = "Total",
) -> list[object]:
    return [
        code,
        country,
        "Asia",
        "South-eastern Asia",
        indicator,
        dimension,
        category,
        sex,
        age,
        year,
        "Counts",
        value,
        "GLOTIP",
    ]


def write_glotip_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    banner: Sequence[Sequence[object]] = (("UNODC", None), ("14/04/2025",)),
    header: Sequence[str] = glotip.HEADER,
) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "data_glotip_1"
    for row in [*banner, header, *rows]:
        sheet.append(list(row))
    workbook.save(path)
    return path
