"""Where other apps add to the country pages and briefs without this app knowing them.

The advocate app's accountability tracker will show "status on every ask" on each country page and brief: it
registers a provider (at ready()) that returns a template and its context for a country, and the pages render
every section returned, in the ``status_on_every_ask`` block of ``countries/_status_on_every_ask.html``. With no
provider registered the block is empty and the pages say nothing about asks.

    from threefold.countries import hooks
    hooks.register_ask_status(lambda actor, alpha3: hooks.Section("advocate/ask_status.html", {...}))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from threefold.accounts.actor import Actor


@dataclass(frozen=True)
class Section:
    template: str  # rendered with ``section`` (this object) and ``data`` (the context below) in its context
    data: dict[str, Any] = field(default_factory=dict)


AskStatusProvider = Callable[[Actor, str], Section | None]
_providers: list[AskStatusProvider] = []


def register_ask_status(provider: AskStatusProvider) -> None:
    """Add a provider of a "status on every ask" section (called with the actor and the alpha-3 code)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_ask_status(provider: AskStatusProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def ask_status(actor: Actor, alpha3: str) -> list[Section]:
    """The sections every registered provider gives for this country, in registration order."""
    return [section for provider in _providers if (section := provider(actor, alpha3)) is not None]
