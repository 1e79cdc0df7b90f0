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
    # Other apps whose pages belong to this entry of the navigation (it is marked current on them too).
    also: tuple[str, ...] = ()

    def is_current(self, app_name: str | None) -> bool:
        return app_name == self.key or app_name in self.also


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
    # Training, education, campaigns and the vulnerability map: the trainers' and campaign leads' module, and
    # the materials library every member may hand out (prevent.view); training is reached from its home page.
    Module(
        "prevent",
        _("Prevent"),
        "prevent:home",
        frozenset(
            {Role.TRAINER, Role.ORG_ADMIN, Role.ANALYST, Role.SUPERVISOR, Role.CASEWORKER, Role.SCREENER}
        ),
        also=("training",),
    ),
    Module(
        "participate",
        _("Participate"),
        "participate:home",
        frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.ANALYST, Role.ORG_ADMIN}),
    ),
)


def modules_for(actor: Actor | None) -> list[Module]:
    if actor is None or actor.role is None:
        return []
    return [module for module in MODULES if actor.role in module.roles]


def current_module(actor: Actor | None, app_name: str | None) -> str:
    """The key of the navigation entry the page belongs to ("" when none does)."""
    return next((module.key for module in modules_for(actor) if module.is_current(app_name)), "")
