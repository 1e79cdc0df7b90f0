"""The only way to read prosecution records for a user. Everything starts from the case a proceeding belongs to
and the ``prosecute.*`` rules on it: a legal officer or caseworker assigned to the case's person, or a supervisor
of its organisation; anyone else gets a 404, so nobody learns a proceeding exists. Reading sealed values (names,
notes, the court's case number, a survivor's own offence) is audited; lists that open none are audited as lists.

Pages about a proceeding show the case's reference, never the survivor's name: that is on the case, for those who
may open it (``protect.case_access.open_case``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Generic, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from threefold.accounts.actor import Actor
from threefold.accounts.models import User
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.prosecute import texts
from threefold.prosecute.core import offences, outcomes
from threefold.prosecute.models import (
    POINT_LABELS,
    Accompaniment,
    Charge,
    CompensationOrder,
    CompensationPayment,
    CourtDate,
    CourtDateStatus,
    Offender,
    OwnCharge,
    PerpetratorRole,
    Proceeding,
    ProtectionMeasure,
    RiskAssessment,
    Sentence,
    StageEvent,
)
from threefold.protect.models import Case

R = TypeVar("R", bound=models.Model)
UPCOMING_DAYS = 30


@dataclass(frozen=True)
class Entry(Generic[R]):
    """A row with its sealed value opened (``values["text"]``, ``values["name"]``, ...)."""

    row: R
    values: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.values.get("text", "")


def open_entries(rows: list[R]) -> list[Entry[R]]:
    keys = texts.keys_for(rows)
    return [
        Entry(
            row,
            {k: v for f in texts.sealed_fields(type(row)) for k, v in texts.open_value(row, f, keys).items()},
        )
        for row in rows
    ]


def case_for(actor: Actor, reference: str, permission: str = "prosecute.view") -> Case:
    """A case by reference on which the actor holds ``permission``; a 404 otherwise (or for an erased person)."""
    case = (
        Case.objects.select_related("person", "caseworker")
        .filter(reference=reference, person__erased_at__isnull=True)
        .first()
    )
    if case is None or actor.organisation_id is None or not allowed(actor, permission, case):
        raise Http404
    return case


def may_record(actor: Actor, case: Case) -> bool:
    return allowed(actor, "prosecute.record", case)


def _visible(actor: Actor) -> QuerySet[Proceeding]:
    """The proceedings the actor may read: their organisation's, on cases assigned to them unless a supervisor."""
    if actor.organisation_id is None or not allowed(actor, "prosecute.view_lists"):
        return Proceeding.objects.none()
    found = Proceeding.objects.filter(organisation_id=actor.org_id, case__person__erased_at__isnull=True)
    if not allowed(actor, "prosecute.view_organisation"):
        found = found.filter(case__person__assigned_to=actor.user).distinct()
    return found


# ---- a case's prosecution section


@dataclass(frozen=True)
class ProceedingLine:
    """A proceeding in a list: no sealed value, only what names nobody."""

    proceeding: Proceeding
    jurisdiction_name: str
    next_court_date: CourtDate | None = None
    risk: RiskAssessment | None = None
    review_due: bool = False  # the latest risk assessment's review date has come


@dataclass(frozen=True)
class CaseProsecution:
    case: Case
    proceedings: list[ProceedingLine]
    own_charges: list[Entry[OwnCharge]]
    can_record: bool

    @property
    def followed(self) -> list[Entry[OwnCharge]]:
        return [entry for entry in self.own_charges if entry.row.followed]


def _jurisdiction_name(code: str) -> str:
    return offences.load(code).name if offences.known(code) else code


def _lines(proceedings: list[Proceeding], today: date) -> list[ProceedingLine]:
    ids = [p.pk for p in proceedings]
    upcoming: dict[int, CourtDate] = {}
    for court_date in CourtDate.objects.filter(
        proceeding_id__in=ids, status=CourtDateStatus.SCHEDULED, on__gte=today
    ).defer("note"):
        upcoming.setdefault(court_date.proceeding_id, court_date)
    risks: dict[int, RiskAssessment] = {}
    for risk in (
        RiskAssessment.objects.filter(proceeding_id__in=ids).defer("note").order_by("assessed_on", "pk")
    ):
        risks[risk.proceeding_id] = risk
    return [
        ProceedingLine(
            p,
            _jurisdiction_name(p.jurisdiction),
            upcoming.get(p.pk),
            risks.get(p.pk),
            p.pk in risks and risks[p.pk].review_on <= today,
        )
        for p in proceedings
    ]


def case_prosecution(actor: Actor, case: Case, today: date) -> CaseProsecution:
    """A case's proceedings and the survivor's own charges (their offence opened), for the case's section and
    page. Audited as a view of the case. The caller got ``case`` from ``case_for``."""
    if not allowed(actor, "prosecute.view", case):
        raise Http404
    proceedings = list(Proceeding.objects.filter(case=case).defer("details"))
    own = open_entries(list(OwnCharge.objects.filter(case=case)))
    audit.record(
        actor,
        Action.VIEW,
        case,
        purpose="criminal proceedings",
        details={"proceedings": len(proceedings), "own_charges": len(own)},
    )
    return CaseProsecution(case, _lines(proceedings, today), own, may_record(actor, case))


def section_for(actor: Actor | None, case: Case, today: date) -> CaseProsecution | None:
    """The prosecution section of a case page, or None for whoever may not read it (no audit then)."""
    if actor is None or actor.organisation_id is None or not allowed(actor, "prosecute.view", case):
        return None
    return case_prosecution(actor, case, today)


# ---- one proceeding


@dataclass(frozen=True)
class OpenedProceeding:
    proceeding: Proceeding
    case: Case
    details: dict[str, str]
    jurisdiction: offences.Jurisdiction
    can_record: bool


def open_proceeding(actor: Actor, reference: str, *, purpose: str = "") -> OpenedProceeding:
    """One proceeding the actor may read, its sealed details opened; audited as a view."""
    proceeding = (
        Proceeding.objects.select_related("case", "case__person", "case__caseworker")
        .filter(reference=reference, case__person__erased_at__isnull=True)
        .first()
    )
    if (
        proceeding is None
        or actor.organisation_id is None
        or not allowed(actor, "prosecute.view", proceeding.case)
    ):
        raise Http404
    details = texts.open_value(proceeding, "details")
    audit.record(actor, Action.VIEW, proceeding, purpose=purpose, details={"case": proceeding.case.reference})
    jurisdiction = offences.load(
        proceeding.jurisdiction if offences.known(proceeding.jurisdiction) else offences.OTHER_JURISDICTION
    )
    return OpenedProceeding(
        proceeding, proceeding.case, details, jurisdiction, may_record(actor, proceeding.case)
    )


@dataclass(frozen=True)
class ChargeView:
    charge: Charge
    offence: offences.Offence | None

    @property
    def label(self) -> str:
        return self.offence.label if self.offence else self.charge.offence


@dataclass(frozen=True)
class OffenderView:
    offender: Offender
    name: str
    charges: list[ChargeView]
    sentence: Sentence | None

    @property
    def role_labels(self) -> list[str]:
        labels = dict(PerpetratorRole.choices)
        return [str(labels.get(role, role)) for role in self.offender.roles]

    @property
    def convicted(self) -> bool:
        return any(view.charge.verdict == outcomes.Verdict.CONVICTED for view in self.charges)


@dataclass(frozen=True)
class OrderView:
    order: CompensationOrder
    payments: list[CompensationPayment]
    offender_name: str

    @property
    def paid(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal(0))

    @property
    def outstanding(self) -> Decimal:
        return max(self.order.amount - self.paid, Decimal(0))


@dataclass(frozen=True)
class ProceedingFile:
    """Everything recorded on an opened proceeding, sealed values opened."""

    opened: OpenedProceeding
    events: list[Entry[StageEvent]]
    offenders: list[OffenderView]
    orders: list[OrderView]
    measures: list[Entry[ProtectionMeasure]]
    court_dates: list[Entry[CourtDate]]
    accompaniments: list[Entry[Accompaniment]]
    risks: list[Entry[RiskAssessment]]
    point: outcomes.Point

    @property
    def risk(self) -> Entry[RiskAssessment] | None:
        return self.risks[-1] if self.risks else None

    @property
    def point_label(self) -> str:
        return str(POINT_LABELS[self.point])


def facts_of(proceeding: Proceeding) -> outcomes.ProceedingFacts:
    """The clear facts of one proceeding, for its point and for statistics (no sealed value is read)."""
    return facts_by_proceeding([proceeding.pk], {proceeding.pk: proceeding.opened_on})[proceeding.pk]


def facts_by_proceeding(ids: list[int], opened_on: dict[int, date]) -> dict[int, outcomes.ProceedingFacts]:
    """The facts of many proceedings in one query per table."""
    stages: dict[int, dict[str, date]] = {pk: {} for pk in ids}
    for pid, stage, on in StageEvent.objects.filter(proceeding_id__in=ids).values_list(
        "proceeding_id", "stage", "on"
    ):
        if stage not in stages[pid] or on < stages[pid][stage]:
            stages[pid][stage] = on
    charges: dict[int, list[outcomes.ChargeFacts]] = {pk: [] for pk in ids}
    for pid, verdict, verdict_on in Charge.objects.filter(proceeding_id__in=ids).values_list(
        "proceeding_id", "verdict", "verdict_on"
    ):
        charges[pid].append(outcomes.ChargeFacts(verdict, verdict_on))
    sentences: dict[int, list[outcomes.SentenceFacts]] = {pk: [] for pk in ids}
    for pid, months, suspended in Sentence.objects.filter(proceeding_id__in=ids).values_list(
        "proceeding_id", "custody_months", "suspended"
    ):
        sentences[pid].append(outcomes.SentenceFacts(months, suspended))
    paid: dict[int, Decimal] = {}
    for order_id, amount in CompensationPayment.objects.filter(proceeding_id__in=ids).values_list(
        "order_id", "amount"
    ):
        paid[order_id] = paid.get(order_id, Decimal(0)) + amount
    orders: dict[int, list[outcomes.OrderFacts]] = {pk: [] for pk in ids}
    for order_id, pid, currency, amount in CompensationOrder.objects.filter(
        proceeding_id__in=ids
    ).values_list("pk", "proceeding_id", "currency", "amount"):
        orders[pid].append(outcomes.OrderFacts(currency, amount, paid.get(order_id, Decimal(0))))
    return {
        pk: outcomes.ProceedingFacts(
            opened_on=opened_on[pk],
            stages=stages[pk],
            charges=tuple(charges[pk]),
            sentences=tuple(sentences[pk]),
            orders=tuple(orders[pk]),
        )
        for pk in ids
    }


def proceeding_file(actor: Actor, opened: OpenedProceeding) -> ProceedingFile:
    """Everything on an opened proceeding (one query per table). Takes an ``OpenedProceeding`` so only a
    proceeding already checked and audited can be read this way; the opening of its sealed values is audited."""
    proceeding = opened.proceeding
    of = {"proceeding": proceeding}
    events = open_entries(list(StageEvent.objects.filter(**of)))
    offender_entries = open_entries(list(Offender.objects.filter(**of)))
    names = {entry.row.pk: entry.values.get("name", "") for entry in offender_entries}
    charges: dict[int, list[ChargeView]] = {}
    for charge in Charge.objects.filter(**of):
        charges.setdefault(charge.offender_id, []).append(
            ChargeView(charge, offences.offence(charge.offence))
        )
    sentences = {s.offender_id: s for s in Sentence.objects.filter(**of)}
    offenders = [
        OffenderView(
            entry.row,
            entry.values.get("name", ""),
            charges.get(entry.row.pk, []),
            sentences.get(entry.row.pk),
        )
        for entry in offender_entries
    ]
    payments: dict[int, list[CompensationPayment]] = {}
    for payment in CompensationPayment.objects.filter(**of):
        payments.setdefault(payment.order_id, []).append(payment)
    orders = [
        OrderView(order, payments.get(order.pk, []), names.get(order.offender_id or 0, ""))
        for order in CompensationOrder.objects.filter(**of)
    ]
    measures = open_entries(list(ProtectionMeasure.objects.filter(**of)))
    court_dates = open_entries(list(CourtDate.objects.filter(**of)))
    accompaniments = open_entries(list(Accompaniment.objects.filter(**of).select_related("accompanied_by")))
    risks = open_entries(list(RiskAssessment.objects.filter(**of)))
    audit.record(
        actor,
        Action.VIEW,
        proceeding,
        purpose="proceeding file",
        details={
            "offenders": len(offenders),
            "events": len(events),
            "measures": len(measures),
            "court_dates": len(court_dates),
            "risks": len(risks),
        },
    )
    return ProceedingFile(
        opened,
        events,
        offenders,
        orders,
        measures,
        court_dates,
        accompaniments,
        risks,
        outcomes.point(facts_of(proceeding)),
    )


def row_of(actor: Actor, opened: OpenedProceeding, model: type[R], pk: int) -> Entry[R]:
    """One row of an opened proceeding, sealed value opened and the reading audited; another's row is a 404."""
    row = model._default_manager.filter(proceeding=opened.proceeding, pk=pk).first()
    if row is None:
        raise Http404
    audit.record(actor, Action.VIEW, row, details={"proceeding": opened.proceeding.reference})
    return open_entries([row])[0]


def offenders_of(actor: Actor, opened: OpenedProceeding) -> list[Entry[Offender]]:
    """The offenders of an opened proceeding with their names, to choose one in a form (audited as a list)."""
    rows = list(Offender.objects.filter(proceeding=opened.proceeding))
    audit.record(
        actor,
        Action.LIST,
        ("prosecute.offender", ""),
        details={"proceeding": opened.proceeding.reference, "count": len(rows)},
    )
    return open_entries(rows)


def court_dates_of(opened: OpenedProceeding) -> list[CourtDate]:
    """The court dates of an opened proceeding, without their notes, to link an accompaniment to one."""
    return list(CourtDate.objects.filter(proceeding=opened.proceeding).defer("note"))


def orders_of(opened: OpenedProceeding, pk: int) -> CompensationOrder:
    order = CompensationOrder.objects.filter(proceeding=opened.proceeding, pk=pk).first()
    if order is None:
        raise Http404
    return order


def charge_of(opened: OpenedProceeding, pk: int) -> ChargeView:
    charge = Charge.objects.filter(proceeding=opened.proceeding, pk=pk).first()
    if charge is None:
        raise Http404
    return ChargeView(charge, offences.offence(charge.offence))


def assignees(case: Case) -> QuerySet[User]:
    """Who can be recorded as accompanying the survivor: the members assigned to the case's person."""
    return case.person.assigned_to.order_by("email")


def own_charge_of(actor: Actor, case: Case, pk: int) -> Entry[OwnCharge]:
    row = OwnCharge.objects.filter(case=case, pk=pk).first()
    if row is None:
        raise Http404
    audit.record(actor, Action.VIEW, row, details={"case": case.reference})
    return open_entries([row])[0]


# ---- across cases


@dataclass(frozen=True)
class Overview:
    proceedings: list[ProceedingLine]
    court_dates: list[CourtDate]  # scheduled in the next UPCOMING_DAYS, soonest first
    reviews_due: list[ProceedingLine]
    followed_own_charges: int


def overview(actor: Actor, today: date) -> Overview:
    """The actor's proceedings (a supervisor: the organisation's), their coming court dates and due risk reviews.
    References and dates only: no sealed value is opened, and the list is audited as one."""
    proceedings = list(
        _visible(actor).select_related("case").defer("details").order_by("-opened_on", "-pk")[:500]
    )
    lines = _lines(proceedings, today)
    court_dates = list(
        CourtDate.objects.filter(
            proceeding__in=_visible(actor),
            status=CourtDateStatus.SCHEDULED,
            on__gte=today,
            on__lte=today + timedelta(days=UPCOMING_DAYS),
        )
        .select_related("proceeding")
        .defer("note")
    )
    followed = sum(1 for row in _own_charges(actor) if row.followed)
    audit.record(
        actor,
        Action.LIST,
        ("prosecute.proceeding", ""),
        details={"count": len(lines), "court_dates": len(court_dates)},
    )
    return Overview(
        lines,
        court_dates,
        [line for line in lines if line.review_due and not line.proceeding.closed_on],
        followed,
    )


def _own_charges(actor: Actor) -> QuerySet[OwnCharge]:
    if actor.organisation_id is None or not allowed(actor, "prosecute.view_lists"):
        return OwnCharge.objects.none()
    found = OwnCharge.objects.filter(organisation_id=actor.org_id, case__person__erased_at__isnull=True)
    if not allowed(actor, "prosecute.view_organisation"):
        found = found.filter(case__person__assigned_to=actor.user).distinct()
    return found.select_related("case")


def followed_own_charges(actor: Actor) -> list[Entry[OwnCharge]]:
    """Survivors' own charges that still need following (open, or non-punishment raised and not decided), with
    the offence opened, for the legal officer's list. Audited as a list with its count."""
    rows = [row for row in _own_charges(actor) if row.followed]
    rows.sort(key=lambda row: (row.charged_on or date.max, row.pk))
    audit.record(actor, Action.LIST, ("prosecute.owncharge", ""), details={"count": len(rows)})
    return open_entries(rows)
