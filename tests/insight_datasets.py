"""A dataset made straight from a frame, for tests that need counts to look at rather than an import to check
(the import itself is tested through services.import_ctdc in tests/test_insight.py)."""

from __future__ import annotations

import hashlib

from threefold.accounts.models import Organisation
from threefold.insight.core.frame import Frame
from threefold.insight.models import Dataset


def dataset_of(organisation: Organisation, name: str, frame: Frame, *, source: str = "test") -> Dataset:
    return Dataset.objects.create(
        organisation=organisation,
        name=name,
        kind="ctdc",
        layout="2018",
        source=source,
        terms="test terms",
        file_name="test.csv",
        # One file per name: two datasets of a test never share a privacy ledger by accident.
        file_sha256=hashlib.sha256(name.encode()).hexdigest(),
        row_count=frame.size,
        data_lines=frame.size,
        frame=frame.to_bytes(),
    )
