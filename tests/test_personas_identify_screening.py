"""Four-persona rows for screening in the browser (threefold/identify/views/screening.py).

The world adds to ``test_personas.build_world``: an unfinished screening by our screener, a finished anonymous
screening by our caseworker (the only one whose answers say "afraid to leave"), and one of the other organisation.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from threefold.accounts.models import Organisation
from threefold.identify import catalogue, services
from threefold.identify.models import Screening, Status

QYIT = "quick_youth_indicators"


def screen(world: World, key: str, answers: dict[str, Any], *, finish: bool = True) -> Screening:
    actor = world.actors[key]
    screening = services.start_screening(
        actor, catalogue.shipped_entry(QYIT), setting="outreach", language="en"
    )
    for item_id, value in answers.items():
        screening = services.save_answer(
            actor, screening, item_id, value, language="en", expected_version=screening.version
        )
    if finish:
        screening = services.finish_screening(actor, screening)
    return screening


def build_screening_world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    world.extras["in_progress"] = screen(world, "screener", {"q_unsafe_work": "no"}, finish=False)
    world.extras["complete"] = screen(
        world, "caseworker", {"q_afraid_to_leave": "yes", "q_unsafe_work": "no"}
    )
    world.extras["outsiders"] = screen(world, "other_caseworker", {"q_sex_exchange": "yes"})
    return world


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    return build_screening_world(org, other_org, make_member)


def _ref(key: str) -> Any:
    return lambda w: w.extras[key].reference


def _screenings(w: World) -> object:
    return Screening.objects.filter(organisation=w.org).count()


def _version(key: str) -> Any:
    return lambda w: Screening.objects.get(pk=w.extras[key].pk).version


def _status(key: str) -> Any:
    return lambda w: Screening.objects.get(pk=w.extras[key].pk).status


def _person_attached(w: World) -> object:
    return Screening.objects.get(pk=w.extras["complete"].pk).person_id


# Roles that may screen: screener, caseworker, supervisor, legal officer. Trainer and org admin may not.
NOT_SCREENERS = ("trainer", "admin", "loner")
# A screening in progress belongs to the person doing it; nobody else continues it, supervisors included.
NOT_ITS_SCREENER = ("caseworker", "supervisor", "legal_officer", "trainer", "admin", "loner")

ROWS: tuple[Row, ...] = (
    Row(
        "identify:home",
        "GET",
        lambda w: reverse("identify:home"),
        other_org="other_caseworker",
        denied=("loner",),
        authorised="caseworker",
        ok_status=200,
        shows=_ref("complete"),
        other_org_status=(200,),
    ),
    Row(
        "identify:setting",
        "GET",
        lambda w: reverse("identify:setting", args=["outreach"]),
        other_org="other_caseworker",
        denied=NOT_SCREENERS,
        authorised="screener",
        ok_status=200,
        shows=lambda w: 'action="/identify/instruments/quick_youth_indicators/start/"',
        other_org_status=(200,),
        # Public reference data: what matters is that only screening roles are offered it.
        secret=lambda w: "never-on-this-page",
    ),
    Row(
        "identify:instrument",
        "GET",
        lambda w: reverse("identify:instrument", args=[QYIT]),
        other_org="other_caseworker",
        denied=NOT_SCREENERS,
        authorised="screener",
        ok_status=200,
        shows=lambda w: "86.7%",
        other_org_status=(200,),
        secret=lambda w: "never-on-this-page",
    ),
    Row(
        "identify:xlsform",
        "GET",
        lambda w: reverse("identify:xlsform", args=[QYIT]),
        other_org="other_caseworker",
        denied=NOT_SCREENERS,
        authorised="screener",
        ok_status=200,
        other_org_status=(200,),
    ),
    Row(
        "identify:start",
        "POST",
        lambda w: reverse("identify:start", args=[QYIT]),
        other_org="other_caseworker",
        denied=NOT_SCREENERS,
        authorised="screener",
        ok_status=302,
        data=lambda w: {"setting": "outreach"},
        state=_screenings,
        # An outsider starts a screening in their own organisation: ours is untouched (checked by ``state``).
        other_org_status=(302,),
    ),
    Row(
        "identify:question",
        "GET",
        lambda w: reverse("identify:question", args=[_ref("in_progress")(w), "q_unsafe_work"]),
        other_org="other_caseworker",
        denied=NOT_ITS_SCREENER,
        authorised="screener",
        ok_status=200,
        shows=lambda w: 'value="no" id="id_answer_1" checked',
    ),
    Row(
        "identify:question",
        "POST",
        lambda w: reverse("identify:question", args=[_ref("in_progress")(w), "q_unsafe_work"]),
        other_org="other_caseworker",
        denied=NOT_ITS_SCREENER,
        authorised="screener",
        ok_status=302,
        data=lambda w: {"answer": "yes", "version": w.extras["in_progress"].version, "move": "next"},
        state=_version("in_progress"),
    ),
    Row(
        "identify:answers",
        "GET",
        lambda w: reverse("identify:answers", args=[_ref("in_progress")(w)]),
        other_org="other_caseworker",
        denied=NOT_ITS_SCREENER,
        authorised="screener",
        ok_status=200,
        shows=lambda w: "Check the answers",
    ),
    Row(
        "identify:finish",
        "POST",
        lambda w: reverse("identify:finish", args=[_ref("in_progress")(w)]),
        other_org="other_caseworker",
        denied=NOT_ITS_SCREENER,
        authorised="screener",
        ok_status=302,
        state=_status("in_progress"),
    ),
    Row(
        "identify:discard",
        "POST",
        lambda w: reverse("identify:discard", args=[_ref("in_progress")(w)]),
        other_org="other_caseworker",
        denied=NOT_ITS_SCREENER,
        authorised="screener",
        ok_status=302,
        state=_screenings,
    ),
    Row(
        "identify:result",
        "GET",
        lambda w: reverse("identify:result", args=[_ref("complete")(w)]),
        other_org="other_caseworker",
        # Another caseworker did not do this screening; only its screener and supervisors read it.
        denied=("unassigned_caseworker", "screener", "legal_officer", "trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=200,
        shows=lambda w: "→ <strong>Yes</strong>",
    ),
    Row(
        "identify:print",
        "GET",
        lambda w: reverse("identify:print", args=[_ref("complete")(w)]),
        other_org="other_supervisor",
        denied=("unassigned_caseworker", "screener", "legal_officer", "trainer", "admin", "loner"),
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: "→ <strong>Yes</strong>",
    ),
    Row(
        "identify:attach",
        "POST",
        lambda w: reverse("identify:attach", args=[_ref("complete")(w)]),
        other_org="other_caseworker",
        # The person is assigned to the caseworker and the legal officer; the legal officer did not screen.
        denied=("unassigned_caseworker", "screener", "legal_officer", "trainer", "admin", "loner"),
        authorised="caseworker",
        ok_status=302,
        data=lambda w: {"person": w.person.reference, "consent": "verbal", "confirm": "on"},
        state=_person_attached,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_the_world_is_as_the_rows_assume(world: World) -> None:
    assert world.extras["in_progress"].status == Status.IN_PROGRESS
    assert world.extras["complete"].outcome == "positive"
    assert world.extras["complete"].person_id is None
