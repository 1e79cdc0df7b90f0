"""The participate cores stay pure: no Django import, and they run in a process where Django is never loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.purity import modules_importing_django

PACKAGE = Path(__file__).resolve().parents[2] / "threefold" / "participate" / "core"


def test_no_module_imports_django() -> None:
    assert modules_importing_django(PACKAGE) == []


def test_the_cores_run_without_django_loaded() -> None:
    code = (
        "import sys\n"
        "from threefold.participate.core import questions, results, retention, tokens, totals\n"
        "assert results.protect_counts(['a', 'b'], [9, 1], 5).bars[1].cell.value is None\n"
        "assert tokens.is_well_formed(tokens.new_code())\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[2])
