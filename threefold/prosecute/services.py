"""The only way to change prosecution records: permission, validation, sealing, timeline and audit together.

Every write needs ``prosecute.record`` on the case (a legal officer or caseworker assigned to its person), runs in
one transaction, adds a line to the case's timeline (in English: it is stored, not shown through a catalogue) and
an audit entry naming fields, never values. Edits compare-and-set on ``version``: if someone saved the row since
it was shown, nothing is written and ``ConflictError`` says so. Refusals are ``ProsecuteError``s naming the form
field they are about, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import pycountry
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import User
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.checks import Checks, FieldError
from threefold.prosecute import texts
from threefold.prosecute.core import offences, outcomes
from threefold.prosecute.models import (
    Accompaniment,
    AccompanimentKind,
    Charge,
    CompensationOrder,
    CompensationPayment,
    CourtDate,
    CourtDateKind,
    CourtDateStatus,
    Measure,
    MeasureStatus,
    NonPunishment,
    Offender,
    OrderKind,
    OwnCharge,
    OwnChargeStatus,
    PerpetratorRole,
    Proceeding,
    ProtectionMeasure,
    RiskAssessment,
    RiskLevel,
    Sentence,
    Stage,
    StageEvent,
    Verdict,
)
from threefold.protect.case_services import record_event
from threefold.protect.models import Case, CaseEventKind
from threefold.protect.services import ConflictError

MAX_TEXT_CHARS = 2000
MAX_NAME_CHARS = 200
MAX_AMOUNT = Decimal("999999999999.99")
MAX_CUSTODY_MONTHS = 1200

Row = TypeVar("Row", bound=models.Model)


class ProsecuteError(FieldError):
    """A change the records cannot take. ``field`` names the form field it is about ("" for the whole form)."""


# ---- checks shared by every write

check = Checks(ProsecuteError, text_limit=MAX_TEXT_CHARS, line_limit=MAX_NAME_CHARS)


def _may_record(actor: Actor, case: Case) -> None:
    if not allowed(actor, "prosecute.record", case):
        raise PermissionDenied


def _of(proceeding: Proceeding, row: models.Model) -> None:
    # Views load rows through the proceeding already; this stops a caller mixing two proceedings' rows.
    if getattr(row, "proceeding_id", None) != proceeding.pk:
        raise PermissionDenied


def _past(field: str, day: date | None, *, required: bool = True) -> date | None:
    if day is None:
        if required:
            raise ProsecuteError(field, _("Give the date."))
        return None
    if day > timezone.localdate():
        raise ProsecuteError(field, _("The date cannot be in the future."))
    return day


def _not_before(field: str, day: date | None, start: date) -> None:
    if day is not None and day < start:
        raise ProsecuteError(
            field,
            _("The date cannot be before the proceeding began (%(day)s).") % {"day": start.isoformat()},
        )


def _jurisdiction(field: str, value: str) -> str:
    if not offences.known(value):
        raise ProsecuteError(field, _("Choose one of the options."))
    return value


def _amount(field: str, value: Decimal | str | None) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ProsecuteError(field, _("Give an amount, such as 1500 or 1500.50.")) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise ProsecuteError(field, _("Give an amount above zero."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ProsecuteError(field, _("Give at most two decimals."))
    return amount


def _currency(field: str, value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ProsecuteError(field, _("Give the currency's three-letter ISO 4217 code, such as EUR or MXN."))
    return code


# ---- writing


def _timeline(actor: Actor, case: Case, summary: str) -> None:
    record_event(case, actor, CaseEventKind.NOTE, text=f"Prosecution: {summary}")
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


def _touch(proceeding: Proceeding) -> None:
    Proceeding.objects.filter(pk=proceeding.pk).update(updated_at=timezone.now())


def _create(
    actor: Actor,
    proceeding: Proceeding,
    row: Row,
    summary: str,
    *,
    sealed_values: Mapping[str, Mapping[str, str]] | None = None,
) -> Row:
    case = proceeding.case
    _may_record(actor, case)
    row.proceeding = proceeding  # type: ignore[attr-defined]
    row.organisation_id = proceeding.organisation_id  # type: ignore[attr-defined]
    row.recorded_by = actor.user  # type: ignore[attr-defined]
    for field, value in (sealed_values or {}).items():
        texts.seal(row, field, value, subject=case.person.reference)
    with transaction.atomic():
        row.save()
        _touch(proceeding)
        _timeline(actor, case, f"{summary} ({proceeding.reference})")
        audit.record(
            actor,
            Action.CREATE,
            row,
            details={"proceeding": proceeding.reference, "fields": sorted(sealed_values or {})},
        )
    return row


def _update(
    actor: Actor,
    proceeding: Proceeding,
    row: Row,
    expected_version: int,
    summary: str,
    *,
    sealed_values: Mapping[str, Mapping[str, str]] | None = None,
    **fields: Any,
) -> Row:
    """Compare-and-set on ``version``: if someone saved the row since it was shown, nothing is written."""
    case = proceeding.case
    _may_record(actor, case)
    for field, value in (sealed_values or {}).items():
        texts.seal(row, field, value, subject=case.person.reference)
        fields[field] = getattr(row, field)
    with transaction.atomic():
        updated = (
            type(row)
            ._default_manager.filter(pk=row.pk, version=expected_version)
            .update(version=F("version") + 1, updated_at=timezone.now(), **fields)
        )
        if not updated:
            raise ConflictError
        row.refresh_from_db()
        _touch(proceeding)
        _timeline(actor, case, f"{summary} ({proceeding.reference})")
        audit.record(
            actor, Action.UPDATE, row, details={"proceeding": proceeding.reference, "fields": sorted(fields)}
        )
    return row


# ---- proceedings


def open_proceeding(
    actor: Actor,
    case: Case,
    *,
    jurisdiction: str,
    opened_on: date,
    court: str = "",
    court_reference: str = "",
    notes: str = "",
    is_demo: bool = False,
) -> Proceeding:
    """Record a criminal proceeding on a case; its investigation stage is dated ``opened_on``."""
    _may_record(actor, case)
    jurisdiction = _jurisdiction("jurisdiction", jurisdiction)
    opened_on = _past("opened_on", opened_on)  # type: ignore[assignment]
    court = check.line("court", court)
    details = {
        "court_reference": check.line("court_reference", court_reference),
        "notes": check.text("notes", notes),
    }
    proceeding = Proceeding(
        case=case,
        organisation_id=case.organisation_id,
        jurisdiction=jurisdiction,
        court=court,
        opened_on=opened_on,
        recorded_by=actor.user,
        is_demo=is_demo,
    )
    texts.seal(proceeding, "details", details, subject=case.person.reference)
    with transaction.atomic():
        proceeding.save()
        event = StageEvent(
            proceeding=proceeding,
            organisation_id=case.organisation_id,
            recorded_by=actor.user,
            stage=Stage.INVESTIGATION,
            on=opened_on,
            court=court,
            jurisdiction=jurisdiction,
        )
        event.save()
        _timeline(actor, case, f"criminal proceeding {proceeding.reference} recorded ({jurisdiction})")
        audit.record(
            actor,
            Action.CREATE,
            proceeding,
            details={"case": case.reference, "jurisdiction": jurisdiction, "fields": sorted(details)},
        )
    return proceeding


def edit_proceeding(
    actor: Actor,
    proceeding: Proceeding,
    *,
    court: str,
    court_reference: str,
    notes: str,
    closed_on: date | None,
    expected_version: int,
) -> Proceeding:
    """Change the court, the sealed details, or record that the proceeding ended (``closed_on``)."""
    _may_record(actor, proceeding.case)
    closed_on = _past("closed_on", closed_on, required=False)
    _not_before("closed_on", closed_on, proceeding.opened_on)
    details = {
        "court_reference": check.line("court_reference", court_reference),
        "notes": check.text("notes", notes),
    }
    return _update(
        actor,
        proceeding,
        proceeding,
        expected_version,
        "proceeding details changed" + (" and closed" if closed_on else ""),
        sealed_values={"details": details},
        court=check.line("court", court),
        closed_on=closed_on,
    )


def record_stage(
    actor: Actor,
    proceeding: Proceeding,
    *,
    stage: str,
    on: date,
    court: str = "",
    jurisdiction: str = "",
    note: str = "",
) -> StageEvent:
    """Record that the proceeding reached a stage on a date, in a court; the proceeding's stage follows."""
    _may_record(actor, proceeding.case)
    stage = check.choice("stage", stage, Stage.values)
    on = _past("on", on)  # type: ignore[assignment]
    _not_before("on", on, proceeding.opened_on)
    court = check.line("court", court)
    event = StageEvent(
        stage=stage,
        on=on,
        court=court,
        jurisdiction=_jurisdiction("jurisdiction", jurisdiction or proceeding.jurisdiction),
    )
    with transaction.atomic():
        _create(
            actor,
            proceeding,
            event,
            f"stage {stage} recorded",
            sealed_values={"note": {"text": check.text("note", note)}},
        )
        recorded = StageEvent.objects.filter(proceeding=proceeding).values_list("stage", flat=True)
        changes: dict[str, Any] = {"stage": outcomes.latest_stage(recorded)}
        if court:
            changes["court"] = court
        Proceeding.objects.filter(pk=proceeding.pk).update(**changes)
    proceeding.refresh_from_db()
    return event


# ---- offenders, charges, verdicts, sentences


def _roles(roles: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(roles))
    for role in chosen:
        check.choice("roles", role, PerpetratorRole.values)
    return chosen


def add_offender(actor: Actor, proceeding: Proceeding, *, name: str, roles: Iterable[str] = ()) -> Offender:
    """A suspect or accused person: the name sealed (a third party's identity), the HTCDS roles in the clear."""
    _may_record(actor, proceeding.case)
    offender = Offender(roles=_roles(roles))
    return _create(
        actor,
        proceeding,
        offender,
        "offender recorded",
        sealed_values={"name": {"name": check.line("name", name, required=True)}},
    )


def edit_offender(
    actor: Actor,
    proceeding: Proceeding,
    offender: Offender,
    *,
    name: str,
    roles: Iterable[str],
    expected_version: int,
) -> Offender:
    _may_record(actor, proceeding.case)
    _of(proceeding, offender)
    return _update(
        actor,
        proceeding,
        offender,
        expected_version,
        "offender changed",
        sealed_values={"name": {"name": check.line("name", name, required=True)}},
        roles=_roles(roles),
    )


def add_charge(actor: Actor, proceeding: Proceeding, *, offender: Offender, offence: str) -> Charge:
    """Charge an offender with an offence of the proceeding's jurisdiction (reference/offences)."""
    _may_record(actor, proceeding.case)
    _of(proceeding, offender)
    jurisdiction = offences.load(proceeding.jurisdiction)
    found = jurisdiction.offence(offence.partition(":")[2] if ":" in offence else offence)
    if found is None:
        raise ProsecuteError("offence", _("Choose one of the options."))
    charge = Charge(offender=offender, offence=found.key, offence_version=jurisdiction.version)
    return _create(actor, proceeding, charge, f"charge recorded ({found.key})")


def record_verdict(
    actor: Actor,
    proceeding: Proceeding,
    charge: Charge,
    *,
    verdict: str,
    verdict_on: date | None,
    expected_version: int,
) -> Charge:
    """The verdict on one charge (at trial or on appeal). A decided verdict needs its date."""
    _may_record(actor, proceeding.case)
    _of(proceeding, charge)
    verdict = check.choice("verdict", verdict, Verdict.values)
    if verdict == Verdict.PENDING:
        verdict_on = None
    else:
        verdict_on = _past("verdict_on", verdict_on)
        _not_before("verdict_on", verdict_on, proceeding.opened_on)
    return _update(
        actor,
        proceeding,
        charge,
        expected_version,
        f"verdict recorded: {verdict}",
        verdict=verdict,
        verdict_on=verdict_on,
    )


def record_sentence(
    actor: Actor,
    proceeding: Proceeding,
    offender: Offender,
    *,
    sentenced_on: date,
    custody_months: int | None,
    suspended: bool = False,
    fine_amount: Decimal | None = None,
    fine_currency: str = "",
) -> Sentence:
    """The sentence of an offender convicted on at least one charge; a second call replaces it (an appeal)."""
    _of(proceeding, offender)
    _may_record(actor, proceeding.case)
    if not Charge.objects.filter(offender=offender, verdict=Verdict.CONVICTED).exists():
        raise ProsecuteError("", _("Record a conviction on one of this person's charges first."))
    sentenced_on = _past("sentenced_on", sentenced_on)  # type: ignore[assignment]
    _not_before("sentenced_on", sentenced_on, proceeding.opened_on)
    if custody_months is not None and not 0 <= custody_months <= MAX_CUSTODY_MONTHS:
        raise ProsecuteError(
            "custody_months", _("Give a number of months from 0 to %(n)s.") % {"n": MAX_CUSTODY_MONTHS}
        )
    if suspended and not custody_months:
        raise ProsecuteError("suspended", _("Only a custodial sentence can be suspended: give its months."))
    fine: dict[str, Any] = {"fine_amount": None, "fine_currency": ""}
    if fine_amount is not None:
        fine = {
            "fine_amount": _amount("fine_amount", fine_amount),
            "fine_currency": _currency("fine_currency", fine_currency),
        }
    values: dict[str, Any] = {
        "sentenced_on": sentenced_on,
        "custody_months": custody_months or None,
        "suspended": suspended,
        **fine,
    }
    existing = Sentence.objects.filter(offender=offender).first()
    if existing is None:
        return _create(actor, proceeding, Sentence(offender=offender, **values), "sentence recorded")
    return _update(actor, proceeding, existing, existing.version, "sentence changed", **values)


# ---- compensation and restitution


def add_order(
    actor: Actor,
    proceeding: Proceeding,
    *,
    kind: str,
    amount: Decimal,
    currency: str,
    ordered_on: date,
    offender: Offender | None = None,
) -> CompensationOrder:
    _may_record(actor, proceeding.case)
    if offender is not None:
        _of(proceeding, offender)
    ordered_on = _past("ordered_on", ordered_on)  # type: ignore[assignment]
    _not_before("ordered_on", ordered_on, proceeding.opened_on)
    order = CompensationOrder(
        kind=check.choice("kind", kind, OrderKind.values),
        offender=offender,
        amount=_amount("amount", amount),
        currency=_currency("currency", currency),
        ordered_on=ordered_on,
    )
    return _create(actor, proceeding, order, f"{order.kind} ordered")


def add_payment(
    actor: Actor, proceeding: Proceeding, order: CompensationOrder, *, amount: Decimal, paid_on: date
) -> CompensationPayment:
    _may_record(actor, proceeding.case)
    _of(proceeding, order)
    paid_on = _past("paid_on", paid_on)  # type: ignore[assignment]
    if paid_on < order.ordered_on:
        raise ProsecuteError("paid_on", _("A payment cannot come before the order."))
    payment = CompensationPayment(order=order, amount=_amount("amount", amount), paid_on=paid_on)
    return _create(actor, proceeding, payment, f"{order.kind} payment recorded")


# ---- the survivor as a witness


def add_measure(
    actor: Actor,
    proceeding: Proceeding,
    *,
    measure: str,
    status: str,
    requested_on: date,
    decided_on: date | None = None,
    note: str = "",
) -> ProtectionMeasure:
    _may_record(actor, proceeding.case)
    row = ProtectionMeasure(
        measure=check.choice("measure", measure, Measure.values),
        **_measure_state(proceeding, status, requested_on, decided_on),
    )
    return _create(
        actor,
        proceeding,
        row,
        f"protection measure {measure} {row.status}",
        sealed_values={"note": {"text": check.text("note", note)}},
    )


def _measure_state(
    proceeding: Proceeding, status: str, requested_on: date, decided_on: date | None
) -> dict[str, Any]:
    status = check.choice("status", status, MeasureStatus.values)
    requested_on = _past("requested_on", requested_on)  # type: ignore[assignment]
    if status == MeasureStatus.REQUESTED:
        decided_on = None
    else:
        decided_on = _past("decided_on", decided_on)
        if decided_on is not None and decided_on < requested_on:
            raise ProsecuteError("decided_on", _("The decision cannot come before the request."))
    return {"status": status, "requested_on": requested_on, "decided_on": decided_on}


def update_measure(
    actor: Actor,
    proceeding: Proceeding,
    row: ProtectionMeasure,
    *,
    status: str,
    decided_on: date | None,
    note: str,
    expected_version: int,
) -> ProtectionMeasure:
    _may_record(actor, proceeding.case)
    _of(proceeding, row)
    state = _measure_state(proceeding, status, row.requested_on, decided_on)
    del state["requested_on"]
    return _update(
        actor,
        proceeding,
        row,
        expected_version,
        f"protection measure {row.measure} {state['status']}",
        sealed_values={"note": {"text": check.text("note", note)}},
        **state,
    )


def add_court_date(
    actor: Actor,
    proceeding: Proceeding,
    *,
    on: date,
    time: time | None = None,
    court: str = "",
    kind: str = CourtDateKind.HEARING,
    survivor_attends: bool = False,
    note: str = "",
) -> CourtDate:
    """A date in court; the people on the case are reminded a week and a day before (``reminders``)."""
    _may_record(actor, proceeding.case)
    _not_before("on", on, proceeding.opened_on)
    row = CourtDate(
        on=on,
        time=time,
        court=check.line("court", court or proceeding.court),
        kind=check.choice("kind", kind, CourtDateKind.values),
        survivor_attends=survivor_attends,
    )
    return _create(
        actor,
        proceeding,
        row,
        f"court date recorded ({kind})",
        sealed_values={"note": {"text": check.text("note", note)}},
    )


def update_court_date(
    actor: Actor,
    proceeding: Proceeding,
    row: CourtDate,
    *,
    on: date,
    time: time | None,
    court: str,
    kind: str,
    survivor_attends: bool,
    status: str,
    note: str,
    expected_version: int,
) -> CourtDate:
    """Change, postpone, cancel or mark held a court date. A new day means new reminders."""
    _may_record(actor, proceeding.case)
    _of(proceeding, row)
    _not_before("on", on, proceeding.opened_on)
    status = check.choice("status", status, CourtDateStatus.values)
    if status == CourtDateStatus.HELD and on > timezone.localdate():
        raise ProsecuteError("status", _("A court date in the future cannot have been held."))
    fields: dict[str, Any] = {
        "on": on,
        "time": time,
        "court": check.line("court", court),
        "kind": check.choice("kind", kind, CourtDateKind.values),
        "survivor_attends": survivor_attends,
        "status": status,
    }
    if on != row.on:
        fields["reminders_sent"] = 0
    return _update(
        actor,
        proceeding,
        row,
        expected_version,
        f"court date changed ({status})",
        sealed_values={"note": {"text": check.text("note", note)}},
        **fields,
    )


def add_accompaniment(
    actor: Actor,
    proceeding: Proceeding,
    *,
    on: date,
    kind: str,
    court_date: CourtDate | None = None,
    accompanied_by: User | None = None,
    note: str = "",
) -> Accompaniment:
    _may_record(actor, proceeding.case)
    if court_date is not None:
        _of(proceeding, court_date)
    on = _past("on", on)  # type: ignore[assignment]
    if (
        accompanied_by is not None
        and not proceeding.case.person.assigned_to.filter(pk=accompanied_by.pk).exists()
    ):
        raise ProsecuteError("accompanied_by", _("Choose one of the options."))
    row = Accompaniment(
        on=on,
        kind=check.choice("kind", kind, AccompanimentKind.values),
        court_date=court_date,
        accompanied_by=accompanied_by,
    )
    return _create(
        actor,
        proceeding,
        row,
        f"accompaniment recorded ({kind})",
        sealed_values={"note": {"text": check.text("note", note)}},
    )


def assess_risk(
    actor: Actor,
    proceeding: Proceeding,
    *,
    level: str,
    assessed_on: date,
    review_on: date,
    note: str = "",
) -> RiskAssessment:
    """A new assessment of the risks to the survivor as a witness; it replaces the last one, which is kept."""
    _may_record(actor, proceeding.case)
    assessed_on = _past("assessed_on", assessed_on)  # type: ignore[assignment]
    if review_on <= assessed_on:
        raise ProsecuteError("review_on", _("The review must come after the assessment."))
    row = RiskAssessment(
        level=check.choice("level", level, RiskLevel.values), assessed_on=assessed_on, review_on=review_on
    )
    return _create(
        actor,
        proceeding,
        row,
        f"witness risk assessed ({level})",
        sealed_values={"note": {"text": check.text("note", note)}},
    )


# ---- the survivor's own charges (non-punishment principle)


def _own_state(
    jurisdiction: str, status: str, non_punishment: str, charged_on: date | None, raised_on: date | None
) -> dict[str, Any]:
    non_punishment = check.choice("non_punishment", non_punishment, NonPunishment.values)
    raised_on = None if non_punishment == NonPunishment.NOT_RAISED else _past("raised_on", raised_on)
    return {
        "jurisdiction": _jurisdiction("jurisdiction", jurisdiction),
        "status": check.choice("status", status, OwnChargeStatus.values),
        "non_punishment": non_punishment,
        "charged_on": _past("charged_on", charged_on, required=False),
        "raised_on": raised_on,
    }


def add_own_charge(
    actor: Actor,
    case: Case,
    *,
    offence: str,
    jurisdiction: str,
    status: str,
    non_punishment: str = NonPunishment.NOT_RAISED,
    charged_on: date | None = None,
    raised_on: date | None = None,
    notes: str = "",
) -> OwnCharge:
    """Flag an offence the survivor is suspected of or charged with, to follow it for non-punishment."""
    _may_record(actor, case)
    row = OwnCharge(
        case=case,
        organisation_id=case.organisation_id,
        recorded_by=actor.user,
        **_own_state(jurisdiction, status, non_punishment, charged_on, raised_on),
    )
    details = {"offence": check.line("offence", offence, required=True), "notes": check.text("notes", notes)}
    texts.seal(row, "details", details, subject=case.person.reference)
    with transaction.atomic():
        row.save()
        _timeline(actor, case, f"own charge flagged for non-punishment ({row.status})")
        audit.record(actor, Action.CREATE, row, details={"case": case.reference, "fields": sorted(details)})
    return row


def update_own_charge(
    actor: Actor,
    case: Case,
    row: OwnCharge,
    *,
    offence: str,
    jurisdiction: str,
    status: str,
    non_punishment: str,
    charged_on: date | None,
    raised_on: date | None,
    notes: str,
    expected_version: int,
) -> OwnCharge:
    _may_record(actor, case)
    if row.case_id != case.pk:
        raise PermissionDenied
    fields = _own_state(jurisdiction, status, non_punishment, charged_on, raised_on)
    details = {"offence": check.line("offence", offence, required=True), "notes": check.text("notes", notes)}
    texts.seal(row, "details", details, subject=case.person.reference)
    with transaction.atomic():
        updated = OwnCharge.objects.filter(pk=row.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), details=row.details, **fields
        )
        if not updated:
            raise ConflictError
        row.refresh_from_db()
        _timeline(actor, case, f"own charge updated ({row.status}, non-punishment {row.non_punishment})")
        audit.record(
            actor,
            Action.UPDATE,
            row,
            details={"case": case.reference, "fields": sorted([*fields, "details"])},
        )
    return row
