"""The only way to load a Person for a user. Everything here is scoped by organisation, assignment and grants,
and every read of an identity leaves an audit entry. Not-yours is a 404, so nobody learns a record exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from threefold.accounts.access import granted_ids
from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect.identity import Identity, index_terms, name_part_codes
from threefold.protect.models import Person, PersonIndex, identity_context
from threefold.vault import names, sealed

PERSON = Person._meta.label_lower


@dataclass(frozen=True)
class OpenedPerson:
    person: Person
    identity: Identity


def _visible(actor: Actor) -> QuerySet[Person]:
    if not actor.reads_identities or actor.organisation_id is None:
        return Person.objects.none()
    own = Q(organisation_id=actor.org_id, assigned_to=actor.user)
    shared = Q(pk__in=[int(pk) for pk in granted_ids(actor, PERSON, personal=False)]) | Q(
        organisation_id=actor.organisation_id,
        pk__in=[int(pk) for pk in granted_ids(actor, PERSON, personal=True)],
    )
    return Person.objects.filter(own | shared).distinct()


def my_persons(actor: Actor) -> list[OpenedPerson]:
    """The people this actor may open, with identities, for their list page (one audit entry for the list)."""
    persons = list(_visible(actor).order_by("-created_at"))
    opened = _open_many(persons)
    audit.record(actor, Action.LIST, ("protect.person", ""), details={"count": len(persons)})
    return opened


def _open_many(persons: list[Person]) -> list[OpenedPerson]:
    keys = sealed.keys_for(bytes(p.identity) for p in persons if p.identity)
    return [
        OpenedPerson(
            p,
            Identity.from_json(
                sealed.unseal_json(
                    bytes(p.identity),
                    organisation_id=p.organisation_id,
                    context=identity_context(p),
                    keys=keys,
                )
            ),
        )
        for p in persons
        if p.identity
    ]


def caseload(actor: Actor) -> QuerySet[Person]:
    """Supervisors see their organisation's whole caseload as references and assignments, never identities."""
    if not allowed(actor, "protect.view_caseload"):
        return Person.objects.none()
    return Person.objects.filter(organisation_id=actor.org_id).prefetch_related("assigned_to")


def get_person_for_supervision(actor: Actor, reference: str) -> Person:
    try:
        return caseload(actor).get(reference=reference)
    except Person.DoesNotExist:
        raise Http404 from None


def open_person(actor: Actor, reference: str, *, purpose: str = "") -> OpenedPerson:
    """Load and decrypt one person the actor may see; audited as a view."""
    person = _visible(actor).filter(reference=reference).first()
    if person is None or not allowed(actor, "protect.view_person", person) or not person.identity:
        raise Http404
    identity = Identity.from_json(
        sealed.unseal_json(
            bytes(person.identity), organisation_id=person.organisation_id, context=identity_context(person)
        )
    )
    audit.record(actor, Action.VIEW, person, purpose=purpose)
    return OpenedPerson(person, identity)


MAX_PART_CANDIDATES = 500


def search(actor: Actor, query: str) -> list[OpenedPerson]:
    """Find visible people by name (whole, or any parts of it, in any order or script), phone or e-mail.

    Whole values match through full blind indexes. Parts of names match through short, deliberately ambiguous
    digests; the candidates are decrypted and kept only if every part of the query is really among their
    names. The query itself is never logged: the audit entry records that a search happened and how many
    matched.
    """
    wanted = _query_identity(query)
    terms = index_terms(wanted, lambda value, kind: sealed.blind(value, kind=kind))
    whole = {digest for kind, digest in terms if kind != "name_part"}
    parts = {digest for kind, digest in terms if kind == "name_part"}
    if not terms:
        return []
    visible = _visible(actor)
    exact = list(visible.filter(pk__in=PersonIndex.objects.filter(digest__in=whole).values("person_id")))
    by_parts: list[Person] = []
    if parts:
        candidate_ids = (
            PersonIndex.objects.filter(kind="name_part", digest__in=parts)
            .values("person_id")
            .annotate(found=Count("digest", distinct=True))
            .filter(found=len(parts))
            .values("person_id")
        )
        by_parts = list(
            visible.filter(pk__in=candidate_ids).exclude(pk__in=[p.pk for p in exact])[:MAX_PART_CANDIDATES]
        )
    wanted_codes = name_part_codes(wanted)
    opened = _open_many(exact) + [
        candidate for candidate in _open_many(by_parts) if wanted_codes <= name_part_codes(candidate.identity)
    ]
    audit.record(actor, Action.SEARCH, ("protect.person", ""), details={"matches": len(opened)})
    return opened


def _query_identity(query: str) -> Identity:
    query = query.strip()[:200]
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    if "@" in query:
        emails = (query,)
    else:
        try:
            names.normalise_phone(query)
            phones = (query,)
        except ValueError:
            pass
    return Identity(given_names="" if (phones or emails) else query, phones=phones, emails=emails)
