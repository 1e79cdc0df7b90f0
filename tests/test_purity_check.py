"""The purity check used by the pure cores' tests can fail: it finds a Django import wherever it hides."""

from __future__ import annotations

from pathlib import Path

from tests.purity import modules_importing_django


def test_the_check_names_a_module_that_imports_django(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("import json\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "sneaky.py").write_text(
        "def f():\n    from django.db import models\n    return models\n"
    )
    assert modules_importing_django(tmp_path) == ["sneaky.py"]
