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
        "from threefold.training.core import certificate, followup, joining, questionbank, scoring\n"
        "q = [scoring.QuestionRef(1, 'm')]\n"
        "assert scoring.summarise(q, {'a': {1: False}}, {'a': {1: True}}).mean_change == 1.0\n"
        "s = [scoring.Sitting('S1', (1,), {'a': {1: False}}, {'a': {1: True}}), scoring.Sitting('S2', (), {}, {})]\n"
        "assert scoring.pool(q, s).results.mean_change == 1.0\n"
        "assert joining.is_well_formed(joining.normalise(joining.grouped(joining.new_code()).lower()))\n"
        "assert followup.add_months(datetime.date(2025, 8, 31), 3) == datetime.date(2025, 11, 30)\n"
        "modules = {1: 'What trafficking is', 2: 'Referral'}\n"
        "bank = questionbank.parse_questions(questionbank.EXAMPLE.encode(), modules)\n"
        "assert len(bank.rows) == 3 and not bank.problems\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[2])
