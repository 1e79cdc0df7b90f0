"""Typed readers for environment variables that fail loudly.

A wrong value in a deployment's environment must stop the process at start-up with a message that names the
variable, never fall back to a default silently: a typo in ``THREEFOLD_SESSION_IDLE_MINUTES`` should not leave
sessions open for a day. No Django import, so settings can use it before Django is configured.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """A setting read from the environment is missing or malformed."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"{name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}; got {number}.")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{name} must be at most {maximum}; got {number}.")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_key(
    name: str,
    *,
    required: bool,
    default_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    length: int = 32,
) -> bytes | None:
    """A base64 key from ``NAME``, from the file ``NAME_FILE`` names (container secrets), or ``default_file``.

    Returns None when none is present and the key is not required.
    """
    if _raw(name, environ) and _raw(f"{name}_FILE", environ):
        raise ConfigError(f"Set {name} or {name}_FILE, not both.")
    value = env_secret(name, default_file=default_file, environ=environ)
    if not value:
        if required:
            raise ConfigError(
                f"{name} (or {name}_FILE) must be set to a base64-encoded {length}-byte key; "
                f'make one with: python -c "import base64,os;print(base64.b64encode(os.urandom({length})).decode())"'
            )
        return None
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"{name} is not valid base64.") from None
    if len(key) != length:
        raise ConfigError(f"{name} must decode to {length} bytes; it decodes to {len(key)}.")
    return key


def env_secret(
    name: str, *, default_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """A secret string from ``NAME``, ``NAME_FILE``, or a local default file (what ``make run`` creates).

    Returns "" when none is present; the caller decides whether that is acceptable.
    """
    value = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if value:
        return value
    path = Path(file_name) if file_name else default_file
    if path is None or (not file_name and not path.exists()):
        return ""
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise ConfigError(f"{name}_FILE points to {str(path)!r}, which cannot be read: {exc}.") from None
