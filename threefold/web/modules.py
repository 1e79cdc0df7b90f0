"""The modules of the navigation. A module appears only once it is built; nothing is shown that does not work."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from threefold.accounts.actor import Actor
from threefold.accounts.roles import Role


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[Role]


MODULES: tuple[Module, ...] = (
    Module(
        "identify",
        _("Identify"),
        "identify:home",
        frozenset(
            {
                Role.SCREENER,
                Role.CASEWORKER,
                Role.SUPERVISOR,
                Role.LEGAL_OFFICER,
                Role.ORG_ADMIN,
                Role.TRAINER,
                Role.ANALYST,
            }
        ),
    ),
    Module(
        "protect",
        _("Protect"),
        "protect:home",
        frozenset({Role.SCREENER, Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER}),
    ),
    Module(
        "insight", _("Statistics"), "insight:home", frozenset({Role.ANALYST, Role.SUPERVISOR, Role.ORG_ADMIN})
    ),
)


def modules_for(actor: Actor | None) -> list[Module]:
    if actor is None or actor.role is None:
        return []
    return [module for module in MODULES if actor.role in module.roles]
