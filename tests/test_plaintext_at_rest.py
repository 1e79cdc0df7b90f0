"""After the demo load, no demo survivor's name, alias, phone, e-mail or case note is in the database files in
plaintext.

Runs ``migrate`` and ``demo`` in a subprocess against a throw-away database, as ``make run`` does, then reads
the raw SQLite file (with its WAL) or a ``pg_dump`` of the PostgreSQL database.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from threefold.protect.demo_data import demo_case, demo_people

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _needles() -> list[str]:
    values: list[str] = []
    for index, person in enumerate(demo_people()):
        values += demo_case(index, person).notes  # case notes are sealed like identities
        identity = person.identity
        values += [
            identity.full_name,
            identity.given_names,
            identity.family_names,
            *identity.aliases,
            *identity.phones,
            *identity.emails,
        ]
    # Very short fragments (e.g. a two-letter Chinese given name) would match random bytes; 4+ characters don't.
    # A single name that is also a word of the public reference data stored in the clear ("Jordan" the country,
    # "Martin" of Saint Martin, "Andrew" of a cited author) is looked for only within the full name.
    public = _public_words()
    full_names = {person.identity.full_name for person in demo_people()}
    return sorted(
        {v for v in values if len(v.encode()) >= 4 and (v in full_names or v.lower() not in public)}
    )


def _public_words() -> set[str]:
    words: set[str] = set()
    for path in (ROOT / "reference").rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".json", ".yaml", ".md"}:
            words |= set(re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8").lower()))
    return words


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _leaks(blob: bytes) -> list[str]:
    """Needles found as whole words: the public instrument texts stored in the clear contain words such as
    "specialised" and "normal", which hold the demo given names "Alis" and "Norma" without naming anyone."""
    lowered = blob.lower()
    return [
        v
        for v in _needles()
        if re.search(rb"(?<![a-z])" + re.escape(v.encode().lower()) + rb"(?![a-z])", lowered)
        or v.encode("utf-16-le") in blob
    ]


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "threefold.settings.test",
        "THREEFOLD_DEMO": "1",
        "DATABASE_URL": database_url,
    }


def test_demo_names_are_findable_in_the_needles_list() -> None:
    # Guards the test itself: if demo_people() changed shape, the search below would look for nothing.
    assert len(_needles()) >= 40


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite variant; the PostgreSQL variant runs when DATABASE_URL points to PostgreSQL",
)
def test_sqlite_file_holds_no_plaintext_identity(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    env = _env(f"sqlite:///{db}")
    _run(env, "migrate", "--noinput")
    _run(env, "demo")
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("demo.sqlite3*"))
    assert (
        b"Safe Harbour Shelter" in blob
    )  # the file is readable and holds the demo: the search is meaningful
    assert _leaks(blob) == []


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL variant; runs when DATABASE_URL points to PostgreSQL",
)
def test_pg_dump_holds_no_plaintext_identity() -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    conf = settings.DATABASES["default"]
    name = f"threefold_plaintext_{uuid.uuid4().hex[:8]}"
    base = f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT'] or 5432}"
    subprocess.run(["createdb", "-h", conf["HOST"], "-U", conf["USER"], name], check=True)
    try:
        env = _env(f"{base}/{name}")
        _run(env, "migrate", "--noinput")
        _run(env, "demo")
        dump = subprocess.run(
            ["pg_dump", "-h", conf["HOST"], "-U", conf["USER"], name], check=True, capture_output=True
        ).stdout
        assert b"Safe Harbour Shelter" in dump
        assert _leaks(dump) == []
    finally:
        subprocess.run(["dropdb", "-h", conf["HOST"], "-U", conf["USER"], "--if-exists", name], check=True)
