"""The insight core stays pure Python: no Django, so statistics run in a script, a notebook or a worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.purity import modules_importing_django

PACKAGE = Path(__file__).resolve().parents[2] / "threefold" / "insight" / "core"


def test_no_module_imports_django() -> None:
    assert modules_importing_django(PACKAGE) == []


def test_the_core_runs_without_django_loaded() -> None:
    code = (
        "import sys\n"
        "from threefold.insight.core import anonymise, crosstab, ctdc, frame, htcds_records, output, privacy\n"
        "f = frame.Frame.from_records(('gender', 'year'), [('Female', '2020')] * 20 + [('Male', '2020')] * 3)\n"
        "published = crosstab.protect(crosstab.tally(f, ['year', 'gender']))\n"
        "assert published.table.cell('2020', 'Male').value is None\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[2])
