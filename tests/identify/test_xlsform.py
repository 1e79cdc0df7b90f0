"""XLSForm export: every shipped instrument in every language converts with pyxform and keeps its skip logic."""

from __future__ import annotations

import dataclasses
import re
from io import BytesIO
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree as SafeET
from openpyxl import load_workbook
from pyxform.xls2xform import xls2xform_convert

from tests.identify.builders import minimal, with_audience_guidance_coding
from threefold.identify.core import library
from threefold.identify.core.answers import AnswerState, parse_answers
from threefold.identify.core.definition import AnswerType, Instrument
from threefold.identify.core.instrument import build_instrument
from threefold.identify.core.localtext import text_in
from threefold.identify.core.xlsform import (
    YES_NO_LIST,
    XLSForm,
    relevant_expression,
    to_xlsform_rows,
    write_xlsx,
)

XF = "{http://www.w3.org/2002/xforms}"
ROOT = "/data"  # pyxform's instance root when the settings sheet gives no `name`

SHIPPED = [
    (path.stem, lang) for path in library.shipped_paths() for lang in library.load(path.stem).languages
]


def _convert(form: XLSForm, tmp_path: Path) -> tuple[Element, list[str]]:
    xlsx = tmp_path / "form.xlsx"
    write_xlsx(form, xlsx)
    xml = tmp_path / "form.xml"
    warnings = xls2xform_convert(xlsform_path=xlsx, xform_path=xml, validate=False, pretty_print=False)
    return SafeET.parse(xml).getroot(), warnings


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _as_xpath(relevant: str) -> str:
    """What pyxform makes of an XLSForm expression: ``${x}`` becomes the absolute path of x."""
    return _collapse(re.sub(r"\$\{(\w+)\}", lambda m: f"{ROOT}/{m.group(1)}", relevant))


def _instance_names(xform: Element) -> list[str]:
    primary = xform.find(f".//{XF}model/{XF}instance")
    assert primary is not None
    data = primary[0]
    return [child.tag.removeprefix(XF) for child in data]


def _relevants(xform: Element) -> dict[str, str]:
    binds = xform.iter(f"{XF}bind")
    return {
        bind.attrib["nodeset"].removeprefix(f"{ROOT}/"): _collapse(bind.attrib["relevant"])
        for bind in binds
        if "relevant" in bind.attrib
    }


def _translations(xform: Element) -> dict[str, dict[str, str]]:
    """Language -> itext id -> text."""
    return {
        translation.attrib["lang"]: {
            text.attrib["id"]: "".join(text.itertext()) for text in translation.iter(f"{XF}text")
        }
        for translation in xform.iter(f"{XF}translation")
    }


@pytest.mark.parametrize(("instrument_id", "lang"), SHIPPED)
def test_shipped_instrument_converts_with_pyxform_and_keeps_skip_logic(
    instrument_id: str, lang: str, tmp_path: Path
) -> None:
    instrument = library.load(instrument_id)
    xform, warnings = _convert(to_xlsform_rows(instrument, lang), tmp_path)

    assert warnings == []
    names = _instance_names(xform)
    assert [name for name in names if name in instrument.items_by_id] == [
        item.id for item in instrument.items
    ]

    relevants = _relevants(xform)
    gated = {item.id: item for item in instrument.items if item.show_if is not None}
    assert set(relevants) == set(gated)
    for item_id, item in gated.items():
        expected = relevant_expression(instrument, item)
        assert expected is not None
        assert relevants[item_id] == _as_xpath(expected)

    texts = _translations(xform)
    language = {"en": "English (en)", "fr": "French (fr)", "es": "Spanish (es)"}[lang]
    assert list(texts) == [language]
    first = instrument.items[0]
    assert texts[language][f"{ROOT}/{first.id}:label"] == _collapse(text_in(first.prompt, lang))
    title = xform.find("{http://www.w3.org/1999/xhtml}head/{http://www.w3.org/1999/xhtml}title")
    assert title is not None
    assert title.text == text_in(instrument.title, lang)


def test_icls_gate_becomes_a_relevant_on_every_gated_question(icls: Instrument, tmp_path: Path) -> None:
    xform, _ = _convert(to_xlsform_rows(icls, "fr"), tmp_path)
    relevants = _relevants(xform)

    assert "q_worked" not in relevants
    assert relevants["q_no_free_consent"] == f"{ROOT}/q_worked = 'yes'"
    assert len(relevants) == len(icls.items) - 1
    assert set(relevants.values()) == {f"{ROOT}/q_worked = 'yes'"}
    assert "Pendant la période considérée" in _translations(xform)["French (fr)"][f"{ROOT}/q_worked:label"]


def test_form_opens_with_the_disclaimer(icls: Instrument) -> None:
    for lang, words in {
        "en": "not a legal determination",
        "fr": "pas une décision juridique",
        "es": "no es una determinación jurídica",
    }.items():
        note = to_xlsform_rows(icls, lang).survey[0]
        assert note["type"] == "note"
        assert words in note[next(key for key in note if key.startswith("label::"))]


def test_yes_no_choices_are_the_answer_words_parse_answers_accepts(qyit: Instrument) -> None:
    form = to_xlsform_rows(qyit, "en")
    names = [row["name"] for row in form.choices if row["list_name"] == YES_NO_LIST]
    assert names == ["yes", "no", "dont_know", "refused"]

    item = qyit.items[0].id
    states = [parse_answers(qyit, {item: name})[item].state for name in names]
    assert states == [AnswerState.YES, AnswerState.NO, AnswerState.DONT_KNOW, AnswerState.REFUSED]
    # A question left empty in a submission is unanswered, never "no".
    assert parse_answers(qyit, {item: None})[item].state is AnswerState.UNANSWERED


def test_unknown_language_is_refused_by_name() -> None:
    instrument = build_instrument(minimal())  # English only
    with pytest.raises(
        ValueError, match=r"instrument 'mini' has no texts in language 'fr' \(its languages: en\)"
    ):
        to_xlsform_rows(instrument, "fr")


def test_a_missing_translation_falls_back_to_english(icls: Instrument) -> None:
    first = icls.items[0]
    untranslated = dataclasses.replace(first, prompt={"en": "Worked at all?"}, help=None)
    instrument = dataclasses.replace(icls, items=(untranslated, *icls.items[1:]))

    row = next(row for row in to_xlsform_rows(instrument, "es").survey if row["name"] == first.id)
    assert row["label::Spanish (es)"] == "Worked at all?"
    assert "hint::Spanish (es)" not in row


def _golden_instrument() -> Instrument:
    data = minimal()
    data["items"][0]["help"] = {"en": "Ask gently."}
    data["items"] += [
        {
            "id": "q_many",
            "prompt": {"en": "Which ones?"},
            "answer_type": "multi_choice",
            "choices": [{"id": c, "label": {"en": c.upper()}} for c in "xyz"],
            "show_if": {"item": "q_kind", "in": ["b", "a"]},
        },
        {
            "id": "q_count",
            "prompt": {"en": "How many?"},
            "answer_type": "number",
            "show_if": {"item": "q_many", "in": ["z", "x"]},
        },
        {"id": "q_notes", "prompt": {"en": "Anything else?"}, "answer_type": "text"},
    ]
    return build_instrument(data)


def test_golden_rows_for_a_small_instrument() -> None:
    form = to_xlsform_rows(_golden_instrument(), "en")
    label, hint = "label::English (en)", "hint::English (en)"

    assert form.survey[2:] == [
        {"type": "select_one yes_no", "name": "q_s1", label: "S1?", hint: "Ask gently."},
        {"type": "select_one yes_no", "name": "q_m1", label: "M1?"},
        {"type": "select_one yes_no", "name": "q_w1", label: "W1?"},
        {
            "type": "select_one q_kind_choices",
            "name": "q_kind",
            label: "Which kind?",
            "relevant": "${q_s1} = 'yes'",
        },
        {
            "type": "select_multiple q_many_choices",
            "name": "q_many",
            label: "Which ones?",
            "relevant": "${q_kind} = 'a' or ${q_kind} = 'b'",
        },
        {
            "type": "decimal",
            "name": "q_count",
            label: "How many?",
            "relevant": "selected(${q_many}, 'x') or selected(${q_many}, 'z')",
        },
        {"type": "text", "name": "q_notes", label: "Anything else?"},
    ]
    assert [(row["type"], row["name"]) for row in form.survey[:2]] == [
        ("note", "disclaimer"),
        ("note", "about"),
    ]
    assert form.survey[1][label] == "A tiny instrument for tests."
    assert form.choices == [
        {"list_name": "yes_no", "name": "yes", label: "Yes"},
        {"list_name": "yes_no", "name": "no", label: "No"},
        {"list_name": "yes_no", "name": "dont_know", label: "Don't know"},
        {"list_name": "yes_no", "name": "refused", label: "Refused to answer"},
        {"list_name": "q_kind_choices", "name": "a", label: "A"},
        {"list_name": "q_kind_choices", "name": "b", label: "B"},
        {"list_name": "q_many_choices", "name": "x", label: "X"},
        {"list_name": "q_many_choices", "name": "y", label: "Y"},
        {"list_name": "q_many_choices", "name": "z", label: "Z"},
    ]
    assert form.settings == [
        {"form_title": "Mini", "form_id": "mini", "version": "1.0", "default_language": "English (en)"}
    ]


def test_golden_instrument_converts_with_its_types(tmp_path: Path) -> None:
    xform, warnings = _convert(to_xlsform_rows(_golden_instrument(), "en"), tmp_path)

    assert warnings == []
    types = {
        bind.attrib["nodeset"].removeprefix(f"{ROOT}/"): bind.attrib.get("type")
        for bind in xform.iter(f"{XF}bind")
    }
    assert types["q_count"] == "decimal"
    assert types["q_notes"] == "string"
    assert xform.find(f".//{XF}select[@ref='{ROOT}/q_many']") is not None
    # pyxform pads the paths it substitutes with spaces; compare without them.
    relevant = _relevants(xform)["q_count"].replace(" ", "")
    assert relevant == f"selected({ROOT}/q_many,'x')orselected({ROOT}/q_many,'z')"


def test_note_names_never_clash_with_item_ids() -> None:
    data = minimal()
    data["items"][1]["id"] = "disclaimer"
    form = to_xlsform_rows(build_instrument(data), "en")
    names = [row["name"] for row in form.survey]
    assert len(names) == len(set(names))
    assert names[0] == "disclaimer_note"


def test_sheets_and_plain_text_cells() -> None:
    data = minimal()
    data["items"][1]["prompt"] = {"en": "=1+1 is a prompt, not a formula"}
    form = to_xlsform_rows(build_instrument(data), "en")
    buffer = BytesIO()
    write_xlsx(form, buffer)

    workbook = load_workbook(BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    survey = workbook["survey"]
    header = [cell.value for cell in survey[1]]
    assert header == ["type", "name", "label::English (en)", "relevant"]
    cell = next(row[2] for row in survey.iter_rows(min_row=2) if row[1].value == "q_m1")
    assert cell.value == "=1+1 is a prompt, not a formula"
    assert cell.data_type == "s"
    assert [c.value for c in workbook["settings"][1]] == [
        "form_title",
        "form_id",
        "version",
        "default_language",
    ]


def test_every_answer_type_has_a_question_type() -> None:
    data = minimal()
    kinds = {AnswerType.NUMBER: "decimal", AnswerType.TEXT: "text"}
    for kind in kinds:
        data["items"].append({"id": f"q_{kind.value}", "prompt": {"en": "?"}, "answer_type": kind.value})
    rows = {row["name"]: row["type"] for row in to_xlsform_rows(build_instrument(data), "en").survey}
    for kind, xls_type in kinds.items():
        assert rows[f"q_{kind.value}"] == xls_type


def test_guidance_and_coding_become_notes_after_the_description() -> None:
    form = to_xlsform_rows(build_instrument(with_audience_guidance_coding()), "en")
    label = "label::English (en)"

    assert [(row["type"], row["name"]) for row in form.survey[:4]] == [
        ("note", "disclaimer"),
        ("note", "about"),
        ("note", "guidance"),
        ("note", "coding"),
    ]
    assert form.survey[2][label] == "What to do:\n- Do this.\n- And this.\n\nNever:\n- Never that."
    assert form.survey[3][label] == (
        "Coding suggestions for the clinician (never automatic):\n"
        "- T76.51 (ICD-10-CM, suspected): A code\n"
        "- T74.52 (ICD-10-CM, confirmed): A code"
    )
    assert form.survey[4]["name"] == "q_s1"


def test_health_care_form_carries_guidance_and_codes_in_its_language(tmp_path: Path) -> None:
    instrument = library.load("health_care_clinician_observation")
    form = to_xlsform_rows(instrument, "fr")
    notes = {row["name"]: row["label::French (fr)"] for row in form.survey if row["type"] == "note"}

    assert notes["guidance"].startswith("À faire :\n- ")
    assert "\n\nÀ ne jamais faire :\n- " in notes["guidance"]
    assert (
        "- T76.52 (ICD-10-CM, suspecté) : Exploitation sexuelle forcée d'un enfant, suspectée"
        in notes["coding"]
    )
    assert "- Z04.82 (ICD-10-CM, écarté) : Examen et observation" in notes["coding"]
    xform, warnings = _convert(form, tmp_path)
    assert warnings == []
    texts = _translations(xform)["French (fr)"]
    assert texts[f"{ROOT}/coding:label"].startswith("Suggestions de codage")
