"""The training cores stay pure: no Django import, and they run in a process where Django is never loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.purity import modules_importing_django

PACKAGE = Path(__file__).resolve().parents[2] / "threefold" / "training" / "core"


def test_no_module_imports_django() -> None:
    assert modules_importing_django(PACKAGE) == []


def test_the_cores_run_without_django_loaded() -> None:
    code = (
        "import sys, datetime\n"
        "from threefold.training.core import certificate, followup, scoring\n"
        "q = [scoring.QuestionRef(1, 'm')]\n"
        "assert scoring.summarise(q, {'a': {1: False}}, {'a': {1: True}}).mean_change == 1.0\n"
        "assert followup.add_months(datetime.date(2025, 8, 31), 3) == datetime.date(2025, 11, 30)\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[2])
