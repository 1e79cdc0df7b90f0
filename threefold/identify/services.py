"""The only way to change screenings, uploaded instruments and the referral directory. Each write is checked
against the rules, runs in one transaction and leaves an audit entry (ids and field names, never answers)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.identify import catalogue
from threefold.identify.core.answers import parse_answers
from threefold.identify.core.instrument import InstrumentError
from threefold.identify.core.problems import Problem
from threefold.identify.core.scoring import score_answers
from threefold.identify.models import (
    Channel,
    ConsentMethod,
    DirectoryEntry,
    InstrumentSource,
    ReviewDecision,
    Screening,
    Status,
)
from threefold.identify.records import ScreeningRecord, read_record, write_record, write_review_note
from threefold.protect.models import Person
from threefold.vault import sealed

if TYPE_CHECKING:
    from threefold.identify.core.submissions import SubmissionBatch

MAX_INSTRUMENT_BYTES = 512 * 1024


class ConflictError(Exception):
    """The screening changed since the page was opened (another tab or device); nothing was overwritten."""


# ---- screenings in the browser


def start_screening(actor: Actor, entry: catalogue.Entry, *, setting: str, language: str) -> Screening:
    if not allowed(actor, "identify.screen"):
        raise PermissionDenied
    if setting not in entry.instrument.settings:
        raise ValueError(f"{entry.instrument.id} is not made for the setting {setting!r}")
    with transaction.atomic():
        screening = Screening(
            organisation_id=actor.org_id,
            source=catalogue.source_for(entry),
            setting=setting,
            languages=[language],
            screened_by=actor.user,
        )
        write_record(screening, ScreeningRecord())
        screening.save()
        audit.record(actor, Action.CREATE, screening, details={"instrument": entry.instrument.id})
    return screening


def save_answer(
    actor: Actor, screening: Screening, item_id: str, value: object, *, language: str, expected_version: int
) -> Screening:
    """Record one answer (or a refusal, don't know, or clearing it). Raises ``AnswerError`` for a value the
    item does not accept and ``ConflictError`` when another device changed the screening meanwhile."""
    if not allowed(actor, "identify.continue_screening", screening) or screening.status != Status.IN_PROGRESS:
        raise PermissionDenied
    instrument = catalogue.instrument_of(screening.source)
    record = read_record(screening)
    answers = dict(record.answers)
    if value is None:
        answers.pop(item_id, None)
    else:
        answers[item_id] = value
    parse_answers(instrument, {item_id: answers.get(item_id)})  # validates this item only; raises AnswerError
    record.answers = answers
    languages = list(screening.languages)
    if not languages or languages[-1] != language:
        languages.append(language)  # a switch of language mid-screening is part of the record
    with transaction.atomic():
        write_record(screening, record)
        updated = Screening.objects.filter(pk=screening.pk, version=expected_version).update(
            record=screening.record, languages=languages, version=F("version") + 1
        )
        if not updated:
            raise ConflictError
        audit.record(actor, Action.UPDATE, screening, details={"item": item_id})
    screening.refresh_from_db()
    return screening


def finish_screening(actor: Actor, screening: Screening) -> Screening:
    """Score with the instrument text the screening started with and store the outcome."""
    if not allowed(actor, "identify.continue_screening", screening) or screening.status != Status.IN_PROGRESS:
        raise PermissionDenied
    with transaction.atomic():
        _complete(screening, read_record(screening))
        screening.save()
        audit.record(
            actor, Action.UPDATE, screening, details={"status": Status.COMPLETE, "outcome": screening.outcome}
        )
    return screening


def _complete(screening: Screening, record: ScreeningRecord, *, completed_at: Any = None) -> None:
    instrument = catalogue.instrument_of(screening.source)
    result = score_answers(instrument, parse_answers(instrument, record.answers))
    record.scored = result.to_dict()
    write_record(screening, record)
    screening.status = Status.COMPLETE
    screening.outcome = result.status.value
    screening.band = result.band.id
    screening.urgency = result.band.urgency
    screening.completed_at = completed_at or timezone.now()


def record_screening(
    actor: Actor, entry: catalogue.Entry, *, setting: str, answers: Mapping[str, object], language: str
) -> Screening:
    """Store a whole screening at once (from the API): answers validated, scored, sealed and audited.

    Raises ``AnswerError`` naming each item at fault; nothing is stored then.
    """
    if not allowed(actor, "identify.screen"):
        raise PermissionDenied
    if setting not in entry.instrument.settings:
        raise ValueError(f"{entry.instrument.id} is not made for the setting {setting!r}")
    parse_answers(entry.instrument, answers)
    with transaction.atomic():
        screening = Screening(
            organisation_id=actor.org_id,
            source=catalogue.source_for(entry),
            setting=setting,
            channel=Channel.API,
            languages=[language],
            screened_by=actor.user,
        )
        _complete(screening, ScreeningRecord(answers=dict(answers)))
        screening.save()
        audit.record(
            actor,
            Action.CREATE,
            screening,
            details={"instrument": entry.instrument.id, "outcome": screening.outcome},
        )
    return screening


def discard_screening(actor: Actor, screening: Screening) -> None:
    """Throw away an unfinished screening (the person stopped, or it was started by mistake)."""
    if not allowed(actor, "identify.continue_screening", screening) or screening.status != Status.IN_PROGRESS:
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, Action.DELETE, screening)
        screening.delete()


def purge_unfinished(*, older_than: timedelta, label: str) -> int:
    """Delete screenings left unfinished for longer than ``older_than`` (data minimisation: a stopped interview
    is not kept indefinitely). Run by a command, not a person; one audit entry per organisation."""
    cutoff = timezone.now() - older_than
    stale = Screening.objects.filter(status=Status.IN_PROGRESS, started_at__lt=cutoff)
    deleted = 0
    with transaction.atomic():
        for organisation_id in sorted(set(stale.values_list("organisation_id", flat=True))):
            references = list(
                stale.filter(organisation_id=organisation_id).values_list("reference", flat=True)
            )
            stale.filter(organisation_id=organisation_id).delete()
            audit.record(
                None,
                Action.DELETE,
                ("identify.screening", ""),
                system_label=label,
                organisation_id=organisation_id,
                details={"unfinished_screenings": references, "older_than_days": older_than.days},
            )
            deleted += len(references)
    return deleted


def attach_person(actor: Actor, screening: Screening, person: Person, consent: ConsentMethod) -> Screening:
    """Keep a completed screening with a person's record. Only with consent, recorded here with who and how."""
    if (
        not allowed(actor, "identify.attach_person", screening)
        or not allowed(actor, "identify.view_screening", screening)
        or not allowed(actor, "protect.view_person", person)
        or person.organisation_id != screening.organisation_id
        or screening.status != Status.COMPLETE
        or screening.person_id is not None
    ):
        raise PermissionDenied
    if consent not in ConsentMethod.values:
        raise ValueError("a consent method is required to keep a screening with a person")
    with transaction.atomic():
        screening.person = person
        screening.consent_method = consent
        screening.consent_recorded_by = actor.user
        screening.consent_recorded_at = timezone.now()
        # From now on the answers are about this person: under their key, so erasing them erases these too.
        for field in ("record", "review_note"):
            sealed.move_to_subject(screening, field, subject=person.reference)
        screening.save()
        audit.record(
            actor,
            Action.UPDATE,
            screening,
            purpose="attached to a person with consent",
            details={"person": person.reference, "consent": str(consent)},
        )
    return screening


def review_screening(actor: Actor, screening: Screening, decision: ReviewDecision, note: str) -> Screening:
    if not allowed(actor, "identify.review", screening) or screening.status != Status.COMPLETE:
        raise PermissionDenied
    with transaction.atomic():
        screening.review_decision = decision
        screening.reviewed_by = actor.user
        screening.reviewed_at = timezone.now()
        write_review_note(screening, note.strip())
        screening.save()
        audit.record(actor, Action.UPDATE, screening, purpose="review", details={"decision": str(decision)})
    return screening


# ---- ODK / Kobo submissions


@dataclass(frozen=True)
class ImportReport:
    created: tuple[str, ...]  # screening references


class DuplicateSubmissionError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def import_submissions(
    actor: Actor, entry: catalogue.Entry, batch: SubmissionBatch, *, setting: str
) -> ImportReport:
    """Store every submission of a parsed batch as a completed screening, or none of them.

    ``batch`` comes from ``core.submissions.read_submissions``, which has already refused a file with any bad
    line; here a submission imported before is the one remaining reason to refuse, and it refuses the lot.
    """
    from threefold.identify import access

    if not allowed(actor, "identify.import_submissions"):
        raise PermissionDenied
    if setting not in entry.instrument.settings:
        raise ValueError(f"{entry.instrument.id} is not made for the setting {setting!r}")
    if (batch.instrument, batch.instrument_version) != (entry.instrument.id, entry.instrument.version):
        raise ValueError(
            f"the submissions were read with {batch.instrument} {batch.instrument_version}, "
            f"not {entry.instrument.id} {entry.instrument.version}"
        )
    seen = access.known_external_ids(actor, [row.external_id for row in batch.submissions])
    duplicates = [
        Problem(row.location, f"submission {row.external_id} was imported before")
        for row in batch.submissions
        if row.external_id in seen
    ]
    if duplicates:
        raise DuplicateSubmissionError(duplicates)
    created = []
    with transaction.atomic():
        source = catalogue.source_for(entry)
        for row in batch.submissions:
            screening = Screening(
                organisation_id=actor.org_id,
                source=source,
                setting=setting,
                channel=Channel.ODK,
                external_id=row.external_id,
                started_at=row.submitted_at or timezone.now(),
            )
            _complete(screening, ScreeningRecord(answers=dict(row.answers)), completed_at=row.submitted_at)
            screening.save()
            created.append(screening.reference)
        audit.record(
            actor,
            Action.CREATE,
            ("identify.screening", ""),
            purpose="ODK/Kobo import",
            details={"instrument": entry.instrument.id, "count": len(created)},
        )
    return ImportReport(tuple(created))


# ---- organisations' own instruments


def upload_instrument(actor: Actor, text: str, *, filename: str = "instrument") -> InstrumentSource:
    """Validate an organisation's instrument with the same engine as the shipped ones and store this version.

    Raises ``InstrumentError`` listing every problem with the path of its field.
    """
    if not allowed(actor, "identify.manage_instruments"):
        raise PermissionDenied
    if len(text.encode("utf-8")) > MAX_INSTRUMENT_BYTES:
        raise InstrumentError([Problem("(file)", f"larger than {MAX_INSTRUMENT_BYTES // 1024} KB")], filename)
    instrument = catalogue.parse(text, filename)
    problems = []
    if instrument.id in catalogue.shipped_ids():
        problems.append(Problem("id", f"{instrument.id!r} is a shipped instrument; give yours its own id"))
    previous = InstrumentSource.objects.filter(organisation_id=actor.org_id, instrument_id=instrument.id)
    if previous.filter(version=instrument.version).exists():
        problems.append(_version_taken(instrument.id, instrument.version))
    if problems:
        raise InstrumentError(problems, filename)
    try:
        with transaction.atomic():
            source = InstrumentSource.objects.create(
                organisation_id=actor.org_id,
                instrument_id=instrument.id,
                version=instrument.version,
                sha256=catalogue.sha256(text),
                text=text,
                uploaded_by=actor.user,
            )
            audit.record(
                actor,
                Action.CREATE,
                source,
                details={"instrument": instrument.id, "version": instrument.version},
            )
    except IntegrityError as error:  # the same version uploaded twice at once (a double click)
        raise InstrumentError([_version_taken(instrument.id, instrument.version)], filename) from error
    return source


def _version_taken(instrument_id: str, version: str) -> Problem:
    return Problem("version", f"version {version} of {instrument_id!r} exists; raise the version")


def retire_instrument(actor: Actor, source: InstrumentSource) -> None:
    """Stop offering an uploaded version for new screenings; screenings made with it keep it."""
    if not allowed(actor, "identify.manage_instruments") or source.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if source.retired_at is not None:
        return  # already retired: keep the date it was first retired
    with transaction.atomic():
        source.retired_at = timezone.now()
        source.save(update_fields=["retired_at"])
        audit.record(actor, Action.UPDATE, source, details={"retired": True})


# ---- referral directory

DIRECTORY_FIELDS = (
    "kind",
    "name",
    "country",
    "region",
    "phone",
    "website",
    "email",
    "hours",
    "languages",
    "serves_children",
    "urgent",
    "notes",
)


def save_directory_entry(
    actor: Actor, values: Mapping[str, Any], entry: DirectoryEntry | None = None
) -> DirectoryEntry:
    if entry is None:
        if not allowed(actor, "identify.manage_directory"):
            raise PermissionDenied
        entry = DirectoryEntry(organisation_id=actor.org_id)
    elif not allowed(actor, "identify.change_directory_entry", entry):
        raise PermissionDenied
    creating = entry.pk is None
    for name in DIRECTORY_FIELDS:
        if name in values:
            setattr(entry, name, values[name])
    entry.country = entry.country.upper()
    entry.updated_at = timezone.now()
    entry.updated_by = actor.user
    with transaction.atomic():
        entry.full_clean()
        entry.save()
        audit.record(
            actor, Action.CREATE if creating else Action.UPDATE, entry, details={"fields": sorted(values)}
        )
    return entry


def delete_directory_entry(actor: Actor, entry: DirectoryEntry) -> None:
    if not allowed(actor, "identify.change_directory_entry", entry):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, Action.DELETE, entry, details={"name": entry.name})
        entry.delete()
