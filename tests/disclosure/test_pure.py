"""The disclosure package stays pure Python: no Django, so the statistics code can use it anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.purity import modules_importing_django

PACKAGE = Path(__file__).resolve().parents[2] / "threefold" / "disclosure"


def test_no_module_imports_django() -> None:
    assert modules_importing_django(PACKAGE) == []


def test_every_module_imports_and_runs_without_django_loaded() -> None:
    modules = sorted(
        "threefold.disclosure" + ("" if path.stem == "__init__" else f".{path.stem}")
        for path in PACKAGE.rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from threefold.disclosure import CountTable, suppress\n"
        "protected = suppress(CountTable(('a', 'b'), ('x', 'y'), ((3, 20), (25, 40))))\n"
        "assert protected.cell('a', 'x').value is None\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[1])
