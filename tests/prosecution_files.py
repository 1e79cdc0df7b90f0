"""Small US federal prosecutions files in the published layout (threefold.insight.core.prosecutions), for tests.

Pure Python (the pure-core tests import it without Django). Every name, case name, docket number and summary is
made up and distinctive, so that a test can look for it anywhere it must not be; each summary is quoted over
two lines, as in the published file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

CASE_HEADER = [
    "id",
    "summary",
    "name",
    "number",
    "n_defendants",
    "state",
    "federal_district",
    "year",
    "n_victims",
    "n_minors",
    "n_foreigners",
    "n_females",
    "n_males",
]
DEFENDANT_HEADER = [
    "id",
    "case_id",
    "name",
    "gender",
    "arrest_age",
    "race",
    "arrest_date",
    "charge_date",
    "bail_type",
    "bail_amount",
    "statute_sentence",
    "statute_counts",
    "statute_counts_np",
    "statute_plea_dismissed",
    "statute_plea_guilty",
    "statute_trial_guilty",
    "statute_trial_ng",
    "statute_fines",
    "statute_months_sentenced",
    "statute_months_probation",
    "n_charges",
    "n_sentences",
    "year_terminated",
    "total_months_sentenced",
    "total_months_probation",
    "restitution",
    "forfeiture_charge",
    "forfeiture_sentence",
]
JUDGE_HEADER = ["id", "name", "race", "gender", "tenure", "appointed_by", "case_id"]

DEFENDANT_NAME = "Zebedee Quillfeather"
JUDGE_NAME = "Honoria Valcourt-Amsel"
CASE_NAME = "USA v. Quillfeather"
DOCKET = "1:11-cr-04242-QXZ"
SUMMARY_WORD = "Ravensmoor"  # in every summary


def case(case_id: int, **values: str) -> dict[str, str]:
    return {
        "id": str(case_id),
        "summary": f'The defendants, {SUMMARY_WORD} brothers, recruited workers.\nThey were "paid" nothing.',
        "name": f"{CASE_NAME} {case_id}",
        "number": f"{DOCKET}-{case_id}",
        "n_defendants": "1",
        "state": "CA",
        "federal_district": "9",
        "year": "2012",
        "n_victims": "2",
        "n_minors": "1",
        "n_foreigners": "0",
        "n_females": "2",
        "n_males": "",
        **values,
    }


def defendant(defendant_id: int, case_id: int, **values: str) -> dict[str, str]:
    return {
        "id": str(defendant_id),
        "case_id": str(case_id),
        "name": f"{DEFENDANT_NAME} {defendant_id}",
        "gender": "Male",
        "arrest_age": "31",
        "race": "White",
        "arrest_date": "2011-05-02",
        "charge_date": "2011-04-15",
        "bail_type": "Surety",
        "bail_amount": "25000",
        "statute_sentence": "['1591', '2421_to_2424']",
        "statute_counts": "['1', '2']",
        "statute_counts_np": "['0', '0']",
        "statute_plea_dismissed": "['0', '1']",
        "statute_plea_guilty": "['1', '0']",
        "statute_trial_guilty": "['0', '0']",
        "statute_trial_ng": "['0', '0']",
        "statute_fines": "['0' '0']",
        "statute_months_sentenced": "['120', '0']",
        "statute_months_probation": "['0', '0']",
        "n_charges": "2",
        "n_sentences": "1",
        "year_terminated": "2013",
        "total_months_sentenced": "120",
        "total_months_probation": "0",
        "restitution": "5000",
        "forfeiture_charge": "false",
        "forfeiture_sentence": "",
        **values,
    }


def judge(judge_id: int, case_id: int, **values: str) -> dict[str, str]:
    return {
        "id": str(judge_id),
        "name": f"{JUDGE_NAME} {judge_id}",
        "race": "White",
        "gender": "Female",
        "tenure": "2002",
        "appointed_by": "Republican",
        "case_id": str(case_id),
        **values,
    }


def text(header: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    """A CSV file as the publisher's pandas wrote it: quoted only where needed, "\\n" line ends."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def lines(content: str) -> list[str]:
    return content.splitlines(keepends=True)


def world(cases: int = 3) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """``cases`` cases (ids from 405, years 2010-2014, CA and TX) with one defendant and one judge each."""
    case_rows = [case(405 + i, year=str(2010 + i % 5), state="CA" if i % 3 else "TX") for i in range(cases)]
    defendant_rows = [defendant(1797 + i, 405 + i) for i in range(cases)]
    judge_rows = [judge(i, 405 + i) for i in range(cases)]
    return case_rows, defendant_rows, judge_rows


def texts(
    case_rows: Sequence[dict[str, str]],
    defendant_rows: Sequence[dict[str, str]],
    judge_rows: Sequence[dict[str, str]],
) -> tuple[str, str, str]:
    return (
        text(CASE_HEADER, case_rows),
        text(DEFENDANT_HEADER, defendant_rows),
        text(JUDGE_HEADER, judge_rows),
    )


def write(folder: Path, contents: Sequence[str]) -> list[Path]:
    paths = []
    for name, content in zip(("cases.csv", "defendants.csv", "judges.csv"), contents, strict=True):
        path = folder / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths
