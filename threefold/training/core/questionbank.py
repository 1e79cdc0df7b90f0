"""Reading a course's question bank from a CSV file: pure Python (no Django), so every rule is tested alone.

The file is UTF-8 with a header line naming its columns (any order, any case)::

    module,question,correct,option_1,option_2,option_3,option_4,option_5,option_6

one single-choice question per line: the title of one of the course's modules, the question, the number (1 to 6)
of the correct answer, and its answers in order (at least ``option_1`` and ``option_2``; ``option_3`` to
``option_6`` may be left out of the header or left empty). A line may stop after its last answer.

``parse_questions`` reads the whole file and returns every problem it finds, each with the line it is on (0 for
the file as a whole); the caller stores the rows only when there is no problem at all (all or nothing). Problems
are codes with parameters, not sentences: the service words them in the reader's language.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
MIN_OPTIONS = 2
MAX_OPTIONS = 6
QUESTION_CHARS = 1000
OPTION_CHARS = 300
SHOWN_CHARS = 60  # how much of a wrong value a problem quotes back

OPTION_COLUMNS = tuple(f"option_{n}" for n in range(1, MAX_OPTIONS + 1))
REQUIRED = ("module", "question", "correct", *OPTION_COLUMNS[:MIN_OPTIONS])
OPTIONAL = OPTION_COLUMNS[MIN_OPTIONS:]
COLUMNS = ("module", "question", "correct", *OPTION_COLUMNS)

EXAMPLE = (
    ",".join(COLUMNS) + "\n"
    "What trafficking is,Which is an element of trafficking?,2,A visa,Exploitation,A border\n"
    'What trafficking is,Can a person who consented still be a victim?,2,No,"Yes, if means such as deceit were'
    ' used"\n'
    'Referral,"A presumed victim is found. What do you do first?",1,Refer them to support services,'
    "Arrest them for illegal stay,Deport them,Leave them\n"
)

# Control characters, the Unicode text-direction overrides and invisible characters (zero-width spaces and
# joiners, the Arabic letter mark, line and paragraph separators): they make text read differently from what it
# is, and two questions that read the same differ. Tab, line feed and carriage return are allowed in a question
# (it may run over lines), never in an answer.
_HOSTILE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]"
)
_LINE_BREAK = re.compile("[\t\n\r]")


@dataclass(frozen=True)
class Problem:
    """Why the file, or one of its lines, cannot be imported. ``line`` is 1-based, 0 for the whole file;
    ``code`` names the problem and ``params`` fill in its message."""

    line: int
    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionRow:
    line: int
    module_id: int
    text: str
    options: tuple[str, ...]
    correct: int  # index into options (0-based)


@dataclass(frozen=True)
class Parsed:
    rows: tuple[QuestionRow, ...]  # only the lines without a problem
    problems: tuple[Problem, ...]  # sorted by line; a problem with the whole file comes first


def key(text: str) -> str:
    """What makes two question texts (or module titles) the same: case and runs of white space do not count."""
    return " ".join(text.split()).casefold()


def _shown(value: str) -> str:
    """A wrong value as a problem quotes it back: on one line, short, without control characters."""
    flat = " ".join(_HOSTILE.sub("", value).split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True)
class _Record:
    line: int
    values: dict[str, str]
    extra_cells: int


class _FileProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _records(data: bytes) -> Iterator[_Record]:
    """Each non-blank data line of the file with the line it starts on; ``_FileProblem`` for a file that cannot be
    read at all (too large, not UTF-8 text, not the expected header, broken CSV, too many lines)."""
    if len(data) > MAX_BYTES:
        raise _FileProblem(Problem(0, "too_large", {"kb": MAX_BYTES // 1024}))
    try:
        # utf-8-sig: a file saved by a spreadsheet program starts with a byte-order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileProblem(Problem(0, "not_utf8")) from None
    if "\x00" in text:
        raise _FileProblem(Problem(0, "not_text"))
    if not text.strip():
        raise _FileProblem(Problem(0, "empty", {"columns": ",".join(COLUMNS)}))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error:
        raise _FileProblem(Problem(1, "not_csv")) from None
    names = [cell.strip().lower() for cell in header]
    unknown = [name for name in names if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in names]
    if unknown or missing or len(set(names)) != len(names):
        raise _FileProblem(
            Problem(1, "header", {"columns": ",".join(COLUMNS), "found": _shown(",".join(names))})
        )
    rows = 0
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _FileProblem(Problem(reader.line_num, "not_csv")) from None
        # A quoted value may run over several lines: the record starts on the line after the previous one ended.
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise _FileProblem(Problem(start, "too_many_rows", {"n": MAX_ROWS}))
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
        yield _Record(start, values, max(0, len(cells) - len(names)))


def _options(line: int, values: Mapping[str, str], problems: list[Problem]) -> tuple[str, ...]:
    given = [values.get(column, "") for column in OPTION_COLUMNS]
    last = max((n for n, option in enumerate(given) if option), default=-1)
    for n, option in enumerate(given[: last + 1]):
        column = OPTION_COLUMNS[n]
        if not option:
            problems.append(Problem(line, "option_gap", {"column": column, "after": OPTION_COLUMNS[last]}))
        elif len(option) > OPTION_CHARS:
            problems.append(Problem(line, "option_long", {"column": column, "n": OPTION_CHARS}))
        elif _HOSTILE.search(option):
            problems.append(Problem(line, "control", {"column": column}))
        elif _LINE_BREAK.search(option):
            problems.append(Problem(line, "option_multiline", {"column": column}))
    options = tuple(option for option in given if option)
    if len(options) < MIN_OPTIONS:
        problems.append(Problem(line, "too_few_options", {"n": MIN_OPTIONS}))
    seen: dict[str, str] = {}
    for n, option in enumerate(given):
        if not option:
            continue
        if key(option) in seen:
            problems.append(
                Problem(line, "options_same", {"column": OPTION_COLUMNS[n], "other": seen[key(option)]})
            )
        else:
            seen[key(option)] = OPTION_COLUMNS[n]
    return options


def _correct(line: int, value: str, count: int, problems: list[Problem]) -> int:
    """The 0-based index of the correct answer, or -1 (with a problem) when there is none."""
    most = max(count, MIN_OPTIONS)
    if not value:
        problems.append(Problem(line, "correct_empty", {"n": most}))
        return -1
    if not (value.isascii() and value.isdigit()) or len(value) > 3:
        problems.append(Problem(line, "correct_not_number", {"n": most, "found": _shown(value)}))
        return -1
    number = int(value)
    if not 1 <= number <= MAX_OPTIONS:
        problems.append(Problem(line, "correct_not_number", {"n": most, "found": _shown(value)}))
        return -1
    if number > count:
        problems.append(Problem(line, "correct_not_option", {"correct": number, "n": count}))
        return -1
    return number - 1


def parse_questions(data: bytes, modules: Mapping[int, str], existing: Iterable[str] = ()) -> Parsed:
    """The questions of ``data`` for a course whose modules are ``modules`` (id -> title) and whose bank already
    holds the question texts ``existing`` (active or retired: importing a file twice adds nothing twice)."""
    by_title: dict[str, list[int]] = {}
    for module_id, title in modules.items():
        by_title.setdefault(key(title), []).append(module_id)
    known = {key(text) for text in existing}
    seen: dict[str, int] = {}  # question key -> line
    rows: list[QuestionRow] = []
    problems: list[Problem] = []
    try:
        for record in _records(data):
            line, values = record.line, record.values
            found: list[Problem] = []
            if record.extra_cells:
                found.append(Problem(line, "extra_cells", {"n": record.extra_cells}))
            module = values.get("module", "")
            ids = by_title.get(key(module), [])
            if not module:
                found.append(Problem(line, "module_empty"))
            elif not ids:
                found.append(Problem(line, "module_unknown", {"module": _shown(module)}))
            elif len(ids) > 1:
                found.append(Problem(line, "module_ambiguous", {"module": _shown(module)}))
            text = values.get("question", "")
            if not text:
                found.append(Problem(line, "question_empty"))
            elif len(text) > QUESTION_CHARS:
                found.append(Problem(line, "question_long", {"n": QUESTION_CHARS}))
            elif _HOSTILE.search(text):
                found.append(Problem(line, "control", {"column": "question"}))
            elif key(text) in known:
                found.append(Problem(line, "duplicate_existing"))
            elif key(text) in seen:
                found.append(Problem(line, "duplicate_line", {"other": seen[key(text)]}))
            options = _options(line, values, found)
            correct = _correct(line, values.get("correct", ""), len(options), found)
            if text and key(text) not in seen:
                seen[key(text)] = line
            if found:
                problems.extend(found)
                continue
            rows.append(QuestionRow(line, ids[0], text, options, correct))
    except _FileProblem as stopped:
        # The rest of the file cannot be read; what was found before still needs correcting.
        return Parsed((), (stopped.problem, *sorted(problems, key=lambda p: p.line)))
    if not rows and not problems:
        problems.append(Problem(0, "no_rows"))
    return Parsed(tuple(rows), tuple(sorted(problems, key=lambda p: p.line)))
