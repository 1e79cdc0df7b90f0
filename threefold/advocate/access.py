"""The only way to read an organisation's advocacy records for a user: evidence, legislation reviews, actions.

Everything is scoped to the actor's organisation: another organisation's record is a 404, never a 403. Every
member reads their organisation's tracker, approved evidence, reviews and actions (``advocate.view``); drafts and
declined evidence are read only by the members who enter and approve evidence (``advocate.view_drafts``), and by
nobody outside the organisation. Approved evidence is not shared with other organisations either (ADR 0026).

No survivor data is kept here, so reads are not audited; exports and every change are (``services``, views).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, User
from threefold.accounts.roles import Role
from threefold.accounts.rules import allowed
from threefold.advocate.core import checklist as checklist_core
from threefold.advocate.core import framework as framework_core
from threefold.advocate.core.gaps import Answer, Given
from threefold.advocate.models import (
    ActionStatus,
    AdvocacyAction,
    Evidence,
    EvidenceState,
    LegislationReview,
    ReviewAnswer,
)

# Members who enter and approve evidence, reviews and actions (accounts.rules: advocate.enter).
ADVOCATE_ROLES = (Role.ANALYST.value, Role.ORG_ADMIN.value)
# How far ahead the follow-ups list looks.
FOLLOW_UP_DAYS = 7


def framework() -> framework_core.Framework:
    return framework_core.load()


def checklist() -> checklist_core.Checklist:
    return checklist_core.load()


def _org(actor: Actor) -> int:
    if not allowed(actor, "advocate.view"):
        raise Http404
    return actor.org_id


# --- evidence ----------------------------------------------------------------------------------------------------


def _evidence_rows(actor: Actor) -> QuerySet[Evidence]:
    rows = Evidence.objects.filter(organisation_id=_org(actor)).select_related("entered_by", "reviewed_by")
    if not allowed(actor, "advocate.view_drafts"):
        rows = rows.filter(state=EvidenceState.APPROVED)
    return rows


def evidence_of_country(actor: Actor, alpha3: str, ask: str | None = None) -> list[Evidence]:
    """The organisation's evidence on a country (and ask), newest first: drafts and declined ones only for those
    who may read them."""
    rows = _evidence_rows(actor).filter(country_alpha3=alpha3.upper())
    if ask is not None:
        rows = rows.filter(ask=ask)
    return list(rows)


def approved_evidence(actor: Actor, alpha3s: Iterable[str] | None = None) -> list[Evidence]:
    """The organisation's approved evidence (on some countries), oldest first: the history of the tracker."""
    rows = Evidence.objects.filter(organisation_id=_org(actor), state=EvidenceState.APPROVED)
    if alpha3s is not None:
        rows = rows.filter(country_alpha3__in=[code.upper() for code in alpha3s])
    return list(rows.select_related("reviewed_by").order_by("as_of", "reviewed_at", "pk"))


def evidence(actor: Actor, reference: str) -> Evidence:
    """One piece of evidence of the organisation; another organisation's, or a draft for a member who may not
    read drafts, is a 404."""
    found = _evidence_rows(actor).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def waiting_for_approval(actor: Actor) -> list[Evidence]:
    """Drafts another member of the organisation entered, which this actor may approve."""
    if not allowed(actor, "advocate.enter"):
        return []
    rows = (
        Evidence.objects.filter(organisation_id=actor.org_id, state=EvidenceState.DRAFT)
        .exclude(entered_by=actor.user)
        .select_related("entered_by")
    )
    return list(rows.order_by("entered_at", "pk"))


def my_drafts(actor: Actor) -> list[Evidence]:
    if not allowed(actor, "advocate.enter"):
        return []
    rows = Evidence.objects.filter(
        organisation_id=actor.org_id,
        entered_by=actor.user,
        state__in=[EvidenceState.DRAFT, EvidenceState.DECLINED],
    )
    return list(rows.order_by("-entered_at", "-pk"))


# --- legislation reviews -------------------------------------------------------------------------------------


def reviews(actor: Actor, alpha3: str | None = None) -> list[LegislationReview]:
    rows = LegislationReview.objects.filter(organisation_id=_org(actor)).select_related("previous")
    if alpha3:
        rows = rows.filter(country_alpha3=alpha3.upper())
    return list(rows)


def review(actor: Actor, reference: str) -> LegislationReview:
    found = (
        LegislationReview.objects.filter(organisation_id=_org(actor), reference=reference)
        .select_related("previous", "created_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def later_versions(review: LegislationReview) -> list[LegislationReview]:
    """Reviews made of the same law after an amendment (the organisation's own: ``previous`` never crosses one)."""
    return list(LegislationReview.objects.filter(previous=review, organisation_id=review.organisation_id))


def answers(review: LegislationReview) -> dict[str, Given]:
    """A review's answers by item id (the caller loaded the review through ``review``)."""
    return {
        row.item: Given(Answer(row.answer) if row.answer else None, row.articles, row.note)
        for row in ReviewAnswer.objects.filter(review=review)
    }


def latest_review(actor: Actor, alpha3: str) -> LegislationReview | None:
    return (
        LegislationReview.objects.filter(organisation_id=_org(actor), country_alpha3=alpha3.upper())
        .order_by("-law_date", "-created_at", "-pk")
        .first()
    )


# --- advocacy actions ---------------------------------------------------------------------------------------


def actions(actor: Actor, alpha3: str | None = None, *, status: str = "") -> list[AdvocacyAction]:
    rows = AdvocacyAction.objects.filter(organisation_id=_org(actor)).select_related("owner")
    if alpha3:
        rows = rows.filter(country_alpha3=alpha3.upper())
    if status:
        rows = rows.filter(status=status)
    return list(rows)


def action(actor: Actor, reference: str) -> AdvocacyAction:
    found = (
        AdvocacyAction.objects.filter(organisation_id=_org(actor), reference=reference)
        .select_related("owner", "created_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def follow_ups_due(actor: Actor, today: dt.date) -> list[AdvocacyAction]:
    """Open actions the actor follows up (as owner, or as creator of an action without one) that are due within
    ``FOLLOW_UP_DAYS`` or overdue, soonest first."""
    mine = Q(owner=actor.user) | Q(owner__isnull=True, created_by=actor.user)
    rows = AdvocacyAction.objects.filter(
        mine,
        organisation_id=_org(actor),
        follow_up_on__isnull=False,
        follow_up_on__lte=today + dt.timedelta(days=FOLLOW_UP_DAYS),
    ).exclude(status=ActionStatus.CLOSED)
    return list(rows.order_by("follow_up_on", "pk"))


# --- the organisation ---------------------------------------------------------------------------------------


def advocates(actor: Actor) -> list[User]:
    """The organisation's active members who enter and approve advocacy records: who can own an action."""
    ids = Membership.objects.filter(
        organisation_id=actor.org_id, is_active=True, role__in=ADVOCATE_ROLES
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "email"))


def followed_countries(actor: Actor) -> set[str]:
    """The countries the organisation has evidence, reviews or actions on."""
    org = _org(actor)
    codes = set(Evidence.objects.filter(organisation_id=org).values_list("country_alpha3", flat=True))
    codes |= set(
        LegislationReview.objects.filter(organisation_id=org).values_list("country_alpha3", flat=True)
    )
    codes |= set(AdvocacyAction.objects.filter(organisation_id=org).values_list("country_alpha3", flat=True))
    return codes
