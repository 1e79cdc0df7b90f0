"""The sealed part of a screening: the answers as given and, once scored, the result as it was shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from threefold.identify.core.answers import parse_answers
from threefold.identify.core.definition import Instrument
from threefold.identify.core.results import ScreeningResult
from threefold.identify.core.scoring import score_answers
from threefold.identify.models import RECORD_CONTEXT, REVIEW_NOTE_CONTEXT, Screening
from threefold.vault import sealed


@dataclass
class ScreeningRecord:
    answers: dict[str, Any] = field(
        default_factory=dict
    )  # item id -> raw value or state word, as parse_answers reads
    scored: dict[str, Any] | None = None  # ScreeningResult.to_dict() at the time of scoring

    def result(self, instrument: Instrument) -> ScreeningResult | None:
        """The result with its explanation, recomputed from the answers and the stored instrument text.

        The engine is deterministic, so this is what was shown; ``scored`` keeps the original for the record.
        """
        if self.scored is None:
            return None
        return score_answers(instrument, parse_answers(instrument, self.answers))


def read_record(screening: Screening) -> ScreeningRecord:
    if not screening.record:
        return ScreeningRecord()
    data = sealed.unseal_json(
        bytes(screening.record),
        organisation_id=screening.organisation_id,
        context=sealed.row_context(RECORD_CONTEXT, screening.reference),
    )
    return ScreeningRecord(answers=dict(data.get("answers", {})), scored=data.get("scored"))


def _subject(screening: Screening) -> str | None:
    """Whose key seals a screening: its person's once it is attached to one (ADR 0015), else the organisation's."""
    return screening.person.reference if screening.person is not None else None


def write_record(screening: Screening, record: ScreeningRecord) -> None:
    screening.record = sealed.seal_json(
        {"answers": record.answers, "scored": record.scored},
        organisation_id=screening.organisation_id,
        context=sealed.row_context(RECORD_CONTEXT, screening.reference),
        subject=_subject(screening),
    )


def read_review_note(screening: Screening) -> str:
    if not screening.review_note:
        return ""
    data = sealed.unseal_json(
        bytes(screening.review_note),
        organisation_id=screening.organisation_id,
        context=sealed.row_context(REVIEW_NOTE_CONTEXT, screening.reference),
    )
    return str(data.get("note", ""))


def write_review_note(screening: Screening, note: str) -> None:
    screening.review_note = sealed.seal_json(
        {"note": note},
        organisation_id=screening.organisation_id,
        context=sealed.row_context(REVIEW_NOTE_CONTEXT, screening.reference),
        subject=_subject(screening),
    )
