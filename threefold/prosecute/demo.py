"""Load the prosecution part of the demo world (called by ``manage.py demo``; idempotent).

Safe Harbour's legal officer records proceedings on three of the shelter's demo cases and on the cases of the
witnesses of ``demo_data``, through the same services as the pages, so every row is sealed and audited as real
work would be. Dates are relative to today, so court dates stay ahead and reviews fall due whenever it is loaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from threefold.accounts import demo
from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, Organisation, User
from threefold.accounts.roles import Role
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.prosecute import services
from threefold.prosecute.core.outcomes import Point
from threefold.prosecute.demo_data import (
    COURT,
    CUSTODY_MONTHS,
    OWN_CHARGES,
    ROLES,
    DemoProceeding,
    demo_witnesses,
    shelter_proceedings,
    witness_proceedings,
)
from threefold.prosecute.models import Charge, Offender, Proceeding
from threefold.protect import case_services
from threefold.protect import services as protect_services
from threefold.protect.demo_data import demo_people
from threefold.protect.identity import Identity
from threefold.protect.models import Case, Person, PersonIndex
from threefold.protect.victim_context import VictimContext
from threefold.vault import names, sealed

_RANK = {point: rank for rank, point in enumerate(Point)}


def _actor(users: dict[str, User], org: Organisation, role: Role) -> Actor:
    user = users[f"{role.value.replace('_', '')}@{demo.DEMO_DOMAIN}"]
    return Actor(user, Membership.objects.get(user=user, organisation=org))


def _person(org: Organisation, identity: Identity) -> Person | None:
    digest = sealed.blind(names.exact_name_key(identity.full_name), kind="name")
    found = PersonIndex.objects.filter(kind="name", digest=digest, person__organisation=org).first()
    return found.person if found else None


def load(org: Organisation, users: dict[str, User]) -> int:
    """Record the demo proceedings that are not there yet; returns how many were recorded."""
    supervisor = _actor(users, org, Role.SUPERVISOR)
    legal = _actor(users, org, Role.LEGAL_OFFICER)
    today = timezone.localdate()
    created = 0
    people = demo_people()
    for person_index, spec in shelter_proceedings():
        person = _person(org, people[person_index].identity)
        case = Case.objects.filter(person=person).order_by("pk").first() if person else None
        if person is None or case is None or Proceeding.objects.filter(case=case).exists():
            continue
        if not person.assigned_to.filter(pk=legal.user.pk).exists():
            protect_services.assign(supervisor, person, legal.user)
        _record(legal, case, spec, today)
        created += 1
    witnesses = list(zip(demo_witnesses(), witness_proceedings(), strict=True))
    for number, (identity, spec) in enumerate(witnesses):
        if _person(org, identity) is not None:
            continue
        person = protect_services.create_person(supervisor, identity, is_demo=True, purpose="demo data")
        protect_services.assign(supervisor, person, legal.user)
        case = case_services.open_case(
            supervisor,
            person,
            reason="Referred by the police: a witness in a trafficking investigation",
            context=VictimContext(exploitation_types=(spec.exploitation,)),
            is_demo=True,
        )
        consent_services.record_consent(
            supervisor, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
        )
        _record(legal, case, spec, today)
        if number < len(OWN_CHARGES):
            offence, status, non_punishment = OWN_CHARGES[number]
            services.add_own_charge(
                legal,
                case,
                offence=offence,
                jurisdiction="fr",
                status=status,
                non_punishment=non_punishment,
                charged_on=today - timedelta(days=40),
                raised_on=today - timedelta(days=10) if non_punishment != "not_raised" else None,
            )
        created += 1
    return created


def _at(opened_on: date, today: date, share: float) -> date:
    """A day ``share`` of the way from the opening to a week ago."""
    span = max((today - timedelta(days=7) - opened_on).days, 4)
    return opened_on + timedelta(days=int(span * share))


def _record(legal: Actor, case: Case, spec: DemoProceeding, today: date) -> Proceeding:
    opened_on = today - timedelta(days=spec.opened_days_ago)
    rank = _RANK[spec.point]
    charged = rank >= _RANK[Point.PROSECUTION]
    proceeding = services.open_proceeding(
        legal,
        case,
        jurisdiction="fr",
        opened_on=opened_on,
        court=COURT if charged else "",
        court_reference=f"DEMO-{opened_on.year}-{1000 + spec.index}",
        notes=spec.notes[0],
        is_demo=True,
    )
    offenders = [
        services.add_offender(legal, proceeding, name=name, roles=ROLES[(spec.index + i) % len(ROLES)])
        for i, name in enumerate(spec.offenders)
    ]
    labour = spec.exploitation != "SexualExploitation"
    if charged:
        services.record_stage(legal, proceeding, stage="prosecution", on=_at(opened_on, today, 0.25))
        for offender in offenders:
            services.add_charge(legal, proceeding, offender=offender, offence="225-4-1")
            services.add_charge(
                legal, proceeding, offender=offender, offence="225-14-1" if labour else "225-5"
            )
        services.add_measure(
            legal,
            proceeding,
            measure="video_link",
            status="granted" if rank >= _RANK[Point.TRIAL] else "requested",
            requested_on=_at(opened_on, today, 0.3),
            decided_on=_at(opened_on, today, 0.4) if rank >= _RANK[Point.TRIAL] else None,
            note=spec.notes[1],
        )
        services.add_measure(
            legal,
            proceeding,
            measure="support_person",
            status="requested",
            requested_on=_at(opened_on, today, 0.3),
        )
    if rank >= _RANK[Point.TRIAL]:
        services.record_stage(legal, proceeding, stage="trial", on=_at(opened_on, today, 0.6), court=COURT)
    if spec.point in (Point.PROSECUTION, Point.TRIAL):
        # Coming dates in court: the legal officer's list shows them, and reminders fall due.
        services.add_court_date(
            legal,
            proceeding,
            on=today + timedelta(days=3 + spec.index % 20),
            court=COURT,
            kind="testimony" if spec.point is Point.TRIAL else "hearing",
            survivor_attends=spec.point is Point.TRIAL,
        )
    if rank >= _RANK[Point.NOT_CONVICTED]:
        _verdicts(legal, proceeding, spec, offenders, _at(opened_on, today, 0.85))
    if charged:
        review_on = today - timedelta(days=5) if spec.index % 4 == 0 else today + timedelta(days=60)
        services.assess_risk(
            legal,
            proceeding,
            level=("medium", "high", "low", "severe")[spec.index % 4],
            assessed_on=min(review_on - timedelta(days=90), today),
            review_on=review_on,
        )
    return proceeding


def _verdicts(
    legal: Actor, proceeding: Proceeding, spec: DemoProceeding, offenders: list[Offender], on: date
) -> None:
    services.record_stage(legal, proceeding, stage="verdict", on=on, court=COURT)
    services.add_accompaniment(legal, proceeding, on=on, kind="court", accompanied_by=legal.user)
    convicted = spec.point is Point.CONVICTED
    for position, charge in enumerate(Charge.objects.filter(proceeding=proceeding).order_by("pk")):
        verdict = (
            "acquitted"
            if not convicted
            else ("convicted" if position == 0 or position % 2 == 0 else "acquitted")
        )
        services.record_verdict(
            legal, proceeding, charge, verdict=verdict, verdict_on=on, expected_version=charge.version
        )
    if not convicted:
        return
    months = CUSTODY_MONTHS[spec.index % len(CUSTODY_MONTHS)]
    services.record_sentence(
        legal, proceeding, offenders[0], sentenced_on=on, custody_months=months, suspended=months < 20
    )
    order = services.add_order(
        legal,
        proceeding,
        kind="compensation",
        amount=Decimal(4000 + 750 * (spec.index % 7)),
        currency="EUR",
        ordered_on=on,
        offender=offenders[0],
    )
    if spec.index % 3:
        paid = order.amount if spec.index % 3 == 1 else order.amount / 2
        services.add_payment(
            legal, proceeding, order, amount=paid.quantize(Decimal("0.01")), paid_on=today_or(on)
        )


def today_or(day: date) -> date:
    return min(day + timedelta(days=30), timezone.localdate())
