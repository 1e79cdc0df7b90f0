"""``manage.py export_xlsform``: writes an XLSForm workbook; a bad id, language or path gets a clear message."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

ICLS = "icls_2018_forced_labour"


def _export(*args: str) -> str:
    out = StringIO()
    call_command("export_xlsform", *args, stdout=out)
    return out.getvalue()


def test_writes_a_workbook_with_the_three_sheets(tmp_path: Path) -> None:
    target = tmp_path / "icls_fr.xlsx"
    printed = _export(ICLS, "--lang", "fr", "-o", str(target))

    assert f"Wrote {target}" in printed
    assert "version 0.1.0 in fr (13 questions, 12 with skip logic)" in printed
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    settings = workbook["settings"]
    header = [cell.value for cell in settings[1]]
    values = dict(zip(header, (cell.value for cell in settings[2]), strict=True))
    assert values["form_id"] == ICLS
    assert values["version"] == "0.1.0"
    assert values["default_language"] == "French (fr)"
    survey_header = [cell.value for cell in workbook["survey"][1]]
    assert "label::French (fr)" in survey_header
    assert "relevant" in survey_header


def test_language_defaults_to_english(tmp_path: Path) -> None:
    target = tmp_path / "qyit.xlsx"
    assert "in en" in _export("quick_youth_indicators", "--output", str(target))
    settings = load_workbook(target)["settings"]
    assert "English (en)" in [cell.value for cell in settings[2]]


def test_unknown_instrument_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(
        CommandError, match=r"no shipped instrument 'nope' \(known: .*icls_2018_forced_labour"
    ):
        _export("nope", "-o", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_unknown_language_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        CommandError,
        match=r"instrument 'icls_2018_forced_labour' has no texts in language 'de' \(its languages: en, fr, es\)",
    ):
        _export(ICLS, "--lang", "de", "-o", str(tmp_path / "x.xlsx"))


def test_unwritable_output_path(tmp_path: Path) -> None:
    target = tmp_path / "no_such_dir" / "x.xlsx"
    with pytest.raises(CommandError, match=r"no_such_dir/x\.xlsx: cannot be written"):
        _export(ICLS, "-o", str(target))


def test_output_must_be_xlsx(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"must be an \.xlsx file"):
        _export(ICLS, "-o", str(tmp_path / "form.xls"))
