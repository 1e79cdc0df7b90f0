"""Four-persona rows for the prosecution pages and endpoints (threefold/prosecute).

The world adds to ``test_personas.build_world``: a case on our survivor (assigned to our caseworker and legal
officer) whose person consented to statistics, a criminal proceeding recorded by the legal officer with an
offender (a sealed name nobody else may see), a charge, a court date, a protection measure, a risk assessment and
a compensation order, and a charge against the survivor herself; and an analyst of our organisation.

Recording follows ``prosecute.record`` (the assigned legal officer and caseworker); reading follows
``prosecute.view`` (those two, and supervisors of the organisation); statistics are for analysts, supervisors and
org admins. Anything else is a 404 for objects (403 for pages by role), and never the data.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts import services as account_services
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.prosecute import services
from threefold.prosecute.models import (
    Accompaniment,
    Charge,
    CompensationOrder,
    CompensationPayment,
    CourtDate,
    Offender,
    OwnCharge,
    Proceeding,
    ProtectionMeasure,
    RiskAssessment,
    Sentence,
    StageEvent,
)
from threefold.protect import case_services

OFFENDER = "Radu Vasilescu"
OWN_OFFENCE = "Use of a forged work permit"
COURT_NUMBER = "RG 24/01873"
TODAY = date.today()
OPENED = TODAY - timedelta(days=200)


def build_prosecute_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.actors["analyst"] = make_member(org, Role.ANALYST)
    world.actors["other_analyst"] = make_member(other_org, Role.ANALYST)
    for key in ("analyst", "other_analyst"):
        _token, world.raw_tokens[key] = account_services.create_api_token(world.actors[key], f"{key} token")
    caseworker, legal = world.actors["caseworker"], world.actors["legal_officer"]
    case = case_services.open_case(caseworker, world.person, reason="Referred by the outreach team")
    consent_services.record_consent(
        caseworker, world.person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
    )
    proceeding = services.open_proceeding(
        legal,
        case,
        jurisdiction="fr",
        opened_on=OPENED,
        court="Tribunal judiciaire",
        court_reference=COURT_NUMBER,
    )
    offender = services.add_offender(legal, proceeding, name=OFFENDER, roles=["Exploiter"])
    charge = services.add_charge(legal, proceeding, offender=offender, offence="225-4-1")
    court_date = services.add_court_date(legal, proceeding, on=TODAY + timedelta(days=20), kind="testimony")
    measure = services.add_measure(
        legal, proceeding, measure="video_link", status="requested", requested_on=TODAY - timedelta(days=3)
    )
    order = services.add_order(
        legal,
        proceeding,
        kind="compensation",
        amount="5000",
        currency="EUR",
        ordered_on=TODAY - timedelta(days=2),
    )
    own = services.add_own_charge(
        legal,
        case,
        offence=OWN_OFFENCE,
        jurisdiction="fr",
        status="charged",
        charged_on=TODAY - timedelta(days=30),
    )
    world.extras.update(
        case=case,
        proceeding=proceeding,
        offender=offender,
        charge=charge,
        court_date=court_date,
        measure=measure,
        order=order,
        own=own,
    )
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_prosecute_world(org, other_org, make_member)


def _p(w: World) -> str:
    return str(w.extras["proceeding"].reference)


def _c(w: World) -> str:
    return str(w.extras["case"].reference)


def _url(name: str, *, case: bool = False, row: str | None = None) -> Any:
    def make(w: World) -> str:
        args: list[Any] = [_c(w) if case else _p(w)]
        if row:
            args.append(w.extras[row].pk)
        return reverse(f"prosecute:{name}", args=args)

    return make


def _count(model: type[Any]) -> Any:
    if model is OwnCharge:
        return lambda w: OwnCharge.objects.filter(case=w.extras["case"]).count()
    if model is Proceeding:
        return lambda w: Proceeding.objects.filter(case=w.extras["case"]).count()
    return lambda w: model.objects.filter(proceeding=w.extras["proceeding"]).count()


def _fresh(key: str, attribute: str = "version") -> Any:
    return lambda w: getattr(type(w.extras[key]).objects.get(pk=w.extras[key].pk), attribute)


# Reading follows the case's person (assigned legal officer and caseworker) or a supervisor's role.
CANNOT_READ = ("unassigned_caseworker", "screener", "trainer", "admin", "analyst", "loner")
# Recording needs the assignment and a legal officer or caseworker role: a supervisor only reads.
CANNOT_RECORD = ("supervisor", *CANNOT_READ)
LISTS_REFUSED = ("screener", "trainer", "admin", "analyst", "loner")


def _reader(view: str, url: Any, shows: Any, authorised: str = "legal_officer") -> Row:
    return Row(
        view,
        "GET",
        url,
        other_org="other_caseworker",
        denied=CANNOT_READ,
        authorised=authorised,
        ok_status=200,
        shows=shows,
    )


def _form(view: str, url: Any, field: str) -> Row:
    return Row(
        view,
        "GET",
        url,
        other_org="other_caseworker",
        denied=CANNOT_RECORD,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: f'name="{field}"',
    )


def _write(view: str, url: Any, data: Any, state: Any, authorised: str = "legal_officer") -> Row:
    return Row(
        view,
        "POST",
        url,
        other_org="other_caseworker",
        denied=CANNOT_RECORD,
        authorised=authorised,
        ok_status=302,
        data=data,
        state=state,
        secret=lambda w: OFFENDER,
    )


def _day(delta: int = 0) -> str:
    return (TODAY + timedelta(days=delta)).isoformat()


ROWS: tuple[Row, ...] = (
    Row(
        "prosecute:home",
        "GET",
        lambda w: reverse("prosecute:home"),
        other_org="other_caseworker",
        denied=LISTS_REFUSED,
        authorised="legal_officer",
        ok_status=200,
        shows=_p,
        other_org_status=(200,),
        never_shown=lambda w: OFFENDER,  # the list opens no sealed value
    ),
    Row(
        "prosecute:non_punishment",
        "GET",
        lambda w: reverse("prosecute:non_punishment"),
        other_org="other_caseworker",
        denied=LISTS_REFUSED,
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: OWN_OFFENCE,
        other_org_status=(200,),
    ),
    Row(
        "prosecute:statistics",
        "GET",
        lambda w: reverse("prosecute:statistics"),
        other_org="other_analyst",
        denied=("caseworker", "legal_officer", "screener", "trainer", "loner"),
        authorised="analyst",
        ok_status=200,
        shows=lambda w: "Identified</th>",
        never_shown=lambda w: OFFENDER,
        other_org_status=(200,),
    ),
    _reader("prosecute:case", _url("case", case=True), lambda w: OWN_OFFENCE),
    _reader("prosecute:case", _url("case", case=True), _p, authorised="supervisor"),
    _reader("prosecute:proceeding", _url("proceeding"), lambda w: OFFENDER),
    _reader("prosecute:proceeding", _url("proceeding"), lambda w: COURT_NUMBER, authorised="supervisor"),
    _form("prosecute:new_proceeding", _url("new_proceeding", case=True), "jurisdiction"),
    _write(
        "prosecute:new_proceeding",
        _url("new_proceeding", case=True),
        lambda w: {
            "jurisdiction": "gb-eaw",
            "opened_on": _day(-10),
            "court": "",
            "court_reference": "",
            "notes": "",
        },
        _count(Proceeding),
    ),
    _form("prosecute:add_own_charge", _url("add_own_charge", case=True), "offence"),
    _write(
        "prosecute:add_own_charge",
        _url("add_own_charge", case=True),
        lambda w: {
            "offence": "Working without a permit",
            "jurisdiction": "fr",
            "status": "investigated",
            "non_punishment": "not_raised",
        },
        _count(OwnCharge),
        authorised="caseworker",
    ),
    _form("prosecute:edit_own_charge", _url("edit_own_charge", case=True, row="own"), "non_punishment"),
    _write(
        "prosecute:edit_own_charge",
        _url("edit_own_charge", case=True, row="own"),
        lambda w: {
            "offence": OWN_OFFENCE,
            "jurisdiction": "fr",
            "status": "charged",
            "non_punishment": "pending",
            "raised_on": _day(),
            "version": _fresh("own")(w),
        },
        _fresh("own"),
    ),
    _form("prosecute:edit_proceeding", _url("edit_proceeding"), "closed_on"),
    _write(
        "prosecute:edit_proceeding",
        _url("edit_proceeding"),
        lambda w: {
            "court": "Cour d'appel",
            "court_reference": COURT_NUMBER,
            "notes": "",
            "version": _fresh("proceeding")(w),
        },
        _fresh("proceeding"),
    ),
    _form("prosecute:add_stage", _url("add_stage"), "stage"),
    _write(
        "prosecute:add_stage",
        _url("add_stage"),
        lambda w: {"stage": "prosecution", "on": _day(-5), "court": "", "jurisdiction": "", "note": ""},
        _count(StageEvent),
    ),
    _form("prosecute:add_offender", _url("add_offender"), "name"),
    _write(
        "prosecute:add_offender",
        _url("add_offender"),
        lambda w: {"name": "Ion Moraru", "roles": ["Transporter"]},
        _count(Offender),
    ),
    _form("prosecute:edit_offender", _url("edit_offender", row="offender"), "roles"),
    _write(
        "prosecute:edit_offender",
        _url("edit_offender", row="offender"),
        lambda w: {
            "name": OFFENDER,
            "roles": ["Exploiter", "RecruiterOrIntermediary"],
            "version": _fresh("offender")(w),
        },
        _fresh("offender"),
    ),
    _form("prosecute:add_charge", _url("add_charge"), "offence"),
    _write(
        "prosecute:add_charge",
        _url("add_charge"),
        lambda w: {"offender": w.extras["offender"].pk, "offence": "225-14-1"},
        _count(Charge),
    ),
    _form("prosecute:charge_verdict", _url("charge_verdict", row="charge"), "verdict"),
    _write(
        "prosecute:charge_verdict",
        _url("charge_verdict", row="charge"),
        lambda w: {"verdict": "convicted", "verdict_on": _day(-1), "version": _fresh("charge")(w)},
        _fresh("charge"),
    ),
    _form("prosecute:sentence", _url("sentence", row="offender"), "custody_months"),
    Row(
        "prosecute:sentence",
        "POST",
        _url("sentence", row="offender"),
        other_org="other_caseworker",
        denied=CANNOT_RECORD,
        authorised="legal_officer",
        ok_status=302,
        data=lambda w: _convicted_then(
            {"sentenced_on": _day(), "custody_months": "36", "fine_currency": ""}, w
        ),
        state=_count(Sentence),
        secret=lambda w: OFFENDER,
    ),
    _form("prosecute:add_order", _url("add_order"), "amount"),
    _write(
        "prosecute:add_order",
        _url("add_order"),
        lambda w: {
            "kind": "restitution",
            "amount": "1200.50",
            "currency": "eur",
            "ordered_on": _day(),
            "offender": "",
        },
        _count(CompensationOrder),
    ),
    _form("prosecute:add_payment", _url("add_payment", row="order"), "paid_on"),
    _write(
        "prosecute:add_payment",
        _url("add_payment", row="order"),
        lambda w: {"amount": "500", "paid_on": _day()},
        _count(CompensationPayment),
    ),
    _form("prosecute:add_measure", _url("add_measure"), "measure"),
    _write(
        "prosecute:add_measure",
        _url("add_measure"),
        lambda w: {"measure": "screen", "status": "requested", "requested_on": _day(), "note": ""},
        _count(ProtectionMeasure),
    ),
    _form("prosecute:edit_measure", _url("edit_measure", row="measure"), "status"),
    _write(
        "prosecute:edit_measure",
        _url("edit_measure", row="measure"),
        lambda w: {"status": "granted", "decided_on": _day(), "note": "", "version": _fresh("measure")(w)},
        _fresh("measure"),
    ),
    _form("prosecute:add_court_date", _url("add_court_date"), "survivor_attends"),
    _write(
        "prosecute:add_court_date",
        _url("add_court_date"),
        lambda w: {"on": _day(40), "time": "09:30", "court": "", "kind": "hearing", "note": ""},
        _count(CourtDate),
    ),
    _form("prosecute:edit_court_date", _url("edit_court_date", row="court_date"), "status"),
    _write(
        "prosecute:edit_court_date",
        _url("edit_court_date", row="court_date"),
        lambda w: {
            "on": _day(25),
            "time": "",
            "court": "",
            "kind": "testimony",
            "survivor_attends": "on",
            "status": "postponed",
            "note": "",
            "version": _fresh("court_date")(w),
        },
        _fresh("court_date"),
    ),
    _form("prosecute:add_accompaniment", _url("add_accompaniment"), "accompanied_by"),
    _write(
        "prosecute:add_accompaniment",
        _url("add_accompaniment"),
        lambda w: {"on": _day(), "kind": "police", "court_date": "", "accompanied_by": "", "note": ""},
        _count(Accompaniment),
    ),
    _form("prosecute:add_risk", _url("add_risk"), "level"),
    _write(
        "prosecute:add_risk",
        _url("add_risk"),
        lambda w: {"level": "high", "assessed_on": _day(), "review_on": _day(30), "note": ""},
        _count(RiskAssessment),
    ),
    # ---- API (read only)
    Row(
        "prosecute:api_case_proceedings",
        "GET",
        lambda w: reverse("prosecute:api_case_proceedings", args=[_c(w)]),
        other_org="other_caseworker",
        denied=("unassigned_caseworker", "screener", "trainer", "admin", "analyst"),
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: OWN_OFFENCE,
        api=True,
    ),
    Row(
        "prosecute:api_proceeding",
        "GET",
        lambda w: reverse("prosecute:api_proceeding", args=[_p(w)]),
        other_org="other_caseworker",
        denied=("unassigned_caseworker", "screener", "trainer", "admin", "analyst"),
        authorised="legal_officer",
        ok_status=200,
        shows=lambda w: OFFENDER,
        api=True,
    ),
)


def _convicted_then(data: dict[str, Any], w: World) -> dict[str, Any]:
    """A sentence needs a conviction first: the charge is decided before the authorised caller posts."""
    charge = Charge.objects.get(pk=w.extras["charge"].pk)
    if charge.verdict != "convicted":
        Charge.objects.filter(pk=charge.pk).update(verdict="convicted", verdict_on=TODAY)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_world_is_as_the_table_assumes(world: World) -> None:
    """The legal officer and caseworker are assigned (so they record), the supervisor is not (so only reads)."""
    person = world.person
    assert person.assigned_to.filter(pk=world.user("legal_officer").pk).exists()
    assert person.assigned_to.filter(pk=world.user("caseworker").pk).exists()
    assert not person.assigned_to.filter(pk=world.user("supervisor").pk).exists()
    assert Proceeding.objects.get().organisation == world.org
