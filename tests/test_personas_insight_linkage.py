"""Four-persona rows for record linkage between organisations (threefold/insight/linkage_views.py).

The world of tests/test_personas.py, with an analyst in each organisation and their people consenting to
statistics; our organisation holds an encoding set made here (its name is the secret: another organisation must
not learn it exists), the other organisation's set imported from its file, and a finished run between the two.
Analysts of the organisation do everything with encodings; supervisors and org admins read runs' results (counts)
and supervisors start an estimate from one; caseworkers, screeners, trainers and members of nobody are refused
everything.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import Row, World, build_world, check_persona, personas
from tests.test_personas_insight import REFUSED
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.insight import linkage_access, linkage_services, linkage_tasks
from threefold.insight.models import EncodingSet, Estimate, LinkageRun
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity

SECRET = bytes(range(32))
OUR_SET = "Shelter for Casa 5e1d"
THEIR_SET = "Casa for Shelter 0b7e"
OUR_RUN = "Shelter and Casa 8c2a"
NEW_SET = "Made by a persona 2f4a"
ANALYSTS_ONLY = (*REFUSED, "supervisor", "admin")


def _made(actor: Actor, label: str) -> EncodingSet:
    found = linkage_services.make_encodings(actor, label=label, secret=SECRET)
    assert linkage_tasks.make_encodings.call(found.pk) == "done"  # the test's transaction never commits
    found.refresh_from_db()
    return found


def _consenting(actor: Actor, identity: Identity) -> None:
    person = protect_services.create_person(actor, identity)
    consent_services.record_consent(
        actor, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
    )


@pytest.fixture
def world(org: Organisation, other_org: Organisation, make_member: MakeMember) -> World:
    world = build_world(org, other_org, make_member)
    analyst, other_analyst = make_member(org, Role.ANALYST), make_member(other_org, Role.ANALYST)
    world.actors.update(analyst=analyst, other_analyst=other_analyst)
    caseworker = world.actors["caseworker"]
    consent_services.record_consent(
        caseworker, world.person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
    )
    _consenting(caseworker, Identity("Amina", "Diallo"))
    _consenting(world.actors["other_caseworker"], Identity("Ольга", "Петрова"))
    ours = _made(analyst, OUR_SET)
    theirs = _made(other_analyst, THEIR_SET)
    their_file = linkage_access.export_file(other_analyst, theirs)
    imported = linkage_services.import_encodings(analyst, label=THEIR_SET, data=their_file, secret=SECRET)
    run = linkage_services.start_run(analyst, name=OUR_RUN, sets=[ours, imported])
    assert linkage_tasks.run_linkage.call(run.pk) == "done"
    # A second file of theirs, which we have not imported yet: what the import row uploads.
    second = linkage_access.export_file(other_analyst, _made(other_analyst, THEIR_SET + " again"))
    world.extras.update(ours=ours, imported=imported, second_file=second, run=run)
    return world


def _set(view: str) -> Any:
    return lambda w: reverse(view, args=[w.extras["ours"].pk])


def _run(view: str) -> Any:
    return lambda w: reverse(view, args=[w.extras["run"].pk])


def _our_sets(w: World) -> object:
    return sorted(EncodingSet.objects.filter(organisation=w.org).values_list("label", flat=True))


def _our_set_exists(w: World) -> object:
    return EncodingSet.objects.filter(pk=w.extras["ours"].pk).exists()


def _our_runs(w: World) -> object:
    return LinkageRun.objects.filter(organisation=w.org).count()


def _our_estimates(w: World) -> object:
    return Estimate.objects.filter(organisation=w.org).count()


def _import_form(w: World) -> dict[str, Any]:
    upload = SimpleUploadedFile("casa.tfenc", w.extras["second_file"], "application/octet-stream")
    return {"label": NEW_SET, "file": upload, "secret": SECRET.hex()}


ROWS: tuple[Row, ...] = (
    Row(
        "insight:linkage",
        "GET",
        lambda w: reverse("insight:linkage"),
        other_org="other_analyst",
        denied=REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_SET,
        other_org_status=(200,),  # their own organisation's sets and runs
    ),
    Row(
        "insight:linkage_make",
        "GET",
        lambda w: reverse("insight:linkage_make"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=200,
        other_org_status=(200,),  # a form for their own organisation
    ),
    Row(
        "insight:linkage_make",
        "POST",
        lambda w: reverse("insight:linkage_make"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=200,  # the new secret is shown in this response, once
        data=lambda w: {"label": NEW_SET, "secret_choice": "new", "valid_days": "30"},
        state=_our_sets,  # an outsider's set goes to their own organisation: ours never moves
        other_org_status=(200,),
    ),
    Row(
        "insight:linkage_import",
        "GET",
        lambda w: reverse("insight:linkage_import"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=200,
        other_org_status=(200,),
    ),
    Row(
        "insight:linkage_import",
        "POST",
        lambda w: reverse("insight:linkage_import"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=302,
        data=_import_form,
        state=_our_sets,
        other_org_status=(400,),  # the file is their own: refused, and nothing of ours moves
    ),
    Row(
        "insight:encoding_set",
        "GET",
        _set("insight:encoding_set"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_SET,
    ),
    Row(
        "insight:encoding_set_progress",
        "GET",
        _set("insight:encoding_set_progress"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: "The encodings are ready.",
    ),
    Row(
        "insight:encoding_set_export",
        "POST",
        _set("insight:encoding_set_export"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: "TF-PPRL",  # the encoding file itself
        write=False,  # a download (audited), not a change
    ),
    Row(
        "insight:encoding_set_delete",
        "POST",
        _set("insight:encoding_set_delete"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=302,
        state=_our_set_exists,
    ),
    Row(
        "insight:linkage_run_new",
        "GET",
        lambda w: reverse("insight:linkage_run_new"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_SET,  # our sets to choose from
        other_org_status=(200,),
    ),
    Row(
        "insight:linkage_run_new",
        "POST",
        lambda w: reverse("insight:linkage_run_new"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=302,
        data=lambda w: {
            "name": "A persona's run",
            "sets": [str(w.extras["ours"].pk), str(w.extras["imported"].pk)],
            "threshold": "0.75",
        },
        state=_our_runs,
        other_org_status=(400,),  # our sets are not among theirs to choose
    ),
    Row(
        "insight:linkage_run",
        "GET",
        _run("insight:linkage_run"),
        other_org="other_analyst",
        denied=REFUSED,
        authorised="supervisor",
        ok_status=200,
        shows=lambda w: OUR_RUN,
    ),
    Row(
        "insight:linkage_run_progress",
        "GET",
        _run("insight:linkage_run_progress"),
        other_org="other_supervisor",
        denied=REFUSED,
        authorised="admin",
        ok_status=200,
        shows=lambda w: "The result is ready.",
    ),
    Row(
        "insight:linkage_run_download",
        "GET",
        _run("insight:linkage_run_download"),
        other_org="other_analyst",
        denied=REFUSED,
        authorised="analyst",
        ok_status=200,
        shows=lambda w: OUR_SET,  # the lists' names head the columns
    ),
    Row(
        "insight:linkage_run_estimate",
        "POST",
        _run("insight:linkage_run_estimate"),
        other_org="other_supervisor",
        denied=(*REFUSED, "admin"),
        authorised="supervisor",
        ok_status=302,
        state=_our_estimates,
    ),
    Row(
        "insight:linkage_run_delete",
        "POST",
        _run("insight:linkage_run_delete"),
        other_org="other_analyst",
        denied=ANALYSTS_ONLY,
        authorised="analyst",
        ok_status=302,
        state=_our_runs,
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "key"), personas(ROWS))
def test_persona(row: Row, persona: str, key: str | None, world: World) -> None:
    check_persona(row, persona, key, world)


@pytest.mark.django_db
def test_an_outsider_set_lands_in_their_own_organisation(world: World) -> None:
    """What the make POST row's other_org 200 means: a set of theirs, none of ours."""
    row = next(row for row in ROWS if row.view == "insight:linkage_make" and row.method == "POST")
    check_persona(row, "other_org", row.other_org, world)
    assert EncodingSet.objects.get(label=NEW_SET).organisation == world.other_org


@pytest.mark.django_db
def test_the_world_is_as_the_rows_assume(world: World) -> None:
    run = LinkageRun.objects.get(pk=world.extras["run"].pk)
    assert run.result is not None
    assert run.result["records"] == [2, 1]  # Olga Petrova and Amina Diallo; Ольга Петрова
    assert {tuple(row[:-1]): row[-1] for row in run.result["histories"]}[(1, 1)] == 1
