"""The demo world on a fresh database has people both demo NGOs know, so that a linkage run between Safe Harbour
and Casa Esperanza finds them (each NGO spelt them its own way), and none of their names is stored in clear.

Runs ``migrate``, ``demo`` and a linkage between the two (as the demo analyst, a member of both) in a subprocess
against a throw-away SQLite database, as ``make run`` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from threefold.protect.demo_data import demo_shared_people

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="runs the demo into a throw-away SQLite file",
    ),
]

LINK = """
import json
import django
django.setup()
from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, User
from threefold.insight import linkage_access, linkage_services

user = User.objects.get(email="analyst@demo.threefold.invalid")
shelter, casa = (
    Actor(user, Membership.objects.get(user=user, organisation__name__startswith=name)) for name in ("Safe", "Casa")
)
secret = linkage_services.parse_secret(linkage_services.new_secret())
mine = linkage_services.make_encodings(shelter, label="Safe Harbour for Casa", secret=secret)
theirs = linkage_services.make_encodings(casa, label="Casa", secret=secret)
mine.refresh_from_db()
theirs.refresh_from_db()
data = linkage_access.export_file(shelter, mine)
imported = linkage_services.import_encodings(casa, label="Safe Harbour", data=data, secret=secret)
run = linkage_services.start_run(casa, name="Demo", sets=[theirs, imported])
run.refresh_from_db()
print(json.dumps({"status": run.status, "histories": run.result["histories"] if run.result else run.error}))
"""


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def test_the_demo_ngos_share_people_that_a_linkage_run_finds(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "threefold.settings.test",
        "THREEFOLD_DEMO": "1",
        "DATABASE_URL": f"sqlite:///{db}",
        "PYTHONPATH": str(ROOT),
    }
    _run(env, "manage.py", "migrate", "--noinput")
    assert "Record linkage: 14 new people" in _run(env, "manage.py", "demo")
    assert "Record linkage: 0 new people" in _run(env, "manage.py", "demo")  # idempotent
    found = json.loads(_run(env, "-c", LINK).strip().splitlines()[-1])
    assert found["status"] == "done"
    both = {tuple(row[:-1]): row[-1] for row in found["histories"]}[(1, 1)]
    assert both >= len(demo_shared_people()) // 2  # every shared person is found, spelt either way
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("demo.sqlite3*"))
    assert b"Safe Harbour Shelter" in blob  # the file holds the demo: the search below is meaningful
    for person in demo_shared_people():
        for name in (person.identity.given_names, person.identity.family_names):
            if len(name.encode()) >= 4:
                assert name.encode() not in blob, name
