"""Questions of a consultation: their kinds, their text in each language offered, and the checks a question must
pass before it is saved. Problems are returned as codes; the caller words them (in the reader's language)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

MAX_QUESTION_CHARS = 500
MAX_OPTION_CHARS = 120
MAX_OPTIONS = 10
SCALE = (1, 2, 3, 4, 5)

T = TypeVar("T")


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    TEXT = "text"


CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE})


class Problem(StrEnum):
    NO_TEXT = "no_text"  # the first language's text is missing
    TOO_LONG = "too_long"
    NO_OPTIONS = "no_options"  # a choice question needs two options or more
    TOO_MANY_OPTIONS = "too_many_options"
    OPTIONS_DIFFER = "options_differ"  # a translation lists a different number of options
    DUPLICATE_OPTION = "duplicate_option"
    OPTIONS_NOT_ALLOWED = "options_not_allowed"  # a scale or free-text question has no options
    UNKNOWN_LANGUAGE = "unknown_language"


@dataclass(frozen=True)
class QuestionDraft:
    """A question as typed: its text per language code, and for choice questions one option list per language
    (the n-th option of every language is the same option)."""

    kind: Kind
    texts: Mapping[str, str]
    options: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class CleanQuestion:
    kind: Kind
    texts: dict[str, str]  # only the languages given, the first language always
    options: list[dict[str, str]]  # one {language: label} per option, in order


class QuestionProblem(ValueError):
    def __init__(self, problem: Problem, language: str = "") -> None:
        super().__init__(f"{problem}{':' + language if language else ''}")
        self.problem = problem
        self.language = language


def clean(draft: QuestionDraft, languages: Sequence[str]) -> CleanQuestion:
    """The question ready to store, or ``QuestionProblem`` naming the first problem (and the language it is in).
    Languages other than the first may be left empty: readers then see the first language's text."""
    first = languages[0]
    for language in (*draft.texts, *draft.options):
        if language not in languages:
            raise QuestionProblem(Problem.UNKNOWN_LANGUAGE, language)
    texts = {lang: " ".join(draft.texts.get(lang, "").split()) for lang in languages}
    if not texts[first]:
        raise QuestionProblem(Problem.NO_TEXT, first)
    for lang, text in texts.items():
        if len(text) > MAX_QUESTION_CHARS:
            raise QuestionProblem(Problem.TOO_LONG, lang)
    options = _options(draft, languages)
    return CleanQuestion(draft.kind, {lang: text for lang, text in texts.items() if text}, options)


def _options(draft: QuestionDraft, languages: Sequence[str]) -> list[dict[str, str]]:
    given = {lang: [o.strip() for o in draft.options.get(lang, ()) if o.strip()] for lang in languages}
    if draft.kind not in CHOICE_KINDS:
        if any(given.values()):
            raise QuestionProblem(Problem.OPTIONS_NOT_ALLOWED)
        return []
    first = given[languages[0]]
    if len(first) < 2:
        raise QuestionProblem(Problem.NO_OPTIONS, languages[0])
    if len(first) > MAX_OPTIONS:
        raise QuestionProblem(Problem.TOO_MANY_OPTIONS, languages[0])
    for lang in languages:
        labels = given[lang]
        if labels and len(labels) != len(first):
            raise QuestionProblem(Problem.OPTIONS_DIFFER, lang)
        if len({label.casefold() for label in labels}) != len(labels):
            raise QuestionProblem(Problem.DUPLICATE_OPTION, lang)
        if any(len(label) > MAX_OPTION_CHARS for label in labels):
            raise QuestionProblem(Problem.TOO_LONG, lang)
    return [{lang: given[lang][i] for lang in languages if given[lang]} for i in range(len(first))]


def localised(texts: Mapping[str, str], language: str, languages: Sequence[str]) -> str:
    """The text in ``language``, or in the first language offered when it has no translation."""
    return (
        texts.get(language)
        or (texts.get(languages[0], "") if languages else "")
        or next(iter(texts.values()), "")
    )


def answer_keys(kind: Kind, option_count: int) -> tuple[str, ...]:
    """The values a choice, multiple-choice or scale answer can take, as stored in the tallies."""
    if kind is Kind.SCALE:
        return tuple(str(value) for value in SCALE)
    if kind in CHOICE_KINDS:
        return tuple(str(index) for index in range(option_count))
    return ()


def check_answer(kind: Kind, option_count: int, given: Sequence[str]) -> tuple[str, ...]:
    """The tally keys an answer adds to (none for an unanswered question); ValueError for a value no respondent
    could have chosen (a forged form)."""
    keys = answer_keys(kind, option_count)
    chosen = tuple(dict.fromkeys(value for value in given if value != ""))
    if any(value not in keys for value in chosen):
        raise ValueError("not an option of this question")
    if kind is not Kind.MULTIPLE and len(chosen) > 1:
        raise ValueError("one answer only")
    return chosen


def as_draft(kind: Kind, texts: Mapping[str, str], options: Sequence[Mapping[str, str]]) -> QuestionDraft:
    """A stored question (``CleanQuestion``'s texts and options) back as a draft, to be cleaned again: when it is
    edited, or when the consultation's languages change. A language labels every option or none (``clean``)."""
    languages = dict.fromkeys(language for option in options for language in option)
    return QuestionDraft(
        kind,
        dict(texts),
        {
            language: [option[language] for option in options]
            for language in languages
            if all(option.get(language) for option in options)
        },
    )


def moved(items: Sequence[T], index: int, step: int) -> list[T]:
    """``items`` with the one at ``index`` moved ``step`` places (-1: up, 1: down); ValueError past either end."""
    target = index + step
    if not (0 <= index < len(items) and 0 <= target < len(items)):
        raise ValueError("cannot move past the first or the last question")
    order = list(items)
    order.insert(target, order.pop(index))
    return order
