"""Export an instrument to an XLSForm, the spreadsheet format ODK, KoboToolbox and others turn into a phone form.

One form per language: the labels, hints and choice labels are in the requested language (falling back to
English for any text that lacks a translation, as everywhere else), and ``default_language`` names it.

How an instrument maps onto the sheets:

* a ``note`` row opens the form: the result is an indicator of likely or possible trafficking or forced labour,
  never a legal determination (the same warning as ``results.DISCLAIMER``), followed by the instrument's own
  description, then (when the instrument has them) what to do and never do, and its clinical coding suggestions;
* ``yes_no`` items become ``select_one`` over one shared list whose names are exactly what
  ``answers.parse_answers`` accepts: ``yes``, ``no``, ``dont_know``, ``refused``; a question left blank is
  ``unanswered``, so exported submissions can be scored without translating any value;
* ``single_choice`` / ``multi_choice`` become ``select_one`` / ``select_multiple`` over the item's own choices;
* ``number`` becomes ``decimal`` (the instrument does not say whether a number is whole, and ``parse_answers``
  reads every number as a float), ``text`` stays ``text``;
* ``show_if`` becomes ``relevant``: ``${gate} = 'yes'``, ``selected(${gate}, 'x')`` for a multi-choice gate,
  and ``or`` between the values of an ``in``. A hidden question is empty in ODK, so a question gated on a
  hidden one is hidden too, as in ``answers.apply_skip_logic``.

Pure Python like the rest of the core; ``write_xlsx`` needs openpyxl.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from openpyxl import Workbook

from threefold.identify.core.answers import AnswerState
from threefold.identify.core.definition import NO, YES, AnswerType, CodingCondition, Instrument, Item
from threefold.identify.core.localtext import LocalText, text_in

Row = dict[str, str]

# XLSForm language columns are "label::Name (code)"; ODK shows the name and uses the code.
LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "fr": "French", "es": "Spanish"}

# The shared list for yes_no items. Its names are the answer values and state words of answers.py.
YES_NO_LIST = "yes_no"
YES_NO_CHOICES: tuple[str, ...] = (YES, NO, AnswerState.DONT_KNOW.value, AnswerState.REFUSED.value)
YES_NO_LABELS: Mapping[str, LocalText] = {
    YES: {"en": "Yes", "fr": "Oui", "es": "Sí"},
    NO: {"en": "No", "fr": "Non", "es": "No"},
    AnswerState.DONT_KNOW.value: {"en": "Don't know", "fr": "Ne sait pas", "es": "No sabe"},
    AnswerState.REFUSED.value: {
        "en": "Refused to answer",
        "fr": "Refuse de répondre",
        "es": "Se niega a responder",
    },
}

# Said at the start of every exported form; the form-side wording of results.DISCLAIMER.
FORM_DISCLAIMER: LocalText = {
    "en": (
        "This is a screening. Its result lists indicators of likely or possible trafficking or forced labour; "
        "it is not a legal determination. Identifying a victim is for the competent authorities, and a "
        "negative result does not rule out trafficking or other exploitation."
    ),
    "fr": (
        "Ceci est un repérage. Son résultat énumère des indicateurs de traite ou de travail forcé probables ou "
        "possibles ; ce n'est pas une décision juridique. L'identification d'une victime relève des autorités "
        "compétentes, et un résultat négatif n'exclut ni la traite ni d'autres formes d'exploitation."
    ),
    "es": (
        "Esta es una detección. Su resultado enumera indicadores de probable o posible trata o trabajo "
        "forzoso; no es una determinación jurídica. La identificación de una víctima corresponde a las "
        "autoridades competentes, y un resultado negativo no descarta la trata ni otras formas de explotación."
    ),
}

# Headings of the guidance and coding notes.
GUIDANCE_DO: LocalText = {"en": "What to do:", "fr": "À faire :", "es": "Qué hacer:"}
GUIDANCE_NEVER: LocalText = {"en": "Never:", "fr": "À ne jamais faire :", "es": "Nunca:"}
CODING_HEADING: LocalText = {
    "en": "Coding suggestions for the clinician (never automatic):",
    "fr": "Suggestions de codage pour le clinicien (jamais automatiques) :",
    "es": "Sugerencias de codificación para el personal clínico (nunca automáticas):",
}
# "T76.51 (ICD-10-CM, suspected): label"; French typography puts a space before the colon.
CODING_SEPARATOR: LocalText = {"en": ": ", "fr": " : ", "es": ": "}
CODING_CONDITIONS: Mapping[CodingCondition, LocalText] = {
    CodingCondition.CONFIRMED: {"en": "confirmed", "fr": "confirmé", "es": "confirmado"},
    CodingCondition.SUSPECTED: {"en": "suspected", "fr": "suspecté", "es": "sospechado"},
    CodingCondition.RULED_OUT: {"en": "ruled out", "fr": "écarté", "es": "descartado"},
    CodingCondition.HISTORY: {"en": "history", "fr": "antécédent", "es": "antecedente"},
}

QUESTION_TYPES: Mapping[AnswerType, str] = {
    AnswerType.YES_NO: f"select_one {YES_NO_LIST}",
    AnswerType.NUMBER: "decimal",
    AnswerType.TEXT: "text",
}

SURVEY_COLUMNS = ("type", "name", "label", "hint", "relevant")
CHOICES_COLUMNS = ("list_name", "name", "label")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language")


@dataclass(frozen=True)
class XLSForm:
    """The three sheets as rows of column -> value; a column a row does not use is left out."""

    survey: list[Row] = field(default_factory=list)
    choices: list[Row] = field(default_factory=list)
    settings: list[Row] = field(default_factory=list)

    def sheets(self) -> dict[str, list[Row]]:
        return {"survey": self.survey, "choices": self.choices, "settings": self.settings}


def language_column(lang: str) -> str:
    """The XLSForm language name for a code, e.g. ``French (fr)``."""
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def to_xlsform_rows(instrument: Instrument, lang: str = "en") -> XLSForm:
    """The XLSForm for ``instrument`` in ``lang``; ValueError when the instrument is not written in ``lang``."""
    if lang not in instrument.languages:
        raise ValueError(
            f"instrument {instrument.id!r} has no texts in language {lang!r} "
            f"(its languages: {', '.join(instrument.languages)})"
        )
    language = language_column(lang)
    label, hint = f"label::{language}", f"hint::{language}"
    taken = {item.id for item in instrument.items}

    survey: list[Row] = [
        {"type": "note", "name": _free_name("disclaimer", taken), label: text_in(FORM_DISCLAIMER, lang)},
        {"type": "note", "name": _free_name("about", taken), label: text_in(instrument.description, lang)},
    ]
    if instrument.guidance is not None:
        survey.append(
            {"type": "note", "name": _free_name("guidance", taken), label: guidance_text(instrument, lang)}
        )
    if instrument.coding:
        survey.append(
            {"type": "note", "name": _free_name("coding", taken), label: coding_text(instrument, lang)}
        )
    choices: list[Row] = []
    if any(item.answer_type is AnswerType.YES_NO for item in instrument.items):
        choices.extend(
            {"list_name": YES_NO_LIST, "name": name, label: text_in(YES_NO_LABELS[name], lang)}
            for name in YES_NO_CHOICES
        )
    for item in instrument.items:
        row: Row = {"type": _question_type(item), "name": item.id, label: text_in(item.prompt, lang)}
        if item.help is not None:
            row[hint] = text_in(item.help, lang)
        relevant = relevant_expression(instrument, item)
        if relevant is not None:
            row["relevant"] = relevant
        survey.append(row)
        choices.extend(
            {"list_name": choice_list_name(item), "name": choice.id, label: text_in(choice.label, lang)}
            for choice in item.choices
        )
    settings: list[Row] = [
        {
            "form_title": text_in(instrument.title, lang),
            "form_id": instrument.id,
            "version": instrument.version,
            "default_language": language,
        }
    ]
    return XLSForm(survey=survey, choices=choices, settings=settings)


def guidance_text(instrument: Instrument, lang: str) -> str:
    """The instrument's do / never lists as one note, one line per point."""
    assert instrument.guidance is not None
    lines = [text_in(GUIDANCE_DO, lang), *(f"- {text_in(text, lang)}" for text in instrument.guidance.do)]
    lines += [
        "",
        text_in(GUIDANCE_NEVER, lang),
        *(f"- {text_in(text, lang)}" for text in instrument.guidance.never),
    ]
    return "\n".join(lines)


def coding_text(instrument: Instrument, lang: str) -> str:
    """The coding suggestions as one note: ``- T76.51 (ICD-10-CM, suspected): ...``."""
    lines = [text_in(CODING_HEADING, lang)]
    lines += [
        f"- {suggestion.code} ({suggestion.system}, {text_in(CODING_CONDITIONS[suggestion.applies_when], lang)})"
        f"{text_in(CODING_SEPARATOR, lang)}{text_in(suggestion.label, lang)}"
        for suggestion in instrument.coding
    ]
    return "\n".join(lines)


def choice_list_name(item: Item) -> str:
    """The choices list of a choice item; ``_choices`` keeps it apart from the shared ``yes_no`` list."""
    return f"{item.id}_choices"


def relevant_expression(instrument: Instrument, item: Item) -> str | None:
    """The XLSForm ``relevant`` for an item's ``show_if``; None for an item that is always asked."""
    if item.show_if is None:
        return None
    gate = instrument.items_by_id[item.show_if.item]
    # A frozenset has no order; the gate's own order keeps the expression the same on every export.
    order = [YES, NO] if gate.answer_type is AnswerType.YES_NO else [choice.id for choice in gate.choices]
    wanted = item.show_if.match.values
    values = [value for value in order if value in wanted] + sorted(wanted.difference(order))
    ref = f"${{{gate.id}}}"
    if gate.answer_type is AnswerType.MULTI_CHOICE:
        parts = [f"selected({ref}, {_quote(value)})" for value in values]
    else:
        parts = [f"{ref} = {_quote(value)}" for value in values]
    return " or ".join(parts)


def write_xlsx(form: XLSForm, path_or_buffer: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the three sheets to an .xlsx file (or a binary buffer) that pyxform and ODK Build can read."""
    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    for title, rows in form.sheets().items():
        sheet = workbook.create_sheet(title)
        columns = _columns(rows, _preferred(title))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
        for cells in sheet.iter_rows():
            for cell in cells:
                # openpyxl stores a string starting with "=" as a formula; every value here is plain text.
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    workbook.save(
        os.fspath(path_or_buffer) if isinstance(path_or_buffer, str | os.PathLike) else path_or_buffer
    )


def _question_type(item: Item) -> str:
    if item.answer_type is AnswerType.SINGLE_CHOICE:
        return f"select_one {choice_list_name(item)}"
    if item.answer_type is AnswerType.MULTI_CHOICE:
        return f"select_multiple {choice_list_name(item)}"
    return QUESTION_TYPES[item.answer_type]


def _quote(value: str) -> str:
    # Values are identifiers or yes/no (schema pattern ^[a-z][a-z0-9_]*$), so they never hold a quote.
    assert "'" not in value, value
    return f"'{value}'"


def _free_name(wanted: str, taken: set[str]) -> str:
    """A question name that no item uses, so the opening notes never clash with an item id."""
    name = wanted
    while name in taken:
        name = f"{name}_note"
    taken.add(name)
    return name


def _preferred(sheet: str) -> Sequence[str]:
    return {"survey": SURVEY_COLUMNS, "choices": CHOICES_COLUMNS, "settings": SETTINGS_COLUMNS}[sheet]


def _columns(rows: Iterable[Row], preferred: Sequence[str]) -> list[str]:
    """The columns the rows use, in the usual XLSForm order (``label::X`` sorts with ``label``)."""
    used: list[str] = []
    for row in rows:
        used.extend(column for column in row if column not in used)

    def rank(column: str) -> tuple[int, int]:
        base = column.split("::", 1)[0]
        return (preferred.index(base) if base in preferred else len(preferred), used.index(column))

    return sorted(used, key=rank)
