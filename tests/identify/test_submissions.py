"""Reading ODK Central and KoboToolbox submission exports back into scored screenings (pure, no Django)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.identify.builders import mixed
from tests.identify.conftest import answers_for
from threefold.identify.core import library
from threefold.identify.core.definition import AnswerType, Instrument
from threefold.identify.core.instrument import build_instrument
from threefold.identify.core.results import OutcomeStatus
from threefold.identify.core.scoring import score
from threefold.identify.core.submissions import (
    ExportFormat,
    Submission,
    SubmissionBatch,
    SubmissionError,
    read_submissions,
)

# Loaded at import: hypothesis's @given cannot take function-scoped fixtures.
QYIT = library.load("quick_youth_indicators")
DELPHI = library.load("ilo_ec_delphi_adult_labour")

# Delphi indicators that make the outcome positive: deceptive recruitment + exploitation + coercion.
DELPHI_POSITIVE = [
    "dr_job_nature",
    "dr_wages",
    "ex_excessive_hours",
    "ex_low_or_no_pay",
    "cd_violence",
    "cd_documents",
]

Answers = dict[str, Any]
LINE_BREAK = re.compile(r"\r\n|\r|\n")


MIXED = build_instrument(mixed())


# --- writing exports the way ODK Central and KoboToolbox do ------------------------------------------------


def _cell(value: object) -> str:
    """How a CSV export writes an answer: blank when unanswered, select_multiple space-separated."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv(rows: Sequence[Sequence[str]], delimiter: str = ",", newline: str = "\r\n", **options: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, **options)
    writer.writerows(rows)
    return buffer.getvalue()


def odk_csv(
    instrument: Instrument,
    submissions: Sequence[tuple[str, Answers]],
    *,
    group: str = "screen",
    separator: str = "-",
) -> str:
    """An ODK Central "CSV" export: metadata first, questions under their group path, meta and system last."""
    items = [item.id for item in instrument.items]
    header = ["SubmissionDate", "start", "end", "today", "deviceid", "disclaimer", "about"]
    header += [f"{group}{separator}{item}" for item in items]
    header += ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "Status"]
    header += ["ReviewState", "DeviceID", "Edits", "FormVersion"]
    rows = [header]
    for number, (uuid, answers) in enumerate(submissions):
        rows.append(
            [
                f"2024-03-0{number % 9 + 1}T10:22:33.123Z",
                "2024-03-01T10:01:02.000+03:00",
                "2024-03-01T10:15:00.000+03:00",
                "2024-03-01",
                "collect:abc123",
                "",
                "",
                *(_cell(answers.get(item)) for item in items),
                f"uuid:{uuid}",
                f"uuid:{uuid}",
                "5",
                "Field worker",
                "0",
                "",
                "",
                "",
                "0",
                instrument.version,
            ]
        )
    return _csv(rows)


def kobo_csv(
    instrument: Instrument,
    submissions: Sequence[tuple[str, Answers]],
    *,
    per_choice: bool = False,
) -> str:
    """A KoboToolbox CSV export: ";" between fields, every field quoted, `group/item`, `_uuid` and friends."""
    columns: list[tuple[str, str, str | None]] = []  # column name, item id, choice id (per-choice columns)
    for item in instrument.items:
        columns.append((f"screen/{item.id}", item.id, None))
        if per_choice and item.answer_type is AnswerType.MULTI_CHOICE:
            columns += [(f"screen/{item.id}/{choice.id}", item.id, choice.id) for choice in item.choices]
    header = ["start", "end", "today", "username", "deviceid", "disclaimer", "about"]
    header += [name for name, _, _ in columns]
    header += ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status"]
    header += ["_submitted_by", "__version__", "_tags", "_index"]
    rows = [header]
    for number, (uuid, answers) in enumerate(submissions, start=1):
        cells = []
        for _, item_id, choice in columns:
            value = answers.get(item_id)
            if choice is None:
                cells.append(_cell(value))
            else:
                cells.append("" if value is None else str(int(choice in value)))
        rows.append(
            [
                "2024-03-01T10:01:02.000+03:00",
                "2024-03-01T10:15:00.000+03:00",
                "2024-03-01",
                "fieldworker",
                "ee.kobotoolbox.org:abc",
                "",
                "",
                *cells,
                str(1000 + number),
                uuid,
                "2024-03-01T07:22:33",
                "",
                "",
                "submitted_via_web",
                "",
                "vGmzRk3b6j9pCqk",
                "",
                str(number),
            ]
        )
    return _csv(rows, delimiter=";", quoting=csv.QUOTE_ALL)


def odata_json(submissions: Sequence[tuple[str, Answers]]) -> str:
    """ODK Central OData: `{"value": [...]}`, the group as a nested object, `__id` and `__system`."""
    value = []
    for uuid, answers in submissions:
        value.append(
            {
                "__id": f"uuid:{uuid}",
                "start": "2024-03-01T10:01:02.000+03:00",
                "end": "2024-03-01T10:15:00.000+03:00",
                "today": "2024-03-01",
                "deviceid": "collect:abc123",
                "disclaimer": None,
                "about": None,
                "screen": dict(answers),
                "meta": {"instanceID": f"uuid:{uuid}"},
                "__system": {
                    "submissionDate": "2024-03-01T10:22:33.123Z",
                    "updatedAt": None,
                    "submitterId": "5",
                    "submitterName": "Field worker",
                    "attachmentsPresent": 0,
                    "attachmentsExpected": 0,
                    "status": None,
                    "reviewState": None,
                    "deviceId": None,
                    "edits": 0,
                    "formVersion": "1.0.0",
                },
            }
        )
    return json.dumps(
        {"@odata.context": "https://central.example.org/v1/$metadata#Submissions", "value": value}
    )


def kobo_json(submissions: Sequence[tuple[str, Answers]], *, wrapped: bool = True) -> str:
    """The KoboToolbox API: `{"results": [...]}` with flat `group/item` keys; unanswered questions are left out."""
    results = []
    for number, (uuid, answers) in enumerate(submissions, start=1):
        record: dict[str, Any] = {
            "_id": 1000 + number,
            "formhub/uuid": "0d5f5e5e4b0c4c8c9a1f",
            "start": "2024-03-01T10:01:02.000+03:00",
            "end": "2024-03-01T10:15:00.000+03:00",
            "__version__": "vGmzRk3b6j9pCqk",
            "meta/instanceID": f"uuid:{uuid}",
            "_xform_id_string": "aXk3bQ8Fh2WsZ",
            "_uuid": uuid,
            "_attachments": [],
            "_status": "submitted_via_web",
            "_geolocation": [None, None],
            "_submission_time": "2024-03-01T07:22:33",
            "_tags": [],
            "_notes": [],
            "_validation_status": {},
            "_submitted_by": None,
        }
        for item, value in answers.items():
            if value is not None:
                record[f"screen/{item}"] = _cell(value)
        results.append(record)
    if not wrapped:
        return json.dumps(results)
    return json.dumps({"count": len(results), "next": None, "previous": None, "results": results})


def problems_of(error: pytest.ExceptionInfo[SubmissionError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def _full(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """What a submission's answers look like: every item, None for the unanswered."""
    return {item.id: answers.get(item.id) for item in instrument.items}


# --- the four shapes --------------------------------------------------------------------------------------

QYIT_SAMPLE: list[tuple[str, Answers]] = [
    ("6f1c6a52-1d7e-4a39-9d3e-3c3f5b7c0001", {"q_unsafe_work": "yes", "q_afraid_to_leave": "no"}),
    (
        "6f1c6a52-1d7e-4a39-9d3e-3c3f5b7c0002",
        {"q_unsafe_work": "no", "q_afraid_to_leave": "no", "q_sex_exchange": "no", "q_told_to_lie": "no"},
    ),
    (
        "6f1c6a52-1d7e-4a39-9d3e-3c3f5b7c0003",
        {"q_unsafe_work": "no", "q_afraid_to_leave": "refused", "q_sex_exchange": "dont_know"},
    ),
]
QYIT_STATUS = [OutcomeStatus.POSITIVE, OutcomeStatus.NEGATIVE, OutcomeStatus.INCONCLUSIVE]

DELPHI_SAMPLE: list[tuple[str, Answers]] = [
    ("b2a4e1f0-0000-4000-8000-000000000001", answers_for(DELPHI, DELPHI_POSITIVE)),
    ("b2a4e1f0-0000-4000-8000-000000000002", answers_for(DELPHI, ["cd_violence", "cd_documents"])),
    ("b2a4e1f0-0000-4000-8000-000000000003", {**answers_for(DELPHI, DELPHI_POSITIVE), "q_cd_violence": None}),
]
DELPHI_STATUS = [OutcomeStatus.POSITIVE, OutcomeStatus.NEGATIVE, OutcomeStatus.INCONCLUSIVE]


def _check(
    batch: SubmissionBatch,
    instrument: Instrument,
    sample: Sequence[tuple[str, Answers]],
    statuses: Sequence[OutcomeStatus],
    kind: ExportFormat,
) -> None:
    assert batch.instrument == instrument.id
    assert batch.instrument_version == instrument.version
    assert batch.format is kind
    assert batch.missing_items == ()
    assert [s.external_id for s in batch.submissions] == [uuid for uuid, _ in sample]
    for submission, (_, answers), status in zip(batch.submissions, sample, statuses, strict=True):
        assert dict(submission.answers) == _full(instrument, answers)
        assert submission.result == score(instrument, _full(instrument, answers))
        assert submission.result.status is status
        assert submission.submitted_at is not None
        assert submission.submitted_at.tzinfo is not None


def test_odk_central_csv_delphi() -> None:
    text = odk_csv(DELPHI, DELPHI_SAMPLE)
    batch = read_submissions(DELPHI, text.encode(), filename="delphi.csv")

    _check(batch, DELPHI, DELPHI_SAMPLE, DELPHI_STATUS, ExportFormat.CSV)
    assert [s.line for s in batch.submissions] == [2, 3, 4]
    assert [s.location for s in batch.submissions] == ["line 2", "line 3", "line 4"]
    assert batch.submissions[0].submitted_at == datetime(2024, 3, 1, 10, 22, 33, 123000, tzinfo=UTC)
    assert "start" in batch.ignored_columns
    assert "disclaimer" in batch.ignored_columns
    assert "ReviewState" in batch.ignored_columns


def test_odk_central_csv_with_slash_group_separator() -> None:
    batch = read_submissions(QYIT, odk_csv(QYIT, QYIT_SAMPLE, separator="/"))

    _check(batch, QYIT, QYIT_SAMPLE, QYIT_STATUS, ExportFormat.CSV)


def test_kobo_csv_with_semicolons_qyit() -> None:
    text = kobo_csv(QYIT, QYIT_SAMPLE)
    assert text.startswith('"start";"end"')
    batch = read_submissions(QYIT, text.encode())

    _check(batch, QYIT, QYIT_SAMPLE, QYIT_STATUS, ExportFormat.CSV)
    # Kobo writes the server time in UTC without an offset.
    assert batch.submissions[0].submitted_at == datetime(2024, 3, 1, 7, 22, 33, tzinfo=UTC)
    assert "_validation_status" in batch.ignored_columns
    assert "username" in batch.ignored_columns


def test_kobo_csv_delphi() -> None:
    batch = read_submissions(DELPHI, kobo_csv(DELPHI, DELPHI_SAMPLE), filename="export.csv")

    _check(batch, DELPHI, DELPHI_SAMPLE, DELPHI_STATUS, ExportFormat.CSV)


def test_odk_odata_json_with_nested_groups_delphi() -> None:
    batch = read_submissions(DELPHI, odata_json(DELPHI_SAMPLE).encode(), filename="Submissions.json")

    _check(batch, DELPHI, DELPHI_SAMPLE, DELPHI_STATUS, ExportFormat.JSON)
    assert [s.line for s in batch.submissions] == [1, 2, 3]
    assert [s.location for s in batch.submissions] == ["record 1", "record 2", "record 3"]
    assert batch.submissions[0].submitted_at == datetime(2024, 3, 1, 10, 22, 33, 123000, tzinfo=UTC)


def test_odk_odata_json_qyit_sniffed_without_a_name() -> None:
    batch = read_submissions(QYIT, odata_json(QYIT_SAMPLE))

    _check(batch, QYIT, QYIT_SAMPLE, QYIT_STATUS, ExportFormat.JSON)


@pytest.mark.parametrize("wrapped", [True, False], ids=["api results", "plain list"])
def test_kobo_json_qyit(wrapped: bool) -> None:
    batch = read_submissions(QYIT, kobo_json(QYIT_SAMPLE, wrapped=wrapped).encode())

    _check(batch, QYIT, QYIT_SAMPLE, QYIT_STATUS, ExportFormat.JSON)
    assert batch.submissions[2].submitted_at == datetime(2024, 3, 1, 7, 22, 33, tzinfo=UTC)


def test_kobo_json_delphi() -> None:
    batch = read_submissions(DELPHI, kobo_json(DELPHI_SAMPLE), file_format="json")

    _check(batch, DELPHI, DELPHI_SAMPLE, DELPHI_STATUS, ExportFormat.JSON)


def test_the_same_submissions_read_alike_from_every_shape() -> None:
    def key(batch: SubmissionBatch) -> list[tuple[str, dict[str, Any], OutcomeStatus]]:
        return [(s.external_id, dict(s.answers), s.result.status) for s in batch.submissions]

    shapes = [odk_csv(QYIT, QYIT_SAMPLE), kobo_csv(QYIT, QYIT_SAMPLE), odata_json(QYIT_SAMPLE)]
    shapes.append(kobo_json(QYIT_SAMPLE))
    readings = [key(read_submissions(QYIT, text)) for text in shapes]

    # "uuid:" is dropped, so ODK's instance ids and Kobo's _uuid agree.
    assert readings[0][0][0] == QYIT_SAMPLE[0][0]
    assert all(reading == readings[0] for reading in readings)


def test_mixed_answer_types_in_kobo_csv_with_per_choice_columns() -> None:
    formula = '=HYPERLINK("http://x";"click")+cmd|\' /C calc\'!A0'
    sample: list[tuple[str, Answers]] = [
        (
            "m1",
            {"q_s1": "yes", "q_kind": "b", "q_where": ("farm", "home"), "q_hours": 14.5, "q_notes": formula},
        ),
        ("m2", {"q_s1": "no", "q_where": ("factory",), "q_hours": 8.0, "q_notes": "line one\nline two"}),
        ("m3", {"q_s1": "refused"}),
    ]
    batch = read_submissions(MIXED, kobo_csv(MIXED, sample, per_choice=True))

    assert [dict(s.answers) for s in batch.submissions] == [_full(MIXED, answers) for _, answers in sample]
    assert batch.submissions[0].answers["q_notes"] == formula
    # The quoted line break inside record 2 makes record 3 start one line later.
    assert [s.line for s in batch.submissions] == [2, 3, 5]


def test_select_multiple_from_per_choice_columns_alone() -> None:
    text = _csv(
        [
            ["_uuid", "grp/q_where/farm", "grp/q_where/factory", "grp/q_where/home", "q_hours"],
            ["a", "1", "0", "1", "3"],
            ["b", "0", "0", "0", ""],
            ["c", "", "", "", "2"],
        ]
    )
    batch = read_submissions(MIXED, text)

    assert [s.answers["q_where"] for s in batch.submissions] == [("farm", "home"), None, None]
    assert "q_notes" in batch.missing_items


def test_per_choice_columns_that_disagree_with_the_answer_are_reported() -> None:
    text = _csv([["_uuid", "q_where", "q_where/farm", "q_where/home"], ["a", "farm", "1", "1"]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(MIXED, text)

    assert problems_of(error) == [
        "line 2: column 'q_where' ('farm') disagrees with the per-choice columns for home"
    ]


def test_odata_numbers_and_lists() -> None:
    document = {
        "value": [
            {"__id": "uuid:1", "g": {"q_hours": 12, "q_where": "farm factory", "q_s1": None}},
            {"__id": "uuid:2", "g": {"q_hours": "7.5", "q_where": ["home"]}},
        ]
    }
    batch = read_submissions(MIXED, json.dumps(document))

    assert batch.submissions[0].answers["q_hours"] == 12.0
    assert batch.submissions[0].answers["q_where"] == ("farm", "factory")
    assert batch.submissions[1].answers["q_hours"] == 7.5
    assert batch.submissions[1].answers["q_where"] == ("home",)
    assert batch.submissions[0].submitted_at is None


def test_bom_crlf_blank_lines_and_a_quoted_line_break() -> None:
    text = odk_csv(QYIT, QYIT_SAMPLE)
    lines = text.split("\r\n")
    # A blank line after the header and another at the end, as spreadsheets leave them.
    text = "\r\n".join([lines[0], "", *lines[1:], "", ""])
    batch = read_submissions(QYIT, b"\xef\xbb\xbf" + text.encode())

    _check(batch, QYIT, QYIT_SAMPLE, QYIT_STATUS, ExportFormat.CSV)
    assert [s.line for s in batch.submissions] == [3, 4, 5]


def test_bom_in_text_input_and_lone_cr_line_ends() -> None:
    text = "\ufeff" + odk_csv(QYIT, QYIT_SAMPLE).replace("\r\n", "\r")
    batch = read_submissions(QYIT, text)

    assert [s.line for s in batch.submissions] == [2, 3, 4]
    assert batch.submissions[0].result.status is OutcomeStatus.POSITIVE


def test_utf16_with_bom_is_read() -> None:
    batch = read_submissions(QYIT, odk_csv(QYIT, QYIT_SAMPLE).encode("utf-16"))

    assert len(batch.submissions) == 3


def test_the_batch_is_frozen() -> None:
    import dataclasses

    batch = read_submissions(QYIT, odk_csv(QYIT, QYIT_SAMPLE))
    submission: Submission = batch.submissions[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        submission.external_id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        submission.answers["q_unsafe_work"] = "no"  # type: ignore[index]


def test_submitted_at_keeps_an_offset() -> None:
    text = _csv([["_uuid", "_submission_time", "q_s1"], ["a", "2024-03-01T10:22:33.1234567+03:00", "yes"]])
    moment = read_submissions(MIXED, text).submissions[0].submitted_at

    assert moment == datetime(2024, 3, 1, 10, 22, 33, 123456, tzinfo=timezone(timedelta(hours=3)))


# --- failures: all or nothing, every problem with its line --------------------------------------------------


def test_bad_values_on_lines_3_and_5_are_both_reported_and_nothing_is_returned() -> None:
    sample = [(f"id-{n}", {"q_unsafe_work": "no"}) for n in range(5)]
    text = odk_csv(QYIT, sample)
    lines = text.split("\r\n")
    lines[2] = lines[2].replace(",no,", ",Yes,", 1)  # line 3
    lines[4] = lines[4].replace(",no,", ",maybe,", 1)  # line 5
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, "\r\n".join(lines))

    allowed = "allowed: yes, no, dont_know, refused or blank (unanswered)"
    assert problems_of(error) == [
        f"line 3: column 'screen-q_unsafe_work': 'Yes' is not allowed; {allowed}",
        f"line 5: column 'screen-q_unsafe_work': 'maybe' is not allowed; {allowed}",
    ]
    message = str(error.value)
    assert message.startswith("the submissions were not imported (nothing was)")
    assert "line 3" in message
    assert "line 5" in message


def test_bad_values_in_json_name_the_record_and_field() -> None:
    sample: list[tuple[str, Answers]] = [("a", {"q_unsafe_work": "yes"}), ("b", {"q_told_to_lie": "si"})]
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, kobo_json(sample))

    assert problems_of(error) == [
        "record 2: column 'screen/q_told_to_lie': 'si' is not allowed; "
        "allowed: yes, no, dont_know, refused or blank (unanswered)"
    ]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("q_kind", "c", "'c' is not allowed; allowed: a, b, refused, dont_know or blank (unanswered)"),
        ("q_where", "farm boat", "'farm boat' is not allowed; allowed: names among farm, factory, home"),
        ("q_where", "farm farm", "a choice is selected twice"),
        ("q_hours", "ten", "'ten' is not allowed; allowed: a number such as 3 or 2.5"),
        ("q_hours", "nan", "'nan' is not allowed"),
        ("q_hours", "1e999", "'1e999' is not allowed"),
        ("q_hours", "1_000", "'1_000' is not allowed"),
        ("q_hours", "=1+1", "'=1+1' is not allowed"),
    ],
)
def test_values_that_do_not_fit_the_question(column: str, value: str, expected: str) -> None:
    text = _csv([["_uuid", column], ["a", value]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(MIXED, text)

    [problem] = problems_of(error)
    assert problem.startswith(f"line 2: column {column!r}: ")
    assert expected in problem


def test_missing_instance_id() -> None:
    text = odk_csv(QYIT, QYIT_SAMPLE).replace("uuid:6f1c6a52-1d7e-4a39-9d3e-3c3f5b7c0002", "")
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text)

    assert problems_of(error) == ["line 3: no instance id (meta-instanceID, KEY is blank)"]


def test_missing_instance_id_in_json() -> None:
    document = {"value": [{"__id": "uuid:1", "q_unsafe_work": "yes"}, {"q_unsafe_work": "no", "__id": None}]}
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, json.dumps(document))

    assert problems_of(error) == ["record 2: no instance id (__id is blank)"]


def test_a_file_without_an_id_column_is_reported_once() -> None:
    text = _csv([["q_unsafe_work"], ["yes"], ["no"], ["oui"]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text)

    assert problems_of(error) == [
        "(file): no instance id column (meta-instanceID, KEY, __id, meta/instanceID or _uuid)",
        "line 4: column 'q_unsafe_work': 'oui' is not allowed; "
        "allowed: yes, no, dont_know, refused or blank (unanswered)",
    ]


def test_duplicate_instance_ids() -> None:
    sample = [("same", {"q_unsafe_work": "yes"}), ("other", {}), ("same", {"q_unsafe_work": "no"})]
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, kobo_csv(QYIT, sample))

    assert problems_of(error) == ["line 4: instance id 'same' is already used by line 2"]


def test_duplicate_ids_across_odk_and_kobo_spellings() -> None:
    document = [
        {"_uuid": "abc", "q_unsafe_work": "yes"},
        {"meta/instanceID": "uuid:abc", "q_unsafe_work": "no"},
    ]
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, json.dumps(document))

    assert problems_of(error) == ["record 2: instance id 'abc' is already used by record 1"]


def test_wrong_instrument() -> None:
    with pytest.raises(SubmissionError) as error:
        read_submissions(DELPHI, odk_csv(QYIT, QYIT_SAMPLE))

    [problem] = problems_of(error)
    assert problem.startswith(
        "(file): this file does not look like an export of instrument ilo_ec_delphi_adult_labour"
    )
    assert "none of its questions (q_dr_job_nature" in problem
    assert "(67 in all)" in problem
    assert "columns seen: 'SubmissionDate', 'start'" in problem
    assert "'screen-q_unsafe_work'" in problem


def test_wrong_instrument_json() -> None:
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, odata_json(DELPHI_SAMPLE))

    assert "does not look like an export of instrument quick_youth_indicators" in str(error.value)
    assert "'screen/q_dr_job_nature'" in str(error.value)


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"  \r\n\r\n", ""], ids=["empty", "bom", "blank", "text"]
)
def test_empty_file(data: bytes | str) -> None:
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, data)

    assert problems_of(error) == ["(file): the file is empty"]


@pytest.mark.parametrize(
    "data",
    [_csv([["meta-instanceID", "q_unsafe_work"]]), '{"value": []}', "[]"],
    ids=["csv header only", "odata", "list"],
)
def test_no_submissions(data: str) -> None:
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, data)

    # An empty JSON list has no columns either, so it cannot be told apart from an export of another form.
    assert len(error.value.problems) == 1
    assert ("no submissions" in str(error.value)) or ("does not look like an export" in str(error.value))


def test_malformed_json_names_line_and_column() -> None:
    text = '{"value": [\n  {"__id": "uuid:1", "q_unsafe_work": "yes"},\n  {"__id": "uuid:2" "q_x": 1}\n]}'
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text, filename="export.json")

    assert problems_of(error) == ["line 3: this is not valid JSON (column 21): Expecting ',' delimiter"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"value": [{"__id": "1", "q_unsafe_work": NaN}]}', "NaN is not a number JSON allows"),
        ('{"rows": []}', "this JSON is not a list of submissions"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('[{"__id": "1", "q_unsafe_work": "yes"}, 3]', "record 2: expected a submission (an object)"),
    ],
    ids=["nan", "wrong shape", "deep nesting", "not an object"],
)
def test_hostile_or_odd_json(text: str, expected: str) -> None:
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text, file_format="json")

    assert expected in str(error.value)


def test_malformed_csv_stops_at_the_broken_record_but_reports_earlier_lines() -> None:
    text = 'meta-instanceID,q_unsafe_work\r\na,perhaps\r\nb,"yes\r\nc,no\r\n'
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text)

    assert problems_of(error) == [
        "lines 3-4: this is not valid CSV (a quoted field is never closed); the file was not read further",
        "line 2: column 'q_unsafe_work': 'perhaps' is not allowed; "
        "allowed: yes, no, dont_know, refused or blank (unanswered)",
    ]


def test_a_row_with_too_many_fields() -> None:
    text = _csv([["meta-instanceID", "q_unsafe_work"], ["a", "yes"], ["b", "no", "extra"], ["c", "no"]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text)

    assert problems_of(error) == ["line 3: 3 fields, but the header has 2 columns"]


def test_a_header_naming_one_question_twice() -> None:
    text = _csv([["KEY", "q_unsafe_work", "g-q_unsafe_work"], ["a", "yes", "no"]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text)

    assert problems_of(error) == [
        "line 1: columns 'q_unsafe_work' and 'g-q_unsafe_work' both answer q_unsafe_work"
    ]


def test_a_header_naming_an_id_column_twice() -> None:
    text = _csv([["KEY", "q_unsafe_work", "KEY"], ["a", "yes", "a"]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text)

    assert problems_of(error) == ["line 1: column 'KEY' appears twice in the header"]


def test_repeated_or_empty_columns_that_are_not_read_do_not_matter() -> None:
    text = _csv([["KEY", "note", "q_unsafe_work", "note", "", ""], ["a", "", "yes", "", "", ""]])
    batch = read_submissions(QYIT, text)

    assert batch.submissions[0].answers["q_unsafe_work"] == "yes"
    assert batch.missing_items == ("q_afraid_to_leave", "q_sex_exchange", "q_told_to_lie")


def test_a_json_record_answering_one_question_twice() -> None:
    document = [{"_uuid": "a", "q_unsafe_work": "yes", "screen": {"q_unsafe_work": "no"}}]
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, json.dumps(document))

    assert problems_of(error) == [
        "record 1: columns 'q_unsafe_work' and 'screen/q_unsafe_work' both answer q_unsafe_work"
    ]


def test_a_giant_field_is_a_clear_error() -> None:
    text = 'KEY,q_unsafe_work,q_notes\r\na,yes,"' + "x" * 200_000 + '"\r\n'
    with pytest.raises(SubmissionError) as error:
        read_submissions(MIXED, text)

    [problem] = problems_of(error)
    assert problem.startswith("line 2: this is not valid CSV (a field is longer than")


def test_a_giant_json_string_is_a_clear_error() -> None:
    text = json.dumps([{"__id": "a", "q_notes": "x" * 200_000}])
    with pytest.raises(SubmissionError) as error:
        read_submissions(MIXED, text)

    assert problems_of(error) == ["record 1: column 'q_notes': the value is longer than 131072 characters"]


def test_too_many_rows() -> None:
    sample = [(f"id-{n}", {"q_unsafe_work": "no"}) for n in range(11)]
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, odk_csv(QYIT, sample), max_rows=10)
    assert problems_of(error) == [
        "(file): the file has more than 10 submissions, the limit: split the export"
    ]

    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, kobo_json(sample), max_rows=10)
    assert "more than 10 submissions" in str(error.value)

    assert len(read_submissions(QYIT, odk_csv(QYIT, sample[:10]), max_rows=10).submissions) == 10


def test_too_many_bytes() -> None:
    text = odk_csv(QYIT, QYIT_SAMPLE)
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, text.encode(), max_bytes=100)

    assert problems_of(error) == [
        f"(file): the file is {len(text.encode())} bytes; the limit is 100 bytes: split the export"
    ]


def test_default_limits_refuse_a_big_file() -> None:
    big = b"KEY,q_unsafe_work\n" + b"a,yes\n" * 2_000_000
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, big)

    assert "the limit is 10.0 MB" in str(error.value)


def test_default_row_limit_is_5000() -> None:
    rows = [["KEY", "q_unsafe_work"]] + [[f"id-{n}", "no"] for n in range(5001)]
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, _csv(rows))

    assert "more than 5000 submissions" in str(error.value)


def test_not_text() -> None:
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, b"PK\x03\x04rest of a zip")
    assert "export the data as CSV" in str(error.value)

    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, b"KEY,q_unsafe_work\na,yes\nb,\xff\xfe\n")
    assert problems_of(error) == ["line 3: the file is not UTF-8 text (byte 27): save it as UTF-8"]

    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, b"KEY,q_unsafe_work\na,y\x00es\n")
    assert problems_of(error) == ["line 2: the file holds binary data, not a CSV or JSON export"]

    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, b"anything", filename="export.xlsx")
    assert "export the data as CSV or JSON" in str(error.value)


def test_bad_submission_time() -> None:
    text = _csv([["_uuid", "_submission_time", "q_s1"], ["a", "yesterday", "yes"]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(MIXED, text)

    assert problems_of(error) == [
        "line 2: column '_submission_time': 'yesterday' is not a date and time (ISO 8601 expected)"
    ]


def test_long_values_are_cut_short_in_messages() -> None:
    text = _csv([["_uuid", "q_s1"], ["a", "\x1b[31m" + "z" * 500]])
    with pytest.raises(SubmissionError) as error:
        read_submissions(MIXED, text)

    [problem] = problems_of(error)
    assert "\\x1b[31m" in problem  # escaped, never written raw to a terminal or a page
    assert len(problem) < 200


def test_many_problems_are_all_kept_but_the_message_is_bounded() -> None:
    rows = [["KEY", "q_unsafe_work"]] + [[f"id-{n}", "bad"] for n in range(300)]
    with pytest.raises(SubmissionError) as error:
        read_submissions(QYIT, _csv(rows))

    assert len(error.value.problems) == 300
    assert "... and 100 more problems" in str(error.value)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        read_submissions(QYIT, "KEY,q_unsafe_work\na,yes\n", max_rows=0)


# --- property: a CSV written from any valid answers reads back to the same answers ---------------------------


def _answer(instrument: Instrument, item_id: str) -> st.SearchStrategy[Any]:
    item = instrument.items_by_id[item_id]
    states = st.sampled_from([None, "refused", "dont_know"])
    match item.answer_type:
        case AnswerType.YES_NO:
            return st.sampled_from([None, "yes", "no", "refused", "dont_know"])
        case AnswerType.SINGLE_CHOICE:
            return states | st.sampled_from([choice.id for choice in item.choices])
        case AnswerType.MULTI_CHOICE:
            order = [choice.id for choice in item.choices]
            return st.lists(st.sampled_from(order), min_size=1, unique=True).map(
                lambda chosen: tuple(sorted(chosen, key=order.index))
            ) | st.just(None)
        case AnswerType.NUMBER:
            return st.none() | st.floats(allow_nan=False, allow_infinity=False)
        case AnswerType.TEXT:
            text = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r"), max_size=40)
            return st.none() | text.filter(lambda value: bool(value.strip()))


def _answers(instrument: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({item.id: _answer(instrument, item.id) for item in instrument.items})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instrument=st.sampled_from([MIXED, QYIT, DELPHI]),
    data=st.data(),
    delimiter=st.sampled_from([",", ";"]),
    newline=st.sampled_from(["\r\n", "\n"]),
    separator=st.sampled_from(["-", "/"]),
    bom=st.booleans(),
)
def test_csv_round_trip(
    instrument: Instrument, data: st.DataObject, delimiter: str, newline: str, separator: str, bom: bool
) -> None:
    submissions = data.draw(st.lists(_answers(instrument), min_size=1, max_size=4))
    items = [item.id for item in instrument.items]
    header = ["SubmissionDate", "meta-instanceID", *(f"grp{separator}{item}" for item in items)]
    rows = [
        [f"2024-01-0{n + 1}T00:00:00Z", f"uuid:{n}", *(_cell(a[item]) for item in items)]
        for n, a in enumerate(submissions)
    ]
    text = _csv([header, *rows], delimiter=delimiter, newline=newline)
    # The physical line each record starts on, quoted line breaks included.
    starts = [2]
    for row in rows[:-1]:
        starts.append(starts[-1] + len(LINE_BREAK.findall(_csv([row], delimiter=delimiter, newline=newline))))

    batch = read_submissions(instrument, (b"\xef\xbb\xbf" if bom else b"") + text.encode())

    assert [dict(s.answers) for s in batch.submissions] == submissions
    assert [s.line for s in batch.submissions] == starts
    assert [s.result for s in batch.submissions] == [score(instrument, answers) for answers in submissions]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_json_round_trip(data: st.DataObject) -> None:
    submissions = data.draw(st.lists(_answers(MIXED), min_size=1, max_size=4))
    document = {
        "value": [
            {
                "__id": f"uuid:{n}",
                "grp": {
                    item: list(value) if isinstance(value, tuple) else value
                    for item, value in answers.items()
                },
            }
            for n, answers in enumerate(submissions)
        ]
    }
    batch = read_submissions(MIXED, json.dumps(document))

    assert [dict(s.answers) for s in batch.submissions] == submissions
