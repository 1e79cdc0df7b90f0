"""The demo world on a fresh database has criminal proceedings (idempotently), and no offender's name, court
note or survivor's own offence from them is stored in clear.

Runs ``migrate`` and ``demo`` twice in a subprocess against a throw-away SQLite database, as ``make run`` does,
then reads the raw database file (with its WAL).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from threefold.prosecute.demo_data import WITNESSES, demo_witnesses, secrets, shelter_proceedings

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="runs the demo into a throw-away SQLite file",
    ),
]


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def test_the_needles_are_many() -> None:
    assert len(secrets()) >= 2 * WITNESSES  # every proceeding has at least an offender and a note


def test_demo_proceedings_load_on_a_fresh_database_and_are_sealed(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "threefold.settings.test",
        "THREEFOLD_DEMO": "1",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    _run(env, "migrate", "--noinput")
    expected = WITNESSES + len(shelter_proceedings())
    assert f"Prosecute: {expected} new demo proceedings" in _run(env, "demo")
    assert "Prosecute: 0 new demo proceedings" in _run(env, "demo")  # idempotent
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("demo.sqlite3*"))
    assert b"Safe Harbour Shelter" in blob  # the file holds the demo: the search below is meaningful
    assert b"fr:225-4-1" in blob  # codes are in the clear, for statistics
    names = [identity.family_names for identity in demo_witnesses()]
    for needle in [*secrets(), *names]:
        if len(needle.encode()) >= 5:
            lowered = needle.encode().lower()
            assert not re.search(rb"(?<![a-z])" + re.escape(lowered) + rb"(?![a-z])", blob.lower()), needle
