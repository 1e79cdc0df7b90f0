"""Reads for the de-duplication review of one organisation: scans, the queue of pairs, the history of merges.

Reviewing duplicates is a supervisor's job in their own organisation (rule ``protect.review_duplicates``). It is
the one place where a supervisor reads identities of records not assigned to them without breaking the glass:
two records cannot be judged the same person from their references. Every identity shown is audited as a view of
that record with the purpose "duplicate review", so each record's own history says who compared it. Anything of
another organisation, or for another role, is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404

from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.consent.models import Consent, ConsentOverride
from threefold.identify.models import Screening
from threefold.protect import access
from threefold.protect.access import OpenedPerson
from threefold.protect.models import (
    Case,
    DuplicatePair,
    DuplicateScan,
    PairStatus,
    Person,
    PersonMerge,
)
from threefold.referrals.models import Referral

REVIEW_PURPOSE = "duplicate review"
PAIRS_PER_PAGE = 10

# What hangs off a person and moves with a merge: every row a caseworker works on that points at the person.
# Plans, timelines, attachments and NRM referrals hang off the cases and move with them.
MOVABLE: dict[str, type[Model]] = {
    "cases": Case,
    "consents": Consent,
    "consent_overrides": ConsentOverride,
    "screenings": Screening,
    "referrals": Referral,
}


def may_review(actor: Actor) -> bool:
    # The rule needs an object of the organisation: the actor's own membership is one.
    return actor.membership is not None and allowed(actor, "protect.review_duplicates", actor.membership)


def _require_reviewer(actor: Actor) -> None:
    if not may_review(actor):
        raise PermissionDenied


def _reviewable_persons(actor: Actor) -> QuerySet[Person]:
    """The organisation's records a scan compares and a pair may name: neither merged nor erased."""
    return Person.objects.filter(
        organisation_id=actor.org_id, merged_into__isnull=True, erased_at__isnull=True
    ).exclude(identity=None)


# ---- scans ---------------------------------------------------------------------------------------------------


def latest_scan(actor: Actor) -> DuplicateScan | None:
    _require_reviewer(actor)
    return DuplicateScan.objects.filter(organisation_id=actor.org_id).select_related("started_by").first()


def scan(actor: Actor, pk: int) -> DuplicateScan:
    _require_reviewer(actor)
    found = DuplicateScan.objects.filter(organisation_id=actor.org_id, pk=pk).first()
    if found is None:
        raise Http404
    return found


def scan_records(actor: Actor, found: DuplicateScan) -> list[OpenedPerson]:
    """Every record of the organisation a scan compares, opened; one audit entry with how many, never who."""
    _require_reviewer(actor)
    if found.organisation_id != actor.organisation_id:
        raise PermissionDenied
    persons = list(_reviewable_persons(actor).order_by("pk"))
    opened = access.open_many(persons)
    audit.record(
        actor,
        Action.LIST,
        ("protect.person", ""),
        purpose="duplicate scan",
        details={"count": len(opened), "scan": found.pk},
    )
    return opened


# ---- the queue -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPair:
    pair: DuplicatePair
    a: OpenedPerson
    b: OpenedPerson


def _open_pairs(actor: Actor) -> QuerySet[DuplicatePair]:
    reviewable = _reviewable_persons(actor).values("pk")
    return (
        DuplicatePair.objects.filter(
            organisation_id=actor.org_id,
            status=PairStatus.OPEN,
            person_a__in=reviewable,
            person_b__in=reviewable,
        )
        .select_related("person_a", "person_b")
        # "likely" sorts before "possible": likely pairs first, then the most probable first.
        .order_by("band", "-probability", "pk")
    )


def open_pair_count(actor: Actor) -> int:
    """How many pairs wait for review (for the link on the caseload); nothing is opened."""
    if not may_review(actor):
        return 0
    return _open_pairs(actor).count()


def _opened_pairs(actor: Actor, pairs: list[DuplicatePair]) -> list[ReviewPair]:
    persons = {p.pk: p for pair in pairs for p in (pair.person_a, pair.person_b)}
    opened = {o.person.pk: o for o in access.open_many(list(persons.values()))}
    for person in persons.values():
        audit.record(actor, Action.VIEW, person, purpose=REVIEW_PURPOSE)
    return [
        ReviewPair(pair, opened[pair.person_a_id], opened[pair.person_b_id])
        for pair in pairs
        if pair.person_a_id in opened and pair.person_b_id in opened
    ]


def queue(actor: Actor, page_number: int | str | None = 1) -> tuple[Page[DuplicatePair], list[ReviewPair]]:
    """One page of the open pairs, likely first, each record opened and its reading audited."""
    _require_reviewer(actor)
    page = Paginator(_open_pairs(actor), PAIRS_PER_PAGE).get_page(page_number)
    return page, _opened_pairs(actor, list(page.object_list))


def open_pair(actor: Actor, pk: int) -> DuplicatePair:
    """An open pair of the organisation (both records still reviewable), without reading anyone; else 404."""
    _require_reviewer(actor)
    found = _open_pairs(actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def pair_for_review(actor: Actor, pk: int) -> ReviewPair:
    """An open pair with both records opened (audited), for the merge page."""
    found = open_pair(actor, pk)
    return _opened_pairs(actor, [found])[0]


def movable(person: Person) -> dict[str, list[int]]:
    """The ids of every row that would move with ``person`` if it were merged into another record."""
    return {
        kind: list(model._default_manager.filter(person=person).order_by("pk").values_list("pk", flat=True))
        for kind, model in MOVABLE.items()
    }


def movable_counts(person: Person) -> dict[str, int]:
    counts = {kind: len(ids) for kind, ids in movable(person).items()}
    counts["assignments"] = person.assigned_to.count()
    return counts


# ---- merges --------------------------------------------------------------------------------------------------


def merges(actor: Actor) -> QuerySet[PersonMerge]:
    """The organisation's merges, newest first: references, who and when, what moved; no identity."""
    _require_reviewer(actor)
    return PersonMerge.objects.filter(organisation_id=actor.org_id).select_related(
        "kept", "merged", "by", "undone_by"
    )


def merge(actor: Actor, pk: int) -> PersonMerge:
    found = merges(actor).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
