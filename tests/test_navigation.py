"""The main navigation: each role sees the modules it works in, and a module spanning two apps (Prevent holds
training) is marked as the current page on both."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import MakeMember, login
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.web.modules import current_module, modules_for


@pytest.mark.django_db
def test_each_role_sees_its_modules(org: Organisation, make_member: MakeMember) -> None:
    keys = {role: [m.key for m in modules_for(make_member(org, role))] for role in Role}
    assert "prevent" in keys[Role.TRAINER]
    assert "participate" not in keys[Role.TRAINER]
    assert "participate" in keys[Role.CASEWORKER]
    assert "prevent" in keys[Role.CASEWORKER]
    assert "prevent" not in keys[Role.LEGAL_OFFICER]
    assert modules_for(None) == []


@pytest.mark.django_db
def test_training_pages_mark_prevent_as_current(org: Organisation, make_member: MakeMember) -> None:
    trainer = make_member(org, Role.TRAINER)
    assert current_module(trainer, "training") == "prevent"
    assert current_module(trainer, "prevent") == "prevent"
    assert current_module(trainer, "participate") == ""  # not the trainer's module
    assert current_module(trainer, None) == ""
    page = login(Client(), trainer.user).get("/training/").content.decode()
    nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert nav.count('aria-current="page"') == 1
    assert 'href="/prevent/" aria-current="page"' in nav
