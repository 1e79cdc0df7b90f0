"""The only way to change an organisation's advocacy records: permission, validation, transaction and audit entry
together, and the notifications that go with them.

Evidence is entered as a draft by an analyst or org admin and approved (or declined, with a reason) by another
one; only the author changes a draft, and approved evidence never changes (a correction is new evidence; the
database refuses an edit: migration 0002). Edits compare-and-set on ``version``: if someone saved the record since
it was shown, nothing is written and ``ConflictError`` says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from threefold.accounts.actor import Actor
from threefold.accounts.models import User
from threefold.advocate import access, notices
from threefold.advocate.models import (
    ActionKind,
    ActionStatus,
    AdvocacyAction,
    Answer,
    Evidence,
    EvidenceState,
    LegislationReview,
    Outcome,
    ReviewAnswer,
    Status,
)
from threefold.audit import services as audit
from threefold.audit.models import Action
from threefold.checks import Checks, FieldError, require
from threefold.countries import access as country_access
from threefold.notifications.services import notify
from threefold.protect.services import ConflictError

MAX_TEXT_CHARS = 4000
MAX_LINKS = 20
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_PHONE = re.compile(r"(?:\+?\d[\d ().-]{6,}\d)")


class AdvocateError(FieldError):
    """A change the record cannot take. ``field`` names the form field it is about ("" for the whole form)."""


# ---- checks shared by every write

check = Checks(AdvocateError, line_limit=300)


def _url(field: str, url: str | None) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
        raise AdvocateError(field, _("Give a web address starting with https:// or http://."))
    if len(url) > 500:
        raise AdvocateError(field, _("Write at most %(n)s characters.") % {"n": 500})
    return url


def _country(field: str, code: str) -> str:
    info = country_access.country(code or "")
    if info is None:
        raise AdvocateError(field, _("Choose a country from the list."))
    return info.alpha3


def _ask(field: str, ask: str) -> str:
    if access.framework().ask(ask) is None:
        raise AdvocateError(field, _("Choose one of the asks."))
    return ask


def _save_versioned(model: Any, row: Any, expected_version: int, **fields: Any) -> None:
    """Compare-and-set on ``version``: nothing is written if someone saved the row since it was shown."""
    updated = model._default_manager.filter(pk=row.pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise ConflictError
    row.refresh_from_db()


# ---- evidence


@dataclass(frozen=True)
class EvidenceInput:
    ask: str
    status: str
    as_of: dt.date
    source_title: str
    source_url: str = ""
    source_citation: str = ""
    note: str = ""


def _evidence_fields(given: EvidenceInput) -> dict[str, Any]:
    fields = {
        "ask": _ask("ask", given.ask),
        "status": check.choice("status", given.status, Status.values),
        "as_of": check.not_future("as_of", given.as_of),
        "source_title": check.line("source_title", given.source_title, required=True),
        "source_url": _url("source_url", given.source_url),
        "source_citation": check.line("source_citation", given.source_citation, limit=500),
        "note": check.text("note", given.note),
    }
    if not fields["source_url"] and not fields["source_citation"]:
        raise AdvocateError("source_url", _("Give the source's web address or a citation of it (or both)."))
    return fields


def record_evidence(actor: Actor, country: str, given: EvidenceInput, *, is_demo: bool = False) -> Evidence:
    """A draft of evidence on one ask of one country; the other advocates of the organisation are told it waits
    for their approval."""
    require(actor, "advocate.enter")
    evidence = Evidence(
        organisation_id=actor.org_id,
        country_alpha3=_country("country", country),
        framework_version=access.framework().version,
        entered_by=actor.user,
        is_demo=is_demo,
        **_evidence_fields(given),
    )
    with transaction.atomic():
        evidence.save()
        audit.record(
            actor,
            Action.CREATE,
            evidence,
            details={"country": evidence.country_alpha3, "ask": evidence.ask, "status": evidence.status},
        )
        reviewers = [user for user in access.advocates(actor) if user.pk != actor.user.pk]
        notify(
            reviewers, notices.EVIDENCE_WAITING, {"reference": evidence.reference}, _evidence_url(evidence)
        )
    return evidence


def edit_evidence(
    actor: Actor, evidence: Evidence, given: EvidenceInput, *, expected_version: int
) -> Evidence:
    """The author changes their draft (declined evidence is not changed: enter it again)."""
    require(actor, "advocate.change_evidence", evidence)
    fields = _evidence_fields(given)
    with transaction.atomic():
        _save_versioned(Evidence, evidence, expected_version, **fields)
        audit.record(actor, Action.UPDATE, evidence, details={"fields": sorted(fields)})
    return evidence


def _decide(actor: Actor, evidence: Evidence, state: EvidenceState, note: str, expected_version: int) -> None:
    # The state is part of the compare-and-set: two reviewers deciding at once cannot both win.
    updated = Evidence.objects.filter(
        pk=evidence.pk, version=expected_version, state=EvidenceState.DRAFT
    ).update(
        state=state,
        reviewed_by=actor.user,
        reviewed_at=timezone.now(),
        review_note=note,
        version=F("version") + 1,
    )
    if not updated:
        raise ConflictError
    evidence.refresh_from_db()


def approve_evidence(actor: Actor, evidence: Evidence, *, expected_version: int, note: str = "") -> Evidence:
    """Another advocate of the organisation approves a draft: from now on it is part of the tracker's history and
    never changes."""
    require(actor, "advocate.approve_evidence", evidence)
    note = check.text("note", note)
    with transaction.atomic():
        _decide(actor, evidence, EvidenceState.APPROVED, note, expected_version)
        audit.record(
            actor,
            Action.UPDATE,
            evidence,
            details={
                "state": EvidenceState.APPROVED.value,
                "country": evidence.country_alpha3,
                "ask": evidence.ask,
            },
        )
        if evidence.entered_by is not None:
            notify(
                [evidence.entered_by],
                notices.EVIDENCE_APPROVED,
                {"reference": evidence.reference},
                _evidence_url(evidence),
            )
    return evidence


def decline_evidence(actor: Actor, evidence: Evidence, *, reason: str, expected_version: int) -> Evidence:
    """Another advocate declines a draft, saying why; it stays on record, declined, and is never shown as a status."""
    require(actor, "advocate.approve_evidence", evidence)
    reason = check.text("reason", reason, required=True)
    with transaction.atomic():
        _decide(actor, evidence, EvidenceState.DECLINED, reason, expected_version)
        audit.record(actor, Action.UPDATE, evidence, details={"state": EvidenceState.DECLINED.value})
        if evidence.entered_by is not None:
            notify(
                [evidence.entered_by],
                notices.EVIDENCE_DECLINED,
                {"reference": evidence.reference},
                _evidence_url(evidence),
            )
    return evidence


def _evidence_url(evidence: Evidence) -> str:
    return reverse("advocate:evidence", args=[evidence.reference])


# ---- legislation reviews


@dataclass(frozen=True)
class LawInput:
    law_title: str
    law_date: dt.date
    law_citation: str = ""
    law_url: str = ""
    summary: str = ""


def _law_fields(given: LawInput) -> dict[str, Any]:
    return {
        "law_title": check.line("law_title", given.law_title, required=True),
        "law_date": check.not_future("law_date", given.law_date),
        "law_citation": check.line("law_citation", given.law_citation),
        "law_url": _url("law_url", given.law_url),
        "summary": check.text("summary", given.summary),
    }


@dataclass(frozen=True)
class AnswerInput:
    answer: str  # "" when not answered yet
    articles: str = ""
    note: str = ""


def _answers(given: Mapping[str, AnswerInput]) -> dict[str, AnswerInput]:
    items = set(access.checklist().item_ids)
    cleaned = {}
    for item, value in given.items():
        if item not in items:
            raise AdvocateError("", _("The checklist has no item %(item)s.") % {"item": item})
        cleaned[item] = AnswerInput(
            check.choice(f"{item}-answer", value.answer, ["", *Answer.values]),
            check.line(f"{item}-articles", value.articles, limit=200),
            check.text(f"{item}-note", value.note, limit=2000),
        )
    return cleaned


def create_review(actor: Actor, country: str, given: LawInput, *, is_demo: bool = False) -> LegislationReview:
    """A new review of a national law, with no answer yet."""
    require(actor, "advocate.enter")
    review = LegislationReview(
        organisation_id=actor.org_id,
        country_alpha3=_country("country", country),
        checklist_version=access.checklist().version,
        created_by=actor.user,
        is_demo=is_demo,
        **_law_fields(given),
    )
    with transaction.atomic():
        review.save()
        audit.record(actor, Action.CREATE, review, details={"country": review.country_alpha3})
    return review


def save_review(
    actor: Actor,
    review: LegislationReview,
    given: LawInput,
    answers: Mapping[str, AnswerInput],
    *,
    expected_version: int,
) -> LegislationReview:
    """The law's details and the answers (every item given; the others are left as they are)."""
    require(actor, "advocate.change", review)
    fields = _law_fields(given)
    cleaned = _answers(answers)
    with transaction.atomic():
        _save_versioned(LegislationReview, review, expected_version, updated_at=timezone.now(), **fields)
        _write_answers(review, cleaned)
        audit.record(
            actor,
            Action.UPDATE,
            review,
            details={"fields": sorted(fields), "answers": sum(1 for a in cleaned.values() if a.answer)},
        )
    return review


def _write_answers(review: LegislationReview, answers: Mapping[str, AnswerInput]) -> None:
    existing = {row.item: row for row in ReviewAnswer.objects.filter(review=review)}
    new, changed = [], []
    for item, value in answers.items():
        row = existing.get(item)
        if row is None:
            new.append(ReviewAnswer(review=review, item=item, **vars(value)))
        elif (row.answer, row.articles, row.note) != (value.answer, value.articles, value.note):
            row.answer, row.articles, row.note = value.answer, value.articles, value.note
            changed.append(row)
    ReviewAnswer.objects.bulk_create(new)
    ReviewAnswer.objects.bulk_update(changed, ["answer", "articles", "note"])


def new_review_version(
    actor: Actor, review: LegislationReview, given: LawInput, *, is_demo: bool = False
) -> LegislationReview:
    """The law was amended: a new review of it, starting from a copy of this one's answers, under the current
    checklist (answers to items it no longer has are not copied)."""
    require(actor, "advocate.change", review)
    fields = _law_fields(given)
    if fields["law_date"] < review.law_date:
        raise AdvocateError("law_date", _("The amended law cannot be older than the law reviewed before."))
    items = set(access.checklist().item_ids)
    copied = [row for row in ReviewAnswer.objects.filter(review=review) if row.item in items]
    later = LegislationReview(
        organisation_id=review.organisation_id,
        country_alpha3=review.country_alpha3,
        checklist_version=access.checklist().version,
        previous=review,
        created_by=actor.user,
        is_demo=is_demo,
        **fields,
    )
    with transaction.atomic():
        later.save()
        ReviewAnswer.objects.bulk_create(
            ReviewAnswer(review=later, item=row.item, answer=row.answer, articles=row.articles, note=row.note)
            for row in copied
        )
        audit.record(
            actor,
            Action.CREATE,
            later,
            details={"country": later.country_alpha3, "previous": review.reference},
        )
    return later


# ---- advocacy actions


@dataclass(frozen=True)
class ActionInput:
    kind: str
    title: str
    on: dt.date
    target_body: str
    asks: Sequence[str] = ()
    target_role: str = ""
    target_name: str = ""
    status: str = ActionStatus.PLANNED
    outcome: str = Outcome.NONE_YET
    outcome_note: str = ""
    documents: str = ""  # one link a line: the address, then a title
    follow_up_on: dt.date | None = None
    owner: User | None = None
    note: str = ""


def _no_contact_details(field: str, text: str) -> str:
    # A target is a public body and an official's role and name: never an e-mail address or a phone number.
    if _EMAIL.search(text) or _PHONE.search(text):
        raise AdvocateError(
            field,
            _("Give a body, a role or a public official's name only: no e-mail address or phone number."),
        )
    return text


def parse_documents(text: str) -> list[dict[str, str]]:
    """One link a line, the address first and then a title: [{"url", "title"}, ...]."""
    links = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        url, _space, title = line.partition(" ")
        try:
            url = _url("documents", url)
        except AdvocateError as error:
            raise AdvocateError(
                "documents", _("Line %(n)d: %(problem)s") % {"n": number, "problem": error.message}
            ) from error
        links.append({"url": url, "title": check.line("documents", title.strip(), limit=200) or url})
    if len(links) > MAX_LINKS:
        raise AdvocateError("documents", _("Give at most %(n)d links.") % {"n": MAX_LINKS})
    return links


def documents_text(documents: Sequence[Mapping[str, str]]) -> str:
    """The stored links as the form shows them again."""
    return "\n".join(f"{link['url']} {link['title']}".strip() for link in documents)


def _action_fields(actor: Actor, given: ActionInput) -> dict[str, Any]:
    asks = list(dict.fromkeys(given.asks))
    for ask in asks:
        _ask("asks", ask)
    if not asks:
        raise AdvocateError("asks", _("Choose at least one ask."))
    if given.owner is not None and given.owner.pk not in {user.pk for user in access.advocates(actor)}:
        raise AdvocateError("owner", _("Choose a member of your organisation who follows advocacy."))
    if given.follow_up_on is not None and given.follow_up_on < given.on:
        raise AdvocateError("follow_up_on", _("The follow-up cannot come before the action."))
    return {
        "asks": asks,
        "kind": check.choice("kind", given.kind, ActionKind.values),
        "title": check.line("title", given.title, required=True, limit=200),
        "on": given.on,
        "target_body": _no_contact_details(
            "target_body", check.line("target_body", given.target_body, required=True)
        ),
        "target_role": _no_contact_details(
            "target_role", check.line("target_role", given.target_role, limit=200)
        ),
        "target_name": _no_contact_details(
            "target_name", check.line("target_name", given.target_name, limit=120)
        ),
        "status": check.choice("status", given.status, ActionStatus.values),
        "outcome": check.choice("outcome", given.outcome, Outcome.values),
        "outcome_note": check.text("outcome_note", given.outcome_note),
        "documents": parse_documents(given.documents),
        "follow_up_on": given.follow_up_on,
        "owner": given.owner,
        "note": check.text("note", given.note),
    }


def record_action(actor: Actor, country: str, given: ActionInput, *, is_demo: bool = False) -> AdvocacyAction:
    require(actor, "advocate.enter")
    fields = _action_fields(actor, given)
    action = AdvocacyAction(
        organisation_id=actor.org_id,
        country_alpha3=_country("country", country),
        created_by=actor.user,
        is_demo=is_demo,
        **fields,
    )
    with transaction.atomic():
        action.save()
        audit.record(
            actor, Action.CREATE, action, details={"country": action.country_alpha3, "kind": action.kind}
        )
    return action


def edit_action(
    actor: Actor, action: AdvocacyAction, given: ActionInput, *, expected_version: int
) -> AdvocacyAction:
    require(actor, "advocate.change", action)
    fields = _action_fields(actor, given)
    changed = sorted(name for name, value in fields.items() if getattr(action, name) != value)
    if fields["follow_up_on"] != action.follow_up_on:
        fields["follow_up_reminded_on"] = None  # a new follow-up date gets its own reminder
    with transaction.atomic():
        _save_versioned(AdvocacyAction, action, expected_version, updated_at=timezone.now(), **fields)
        audit.record(actor, Action.UPDATE, action, details={"fields": changed})
    return action
