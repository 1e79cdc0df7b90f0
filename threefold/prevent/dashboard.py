"""The coverage dashboard's figures: per area and month, campaign reach and education reach beside screenings
completed and referrals sent in that area.

Reach is counted by the organisation about its own work and is shown as it is. Screenings and referrals are
statistics about survivors: each is one area x month table protected by ``threefold.disclosure.suppress``, so
its row totals (per area), column totals (per month, which the chart draws) and grand total are published from the
same protected table and cannot be differenced against each other; small counts read "fewer than k".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.disclosure import (
    DEFAULT_K,
    CannotProtectError,
    Cell,
    CountTable,
    ProtectedTable,
    Status,
    suppress,
)
from threefold.prevent import access
from threefold.prevent.core import coverage as core

K = DEFAULT_K
MONTH_CHOICES = (6, 12, 24)


@dataclass(frozen=True)
class MonthRow:
    month: str
    campaign_reach: int
    education_reach: int
    screenings: Cell | None  # None when the table could not be protected (nothing of it is published)
    referrals: Cell | None


@dataclass(frozen=True)
class AreaSection:
    code: str
    name: str
    months: tuple[MonthRow, ...]
    campaign_reach: int
    education_reach: int
    screenings: Cell | None
    referrals: Cell | None


@dataclass(frozen=True)
class Coverage:
    months: tuple[str, ...]
    areas: tuple[AreaSection, ...]
    campaign_by_month: dict[str, int]
    education_by_month: dict[str, int]
    screenings_by_month: dict[str, Cell] | None
    referrals_by_month: dict[str, Cell] | None
    screenings_total: Cell | None
    referrals_total: Cell | None
    k: int


def _protect(rows: Sequence[str], months: Sequence[str], counts: core.Tally) -> ProtectedTable | None:
    table = CountTable.from_counts(rows, months, counts)
    try:
        # The per-area and per-month totals are both published, and the grand total is shown at the top.
        return suppress(table, K, total_published_elsewhere=True)
    except CannotProtectError:
        return None


def cell_text(cell: Cell | None, k: int = K) -> str:
    if cell is None:
        return _("not published")
    if cell.status is Status.SHOWN:
        return f"{cell.value:,}"
    if cell.status is Status.PRIMARY:
        return _("fewer than %(k)s") % {"k": k}
    return _("hidden")


def coverage(actor: Actor, today: dt.date, month_count: int) -> Coverage:
    months = core.last_months(today, month_count)
    since = access.month_start(months[0])
    names = {area.code: area.name for area in access.areas(actor)}
    campaign = core.tally(access.campaign_reach_events(actor, since), names, months)
    education = core.tally(access.education_reach_events(actor, since), names, months)
    screenings = core.tally(access.screening_events(actor, since), names, months)
    referrals = core.tally(access.referral_events(actor, since), names, months)
    active = sorted(
        {area for tally in (campaign, education, screenings, referrals) for area, _m in tally},
        key=lambda code: (names[code].casefold(), code),
    )
    protected_s = _protect(active, months, screenings) if active else None
    protected_r = _protect(active, months, referrals) if active else None

    def cell(table: ProtectedTable | None, area: str, month: str) -> Cell | None:
        return table.cell(area, month) if table else None

    sections = []
    for code in active:
        rows = tuple(
            MonthRow(
                month,
                campaign.get((code, month), 0),
                education.get((code, month), 0),
                cell(protected_s, code, month),
                cell(protected_r, code, month),
            )
            for month in months
        )
        sections.append(
            AreaSection(
                code,
                names[code],
                rows,
                core.by_area(campaign).get(code, 0),
                core.by_area(education).get(code, 0),
                protected_s.row_total(code) if protected_s else None,
                protected_r.row_total(code) if protected_r else None,
            )
        )

    def by_month(table: ProtectedTable | None) -> dict[str, Cell] | None:
        return {month: table.column_total(month) for month in months} if table else None

    return Coverage(
        months=months,
        areas=tuple(sections),
        campaign_by_month=core.by_month(campaign),
        education_by_month=core.by_month(education),
        screenings_by_month=by_month(protected_s),
        referrals_by_month=by_month(protected_r),
        screenings_total=protected_s.grand_total if protected_s else None,
        referrals_total=protected_r.grand_total if protected_r else None,
        k=K,
    )


def chart_values(
    cells: Mapping[str, Cell] | None, months: Sequence[str]
) -> tuple[tuple[float | None, ...], tuple[str, ...]]:
    """Values and texts of a protected series: a hidden count has no length, only its reason."""
    if cells is None:
        return tuple(None for _m in months), tuple(_("not published") for _m in months)
    values = tuple(None if (value := cells[m].value) is None else float(value) for m in months)
    return values, tuple(cell_text(cells[m]) for m in months)
