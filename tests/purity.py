"""Checks that a package stays pure Python (no Django import), shared by the pure cores' tests."""

from __future__ import annotations

import ast
from pathlib import Path


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules_importing_django(package: Path) -> list[str]:
    """Files of ``package`` that import Django; the package must have files, or the check proves nothing."""
    files = sorted(package.rglob("*.py"))
    assert files, f"no Python files under {package}"
    return [
        path.name for path in files if any(name.split(".")[0] == "django" for name in imported_modules(path))
    ]
