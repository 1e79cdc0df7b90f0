"""Where the real public data sets are, for tests marked realdata: skipped with the reason when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("THREEFOLD_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)


@pytest.fixture
def shared_file() -> object:
    def find(name: str) -> Path:
        path = SHARED_DATA / name
        if not path.is_file():
            pytest.skip(f"real data file {name} not found in {SHARED_DATA} (set THREEFOLD_SHARED_DATA)")
        return path

    return find
