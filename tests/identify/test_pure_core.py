"""The identify core stays pure (no Django) and its results serialise to plain JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.identify.conftest import DelphiAnswers
from tests.purity import modules_importing_django
from threefold.identify.core.definition import Instrument
from threefold.identify.core.scoring import score

PACKAGE = Path(__file__).resolve().parents[2] / "threefold" / "identify" / "core"


def test_no_module_imports_django() -> None:
    assert modules_importing_django(PACKAGE) == []


def test_scoring_runs_without_django_loaded() -> None:
    code = (
        "import sys\n"
        "from threefold.identify.core import library, scoring\n"
        "result = scoring.score(library.load('quick_youth_indicators'), {'q_unsafe_work': 'yes'})\n"
        "assert result.positive\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parents[2])


def test_result_to_json_is_plain_and_complete(delphi: Instrument, delphi_answers: DelphiAnswers) -> None:
    answers = delphi_answers("cd_violence", "cd_documents")
    answers["q_dr_wages"] = "refused"
    result = score(delphi, answers)
    data = json.loads(result.to_json())

    assert data == result.to_dict()
    assert data["instrument"] == "ilo_ec_delphi_adult_labour"
    assert data["instrument_version"] == "1.0.0"
    assert data["status"] == "negative"
    assert data["positive"] is False
    assert data["answers"]["refused"] == 1
    assert data["answers"]["unknown"] == 1
    cd = next(d for d in data["dimensions"] if d["id"] == "coercion_at_destination")
    assert cd["counts"] == {"strong": 2, "medium": 0, "weak": 0, "unrated": 0}
    assert cd["met_by"] == "2 strong"
    assert data["evidence"][0] == {
        "item": "q_cd_documents",
        "answer": "yes",
        "indicator": "cd_documents",
        "dimension": "coercion_at_destination",
        "strength": "strong",
        "draft": False,
    }
    assert data["band"]["label"]["fr"] == "Combinaison de traite probable non remplie"
    assert "not a legal determination" in data["disclaimer"]
    assert isinstance(data["explanation"], list)


def test_results_are_frozen(delphi: Instrument, delphi_answers: DelphiAnswers) -> None:
    import dataclasses

    import pytest

    result = score(delphi, delphi_answers())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = result.status  # type: ignore[misc]
