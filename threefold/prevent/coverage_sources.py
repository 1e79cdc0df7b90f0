"""What the vulnerability map can overlay on the areas: counts of prevention work per area code.

Another app adds its own work without prevent importing it: the training app registers its sessions by area from
its ``AppConfig.ready`` (threefold/training/apps.py)::

    register(CoverageSource("training", gettext_lazy("Training sessions"), access.session_counts_by_area))

where the function counts the actor's organisation's work by area code. The map's select, its marks and its
table then include it; nothing else in prevent changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from threefold.accounts.actor import Actor
from threefold.prevent import access


@dataclass(frozen=True)
class CoverageSource:
    key: str  # in the map's URL (?overlay=key)
    label: Any  # a (lazily) translated text
    counts: Callable[[Actor], Mapping[str, int]]  # area code -> count, for the actor's organisation


_SOURCES: dict[str, CoverageSource] = {}


def register(source: CoverageSource) -> None:
    _SOURCES[source.key] = source


def sources() -> tuple[CoverageSource, ...]:
    return tuple(_SOURCES.values())


register(CoverageSource("campaigns", _("Campaign activities"), access.activities_by_area))
register(CoverageSource("education", _("Education sessions"), access.sessions_by_area))
