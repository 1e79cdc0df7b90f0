"""Training sessions on the vulnerability map: a session may name one of the organisation's prevention areas, and
the map's overlay counts the sessions per area (threefold/training/apps.py registers the source with prevent)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import MakeMember
from tests.training_world import make_world
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.prevent import coverage_sources
from threefold.prevent import services as prevent_services
from threefold.training import services
from threefold.training.models import Session

pytestmark = pytest.mark.django_db


def test_sessions_count_on_the_map_by_area(
    org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    trainer = make_member(org, Role.TRAINER)
    prevent_services.import_areas(trainer, b"code,name\nD1,District One\nD2,District Two\n")
    world = make_world(trainer)
    given = services.SessionInput(
        world.session.starts_on, world.session.ends_on, "Town hall", trainer.user, "en", "in_person", 20, "D2"
    )
    services.create_session(trainer, world.course, given)
    services.create_session(trainer, world.course, given)
    training = {source.key: source for source in coverage_sources.sources()}["training"]
    # Every member reads the map, so a caseworker sees the counts too; another organisation sees its own.
    assert training.counts(make_member(org, Role.CASEWORKER)) == {"D2": 2}
    assert training.counts(make_member(other_org, Role.TRAINER)) == {}


def test_an_area_of_no_one_or_of_another_organisation_is_refused(
    org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    trainer, other = make_member(org, Role.TRAINER), make_member(other_org, Role.TRAINER)
    prevent_services.import_areas(other, b"code,name\nX9,Elsewhere\n")
    world = make_world(trainer)
    before = Session.objects.count()
    given = services.SessionInput(
        world.session.starts_on, world.session.ends_on, "Town hall", trainer.user, "en", "in_person", 20
    )
    for code in ("X9", "NOPE"):
        with pytest.raises(services.TrainingError) as refused:
            services.create_session(trainer, world.course, dataclasses.replace(given, area_code=code))
        assert refused.value.field == "area_code"
    assert Session.objects.count() == before
