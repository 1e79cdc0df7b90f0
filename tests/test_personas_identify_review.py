"""Four-persona rows for the supervisor's review pages and the ODK / Kobo import
(threefold/identify/views/review.py and imports.py).

The world adds to ``test_personas.build_world``: a completed screening by our screener and one by the other
organisation's caseworker, both made through ``identify.services``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.identify import catalogue, services
from threefold.identify.models import Channel, Screening

QYIT = "quick_youth_indicators"

ODK_CSV = (
    "SubmissionDate,q_unsafe_work,q_afraid_to_leave,q_sex_exchange,q_told_to_lie,meta-instanceID,KEY\n"
    "2025-03-01T09:30:00.000Z,no,yes,no,no,uuid:persona-1,uuid:persona-1\n"
)


def completed(world: World, key: str, answers: dict[str, Any], *, setting: str = "outreach") -> Screening:
    actor = world.actors[key]
    screening = services.start_screening(actor, catalogue.shipped_entry(QYIT), setting=setting, language="en")
    for item_id, value in answers.items():
        screening = services.save_answer(
            actor, screening, item_id, value, language="en", expected_version=screening.version
        )
    return services.finish_screening(actor, screening)


def build_review_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.extras["ours"] = completed(world, "screener", {"q_unsafe_work": "yes"})
    world.extras["theirs"] = completed(world, "other_caseworker", {"q_sex_exchange": "yes"})
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_review_world(org, other_org, make_member)


def _ours(w: World) -> str:
    return str(w.extras["ours"].reference)


# Shown only once the screening is opened: the question our screener's "yes" answered. The reference itself is no
# secret on these pages, because every page repeats its own URL (in the language form).
OUR_EVIDENCE = "made you feel afraid or in danger"


def _decision(w: World) -> object:
    return Screening.objects.get(pk=w.extras["ours"].pk).review_decision


def _our_imports(w: World) -> object:
    return Screening.objects.filter(organisation=w.org, channel=Channel.ODK).count()


def _import_form(w: World) -> dict[str, Any]:
    return {
        "instrument": QYIT,
        "setting": "outreach",
        "file": SimpleUploadedFile("submissions.csv", ODK_CSV.encode(), content_type="text/csv"),
    }


# Review and import are for supervisors; every other role of our organisation is refused, the screener who did
# the screening included (they may read their result, not review it).
NOT_SUPERVISORS = ("caseworker", "screener", "legal_officer", "trainer", "admin", "loner")

ROWS: tuple[Row, ...] = (
    Row(
        "identify:review",
        "GET",
        lambda w: reverse("identify:review"),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=200,
        shows=_ours,
        # The other organisation's supervisor reviews their own screenings on the same page, never ours.
        other_org_status=(200,),
    ),
    Row(
        "identify:review_screening",
        "GET",
        lambda w: reverse("identify:review_screening", args=[_ours(w)]),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_EVIDENCE,
    ),
    Row(
        "identify:review_screening",
        "POST",
        lambda w: reverse("identify:review_screening", args=[_ours(w)]),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=302,
        data=lambda w: {"decision": "follow_up", "note": "Ask the outreach team to visit again this week."},
        state=_decision,
        secret=lambda w: OUR_EVIDENCE,
    ),
    Row(
        "identify:import_submissions",
        "GET",
        lambda w: reverse("identify:import_submissions"),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: 'name="file"',
        secret=_ours,
        other_org_status=(200,),
    ),
    Row(
        "identify:import_submissions",
        "POST",
        lambda w: reverse("identify:import_submissions"),
        other_org="other_supervisor",
        denied=NOT_SUPERVISORS,
        authorised="supervisor",
        ok_status=200,
        data=_import_form,
        state=_our_imports,
        shows=lambda w: "1 screening imported",
        secret=_ours,
        # The other organisation's supervisor imports into their own organisation: ours is untouched.
        other_org_status=(200,),
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_world_is_as_the_table_assumes(world: World) -> None:
    """Our screening is complete and unreviewed, and the outsiders' one is theirs."""
    ours, theirs = world.extras["ours"], world.extras["theirs"]
    assert ours.is_complete
    assert ours.organisation_id == world.org.pk
    assert ours.review_decision == ""
    assert theirs.is_complete
    assert theirs.organisation_id == world.other_org.pk
