"""The only way to load a Person for a user. Everything here is scoped by organisation, assignment and grants,
and every read of an identity leaves an audit entry. Not-yours is a 404, so nobody learns a record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from threefold.accounts.access import granted_ids
from threefold.accounts.actor import Actor
from threefold.accounts.rules import allowed
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.protect.duplicates import Assessment, Band, assess
from threefold.protect.identity import Identity, index_terms, linkage_terms, name_part_codes, validate
from threefold.protect.models import Person, PersonIndex, identity_context
from threefold.vault import names, sealed
from threefold.vault.models import DataKey

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
    # A record merged into another is the same person's other record: it is reached through the kept one only.
    return Person.objects.filter(own | shared).filter(merged_into__isnull=True).distinct()


def my_persons(actor: Actor) -> list[OpenedPerson]:
    """The people this actor may open, with identities, for their list page (one audit entry for the list)."""
    persons = list(_visible(actor).order_by("-created_at"))
    opened = _open_many(persons)
    audit.record(actor, Action.LIST, ("protect.person", ""), details={"count": len(persons)})
    return opened


def _open_many(persons: list[Person], keys: dict[int, DataKey] | None = None) -> list[OpenedPerson]:
    keys = keys if keys is not None else sealed.keys_for(bytes(p.identity) for p in persons if p.identity)
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
    return Person.objects.filter(
        organisation_id=actor.org_id, erased_at__isnull=True, merged_into__isnull=True
    ).prefetch_related("assigned_to")


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


def visible_persons(actor: Actor) -> QuerySet[Person]:
    """The people this actor may open, as a queryset other access modules scope by (cases follow people)."""
    return _visible(actor)


def open_many(persons: list[Person], keys: dict[int, DataKey] | None = None) -> list[OpenedPerson]:
    """Decrypt several people at once, for access functions that have already scoped and will audit (``keys``:
    already loaded with ``sealed.keys_for``, when the caller opens other values under the same keys)."""
    return _open_many(persons, keys)


# ---- possible duplicates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisibleMatch:
    """A possible duplicate the actor may open: shown with its names and the reasons it matched."""

    opened: OpenedPerson
    assessment: Assessment

    @property
    def band(self) -> Band | None:
        return self.assessment.band


@dataclass(frozen=True)
class RestrictedMatch:
    """A possible duplicate in the actor's organisation that they may not open: its reference and band only."""

    reference: str
    band: Band


@dataclass(frozen=True)
class DuplicateReport:
    visible: tuple[VisibleMatch, ...] = ()
    in_organisation: tuple[RestrictedMatch, ...] = ()
    # Another organisation may know this person. Deliberately a bare yes/no: no reference, organisation or count.
    elsewhere: bool = False
    # For a role that never reads identities: something in their organisation matched, and nothing more is said.
    withheld: bool = False

    @property
    def found(self) -> bool:
        return bool(self.visible or self.in_organisation or self.elsewhere or self.withheld)

    def counts(self) -> dict[str, int]:
        """What the audit trail keeps of a check: how many, never who."""
        return {
            "visible": len(self.visible),
            "in_organisation": len(self.in_organisation),
            "elsewhere": int(self.elsewhere),
            "withheld": int(self.withheld),
        }


# Blind-index kinds that single out a person; name parts (16-bit digests) and dates of birth only narrow down.
_WHOLE_KINDS = ("name", "name_phonetic", "phone", "email")
MAX_DUPLICATE_CANDIDATES = 200

Digest = Callable[[str, str], str]


def possible_duplicates(actor: Actor, identity: Identity) -> DuplicateReport:
    """Who might already be the person ``identity`` describes, told to the actor only as far as they may know.

    * People the actor may open: decrypted, scored by ``duplicates.assess``, returned with reasons.
    * Others of the actor's organisation: scored in memory the same way (the organisation's own key), but only
      the reference and band leave this function, so the actor can ask a supervisor.
    * Other organisations: never decrypted. A yes/no from blind-index digests alone (the blind key is
      deployment-wide): a whole name of two words or more, a phone or an e-mail, or every name part together
      with the date of birth.
    * A screener records people but never reads them: nothing is decrypted for them, and they learn only that
      their own organisation may already have the person (from the same digest rule), so that they can stop a
      double entry; a caseworker does the checking. Other organisations are not consulted for them at all: they
      cannot ask through a referral, and an account that reads nobody should not learn who is known elsewhere.

    Audited as a search with counts only. Raises IdentityError for an identity that would not be accepted.
    """
    if not allowed(actor, "protect.add_person"):
        raise PermissionDenied
    validate(identity, today=timezone.localdate())
    digest: Digest = cache(lambda value, kind: sealed.blind(value, kind=kind))
    own_organisation = Person.objects.filter(organisation_id=actor.org_id, merged_into__isnull=True)
    if actor.reads_identities:
        report = _report_for_reader(actor, identity, digest, own_organisation)
    else:
        report = DuplicateReport(withheld=_blind_match(own_organisation, identity, digest))
    audit.record(
        actor, Action.SEARCH, ("protect.person", ""), purpose="duplicate check", details=report.counts()
    )
    return report


def _report_for_reader(
    actor: Actor, identity: Identity, digest: Digest, own_organisation: QuerySet[Person]
) -> DuplicateReport:
    terms = index_terms(identity, digest)
    visible_ids = _visible(actor).values("pk")
    visible = [VisibleMatch(o, a) for o, a in _scored(_candidates(_visible(actor), terms), identity)]
    restricted = [
        RestrictedMatch(opened.person.reference, band)
        for opened, assessment in _scored(
            _candidates(own_organisation.exclude(pk__in=visible_ids), terms), identity
        )
        if (band := assessment.band) is not None
    ]
    # Other organisations' demonstration records are fictitious: a match with one would only mislead.
    elsewhere = (
        Person.objects.exclude(organisation_id=actor.org_id)
        .exclude(is_demo=True)
        .exclude(pk__in=visible_ids)
        .filter(merged_into__isnull=True)
    )
    return DuplicateReport(tuple(visible), tuple(restricted), _blind_match(elsewhere, identity, digest))


def _candidates(scope: QuerySet[Person], terms: set[tuple[str, str]]) -> list[Person]:
    """People of ``scope`` sharing a whole name, phone or e-mail digest or any name-part digest, those sharing
    the most first (a common first name alone can bring many)."""
    whole = {value for kind, value in terms if kind in _WHOLE_KINDS}
    parts = {value for kind, value in terms if kind == "name_part"}
    ranked = (
        PersonIndex.objects.filter(person_id__in=scope.values("pk"))
        .filter(Q(kind__in=_WHOLE_KINDS, digest__in=whole) | Q(kind="name_part", digest__in=parts))
        .values("person_id")
        .annotate(hits=Count("digest", distinct=True))
        .order_by("-hits", "person_id")
        .values_list("person_id", flat=True)[:MAX_DUPLICATE_CANDIDATES]
    )
    return list(Person.objects.filter(pk__in=list(ranked)))


def _scored(persons: list[Person], identity: Identity) -> list[tuple[OpenedPerson, Assessment]]:
    assessed = [(opened, assess(identity, opened.identity)) for opened in _open_many(persons)]
    kept = [(opened, assessment) for opened, assessment in assessed if assessment.band is not None]
    return sorted(kept, key=lambda pair: -pair[1].score)


def _blind_match(scope: QuerySet[Person], identity: Identity, digest: Digest) -> bool:
    """Whether ``scope`` holds a possible match, decided from digests alone (nothing is decrypted)."""
    in_scope: dict[str, Any] = {"person_id__in": scope.values("pk")}
    linking = {value for _kind, value in linkage_terms(identity, digest)}
    if linking and PersonIndex.objects.filter(**in_scope, digest__in=linking).exists():
        return True
    terms = index_terms(identity, digest)
    parts = {value for kind, value in terms if kind == "name_part"}
    dob = {value for kind, value in terms if kind == "dob"}
    if not parts or not dob:
        return False
    same_birth_date = PersonIndex.objects.filter(**in_scope, kind="dob", digest__in=dob).values("person_id")
    return (
        PersonIndex.objects.filter(**in_scope, kind="name_part", digest__in=parts)
        .filter(person_id__in=same_birth_date)
        .values("person_id")
        .annotate(found=Count("digest", distinct=True))
        .filter(found=len(parts))
        .exists()
    )


def erased_for_supervision(actor: Actor, reference: str) -> Person | None:
    """The tombstone of an erased person of the supervisor's organisation (lists no longer show them)."""
    if not allowed(actor, "protect.view_caseload"):
        return None
    return Person.objects.filter(
        organisation_id=actor.org_id, reference=reference, erased_at__isnull=False
    ).first()


# ---- records merged into another (duplicate_services.merge) ---------------------------------------------------


def kept_record(person: Person) -> Person:
    """The record ``person`` was merged into, following merges of merges; ``person`` itself if not merged."""
    seen = {person.pk}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def merged_into_for(actor: Actor, reference: str) -> Person | None:
    """For a merged record of the actor's organisation: the record it now lives on, if the actor may open that
    one or supervises the organisation (who sees references anyway). None otherwise: a 404 for the caller."""
    if actor.organisation_id is None:
        return None
    merged = Person.objects.filter(
        organisation_id=actor.org_id, reference=reference, merged_into__isnull=False, erased_at__isnull=True
    ).first()
    if merged is None:
        return None
    kept = kept_record(merged)
    if kept.erased_at is not None:
        return None
    if _visible(actor).filter(pk=kept.pk).exists() or allowed(actor, "protect.view_caseload"):
        return kept
    return None


def merged_records_of(person: Person) -> list[Person]:
    """Every record merged into ``person``, directly or through a record merged into one of them, oldest first.

    For erasure and export of the kept person (subject_data): no scoping and no audit here, the caller has both.
    """
    found: list[Person] = []
    frontier = [person.pk]
    seen = {person.pk}
    while frontier:
        children = list(Person.objects.filter(merged_into_id__in=frontier).order_by("created_at", "pk"))
        children = [child for child in children if child.pk not in seen]
        seen.update(child.pk for child in children)
        found.extend(children)
        frontier = [child.pk for child in children]
    return found


def other_records(actor: Actor, opened: OpenedPerson) -> list[OpenedPerson]:
    """The records merged into an opened person: the same person recorded again, read like the person itself.

    Whoever may open the kept record reads these (they are the same person); each one read is audited as a
    view of that record, so its own "who saw this record" history is complete.
    """
    merged = [person for person in merged_records_of(opened.person) if person.identity]
    others = _open_many(merged)
    for other in others:
        audit.record(
            actor,
            Action.VIEW,
            other.person,
            purpose=f"other record of {opened.person.reference}",
        )
    return others
