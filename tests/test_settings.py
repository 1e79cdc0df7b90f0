"""Settings fail loudly on bad values, and production refuses to start without its secrets."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from threefold.env import ConfigError, env_bool, env_int, env_key, env_list

ROOT = Path(__file__).resolve().parent.parent
KEY = base64.b64encode(b"k" * 32).decode()


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool_accepts_usual_spellings(raw: str, expected: bool) -> None:
    assert env_bool("X", not expected, environ={"X": raw}) is expected


@pytest.mark.parametrize("raw", ["ture", "2", "enabled"])
def test_env_bool_rejects_typos(raw: str) -> None:
    with pytest.raises(ConfigError, match="X must be one of"):
        env_bool("X", False, environ={"X": raw})


def test_env_int_names_the_variable_and_bounds() -> None:
    assert env_int("N", 5, environ={}) == 5
    with pytest.raises(ConfigError, match="N must be a whole number"):
        env_int("N", 5, environ={"N": "15m"})
    with pytest.raises(ConfigError, match="at most 240"):
        env_int("N", 5, maximum=240, environ={"N": "999"})


def test_env_list_splits_and_trims() -> None:
    assert env_list("H", [], environ={"H": " a.org, b.org ,"}) == ["a.org", "b.org"]


def test_env_key_reads_value_or_file_and_checks_length(tmp_path: Path) -> None:
    assert env_key("K", required=True, environ={"K": KEY}) == b"k" * 32
    path = tmp_path / "k"
    path.write_text(KEY + "\n")
    assert env_key("K", required=True, environ={"K_FILE": str(path)}) == b"k" * 32
    with pytest.raises(ConfigError, match="not both"):
        env_key("K", required=True, environ={"K": KEY, "K_FILE": str(path)})
    with pytest.raises(ConfigError, match="32 bytes"):
        env_key("K", required=True, environ={"K": base64.b64encode(b"short").decode()})
    with pytest.raises(ConfigError, match="must be set"):
        env_key("K", required=True, environ={})
    assert env_key("K", required=False, environ={}) is None


def _start_production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("THREEFOLD_", "DJANGO_"))}
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "threefold.settings.production",
            "THREEFOLD_VAR_DIR": "/tmp/tf-prod-test",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


GOOD = {
    "THREEFOLD_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
    "THREEFOLD_MASTER_KEY": KEY,
    "THREEFOLD_ALLOWED_HOSTS": "tf.example.org",
    "THREEFOLD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("THREEFOLD_MASTER_KEY", "THREEFOLD_MASTER_KEY"),
        ("THREEFOLD_ALLOWED_HOSTS", "THREEFOLD_ALLOWED_HOSTS"),
        ("THREEFOLD_SECRET_KEY", "THREEFOLD_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without(missing: str, message: str) -> None:
    result = _start_production(**{k: v for k, v in GOOD.items() if k != missing})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.slow
def test_production_refuses_insecure_cookies_and_debug() -> None:
    assert "SECURE_COOKIES" in _start_production(**GOOD, THREEFOLD_SECURE_COOKIES="0").stderr
    assert "DEBUG" in _start_production(**GOOD, THREEFOLD_DEBUG="1").stderr


@pytest.mark.slow
def test_production_with_everything_set_passes_check_deploy() -> None:
    result = _start_production(**GOOD)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
