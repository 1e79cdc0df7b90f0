"""Four-persona rows for the case pages (threefold/protect/case_views.py).

The world adds to ``test_personas.build_world``: a case on our survivor opened by our caseworker (with a sealed
note and a journey place nobody else may see), and a second case whose move to "plan" waits for approval,
because our organisation asked for plans to be approved.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.protect import case_services, nrm_services
from threefold.protect.models import Case, CaseAttachment, CaseEvent, NrmDecision, NrmReferral, StageApproval
from threefold.protect.victim_context import JourneyEvent, VictimContext

NOTE = "Moved to the riverside shelter on Tuesday"
PLACE = "Orchard Lane farm"
PENDING_REASON = "Plan agreed with her at the meeting today"
REFERRED_ON = date.today() - timedelta(days=10)
LETTER = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% the riverside shelter confirms her place\n%%EOF\n"


def build_case_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    caseworker = world.actors["caseworker"]
    context = VictimContext(
        exploitation_types=("ForcedLabour",),
        control_methods=("DebtBondage",),
        journey=(JourneyEvent(type="Exploitation", country="GB", place=PLACE),),
    )
    case = case_services.open_case(
        caseworker, world.person, reason="Referred by the outreach team", context=context
    )
    case_services.add_note(caseworker, case, NOTE)
    StageApproval.objects.create(organisation=org, stage="plan")
    pending = case_services.open_case(caseworker, world.person, reason="Second episode of support")
    pending = case_services.move(
        caseworker, pending, "assessment", "Needs assessed together", expected_version=pending.version
    )
    pending = case_services.move(
        caseworker, pending, "plan", PENDING_REASON, expected_version=pending.version
    )
    nrm_services.refer(caseworker, case, jurisdiction="gb-eaw", referred_on=REFERRED_ON, is_child=False)
    attachment = case_services.attach_file(caseworker, case, "shelter letter.pdf", LETTER)
    world.extras.update(case=case, pending=pending, attachment=attachment)
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_case_world(org, other_org, make_member)


def _case(w: World) -> str:
    return str(w.extras["case"].reference)


def _pending(w: World) -> str:
    return str(w.extras["pending"].reference)


def _survivor_ref(w: World) -> str:
    return w.person.reference


def _fresh(w: World, key: str) -> Case:
    return Case.objects.get(pk=w.extras[key].pk)


# Reading a case needs the person: assignment (the caseworker, the legal officer) or a grant.
NOT_ON_THE_CASE = ("unassigned_caseworker", "supervisor", "screener", "trainer", "admin", "loner")
# Changing it needs a caseworker or supervisor role as well: the assigned legal officer reads but does not change.
CANNOT_CHANGE = ("legal_officer", *NOT_ON_THE_CASE)
# API callers need a token, so the member without an organisation is replaced by a deactivated member's token.
API_NOT_ON_THE_CASE = ("unassigned_caseworker", "supervisor", "screener", "trainer", "admin", "deactivated")
API_CANNOT_CHANGE = ("legal_officer", *API_NOT_ON_THE_CASE)
NOT_SUPERVISORS = ("caseworker", "legal_officer", "screener", "trainer", "admin", "loner")

ROWS: tuple[Row, ...] = (
    Row(
        "protect:cases",
        "GET",
        lambda w: reverse("protect:cases"),
        other_org="other_caseworker",
        denied=("screener", "trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=_case,
        other_org_status=(200,),
    ),
    Row(
        "protect:open_case",
        "GET",
        lambda w: reverse("protect:open_case", args=[_survivor_ref(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: 'name="reason"',
        secret=lambda w: "Petrova",
    ),
    Row(
        "protect:open_case",
        "POST",
        lambda w: reverse("protect:open_case", args=[_survivor_ref(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {
            "reason": "She asked for help with housing",
            "ctx-trafficking_status": "PossibleVictimOfTrafficking",
        },
        state=lambda w: Case.objects.filter(person=w.person).count(),
    ),
    Row(
        "protect:case",
        "GET",
        lambda w: reverse("protect:case", args=[_case(w)]),
        other_org="other_caseworker",
        denied=NOT_ON_THE_CASE,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: NOTE,
    ),
    Row(
        "protect:move",
        "POST",
        lambda w: reverse("protect:move", args=[_case(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {
            "stage": "assessment",
            "reason": "First meeting planned",
            "version": _fresh(w, "case").version,
        },
        state=lambda w: _fresh(w, "case").stage,
        secret=lambda w: NOTE,
    ),
    Row(
        "protect:add_note",
        "POST",
        lambda w: reverse("protect:add_note", args=[_case(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {"text": "Called back, all well"},
        state=lambda w: CaseEvent.objects.filter(case=w.extras["case"]).count(),
        secret=lambda w: NOTE,
    ),
    Row(
        "protect:edit_context",
        "GET",
        lambda w: reverse("protect:edit_context", args=[_case(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: PLACE,
    ),
    Row(
        "protect:edit_context",
        "POST",
        lambda w: reverse("protect:edit_context", args=[_case(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {
            "version": _fresh(w, "case").version,
            "trafficking_status": "PossibleVictimOfTrafficking",
            "exploitation_types": ["ForcedLabour", "ForcedBegging"],
            "journey-TOTAL_FORMS": "0",
            "journey-INITIAL_FORMS": "0",
        },
        state=lambda w: _fresh(w, "case").version,
        secret=lambda w: PLACE,
    ),
    Row(
        "protect:attach",
        "POST",
        lambda w: reverse("protect:attach", args=[_case(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {"file": SimpleUploadedFile("scan.pdf", LETTER)},
        state=lambda w: CaseAttachment.objects.filter(case=w.extras["case"]).count(),
    ),
    Row(
        "protect:attachment",
        "GET",
        lambda w: reverse("protect:attachment", args=[_case(w), w.extras["attachment"].uid]),
        other_org="other_caseworker",
        denied=NOT_ON_THE_CASE,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "the riverside shelter confirms her place",
    ),
    Row(
        "protect:nrm_refer",
        "POST",
        lambda w: reverse("protect:nrm_refer", args=[_pending(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {"jurisdiction": "gb-eaw", "referred_on": REFERRED_ON.isoformat()},
        state=lambda w: NrmReferral.objects.filter(case=w.extras["pending"]).exists(),
    ),
    Row(
        "protect:nrm_decide",
        "POST",
        lambda w: reverse("protect:nrm_decide", args=[_case(w)]),
        other_org="other_caseworker",
        denied=CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {
            "stage": "reasonable_grounds",
            "outcome": "positive",
            "decided_on": (REFERRED_ON + timedelta(days=3)).isoformat(),
            "authority": "Single Competent Authority",
        },
        state=lambda w: NrmDecision.objects.filter(referral__case=w.extras["case"]).count(),
    ),
    # ---- the same through the API (tokens; a deactivated member's token acts for nobody)
    Row(
        "api:cases",
        "GET",
        lambda w: reverse("api:cases"),
        other_org="other_caseworker",
        denied=("screener", "trainer", "admin", "deactivated"),
        authorised="caseworker",
        ok_status=200,
        shows=_case,
        other_org_status=(200,),
        api=True,
    ),
    Row(
        "api:cases",
        "POST",
        lambda w: reverse("api:cases"),
        other_org="other_caseworker",
        denied=API_CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=201,
        data=lambda w: {"person": _survivor_ref(w), "reason": "She asked for help with housing"},
        state=lambda w: Case.objects.filter(person=w.person).count(),
        api=True,
    ),
    Row(
        "api:case",
        "GET",
        lambda w: reverse("api:case", args=[_case(w)]),
        other_org="other_caseworker",
        denied=API_NOT_ON_THE_CASE,
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: NOTE,
        api=True,
    ),
    Row(
        "api:case_stage",
        "POST",
        lambda w: reverse("api:case_stage", args=[_case(w)]),
        other_org="other_caseworker",
        denied=API_CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=200,
        data=lambda w: {
            "stage": "assessment",
            "reason": "First meeting planned",
            "version": _fresh(w, "case").version,
        },
        state=lambda w: _fresh(w, "case").stage,
        secret=lambda w: NOTE,
        api=True,
    ),
    Row(
        "api:case_context",
        "PUT",
        lambda w: reverse("api:case_context", args=[_case(w)]),
        other_org="other_caseworker",
        denied=API_CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=200,
        data=lambda w: {"version": _fresh(w, "case").version, "exploitation_types": ["ForcedBegging"]},
        state=lambda w: _fresh(w, "case").version,
        secret=lambda w: PLACE,
        api=True,
    ),
    Row(
        "api:case_notes",
        "POST",
        lambda w: reverse("api:case_notes", args=[_case(w)]),
        other_org="other_caseworker",
        denied=API_CANNOT_CHANGE,
        authorised="caseworker",
        ok_status=201,
        data=lambda w: {"text": "Called back, all well"},
        state=lambda w: CaseEvent.objects.filter(case=w.extras["case"]).count(),
        api=True,
    ),
    Row(
        "protect:approvals",
        "GET",
        lambda w: reverse("protect:approvals"),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: PENDING_REASON,
        other_org_status=(200,),
        never_shown=lambda w: "Petrova",  # references and stages only
    ),
    Row(
        "protect:dashboard",
        "GET",
        lambda w: reverse("protect:dashboard"),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=200,
        # Our case was referred ten days ago and has no reasonable-grounds decision yet.
        shows=lambda w: "Reasonable-grounds decisions overdue",
        other_org_status=(200,),
        never_shown=lambda w: "Petrova",
    ),
    Row(
        "protect:decide",
        "POST",
        lambda w: reverse("protect:decide", args=[_pending(w)]),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"decision": "approve", "reason": ""},
        state=lambda w: _fresh(w, "pending").stage,
    ),
    Row(
        "protect:assign_case",
        "POST",
        lambda w: reverse("protect:assign_case", args=[_case(w)]),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"membership": w.membership("unassigned_caseworker").pk},
        state=lambda w: _fresh(w, "case").caseworker_id,
    ),
    Row(
        "protect:approval_settings",
        "GET",
        lambda w: reverse("protect:approval_settings"),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=200,
        shows=lambda w: 'name="stages"',
        # The other admin sees the same form for their own organisation, where nothing needs approval.
        secret=lambda w: "Approval is needed now to enter: Assistance plan",
        other_org_status=(200,),
    ),
    Row(
        "protect:approval_settings",
        "POST",
        lambda w: reverse("protect:approval_settings"),
        other_org="other_admin",
        denied=("supervisor", "caseworker", "loner"),
        authorised="admin",
        ok_status=302,
        data=lambda w: {"stages": ["plan", "closed"]},
        state=lambda w: sorted(
            StageApproval.objects.filter(organisation=w.org).values_list("stage", flat=True)
        ),
        # The other organisation's admin configures their own organisation: ours is untouched.
        other_org_status=(302,),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_world_is_as_the_table_assumes(world: World) -> None:
    case, pending = _fresh(world, "case"), _fresh(world, "pending")
    assert case.stage == "open"
    assert case.caseworker == world.user("caseworker")
    assert pending.stage == "assessment"
    assert pending.pending_stage == "plan"
