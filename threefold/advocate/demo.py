"""Load the advocacy part of the demo world (called by ``manage.py demo``; idempotent).

Riverside Advocacy Club's advocate (an analyst) and a second member, its advocacy lead (an org admin), record
evidence on Ghana and approve each other's, review a law, and record actions, all through the same services as
the pages. Everything is fictitious and says so: the sources are example.org pages, the law reviewed is a made-up
act, and no statement here is a finding about Ghana. Dates are relative to today, so a follow-up is always due soon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from threefold.accounts import demo
from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, Organisation, User
from threefold.accounts.roles import Role
from threefold.advocate import services
from threefold.advocate.models import AdvocacyAction, Evidence, LegislationReview
from threefold.advocate.services import ActionInput, AnswerInput, EvidenceInput, LawInput

COUNTRY = "GHA"
ADVOCATE = f"advocate@{demo.DEMO_DOMAIN}"
LEAD = f"advocacy.lead@{demo.DEMO_DOMAIN}"
# The second member who approves the advocate's evidence (and whose evidence the advocate approves).
USERS = (demo.DemoUser(LEAD, "Demo advocacy lead", "club", Role.ORG_ADMIN),)
FICTITIOUS = "Fictitious demo evidence: not a statement about Ghana."
LAW = "Demo Anti-Trafficking Act (fictitious)"
AMENDED_LAW = "Demo Anti-Trafficking (Amendment) Act (fictitious)"


@dataclass(frozen=True)
class Loaded:
    evidence: int
    reviews: int
    actions: int


@dataclass(frozen=True)
class DemoEvidence:
    ask: str
    status: str
    days_ago: int
    title: str
    approved: bool = True
    by_lead: bool = False  # entered by the lead (and approved by the advocate), not the other way round


EVIDENCE = (
    DemoEvidence("prosecute", "not_met", 420, "Demo: fictitious court monitoring report, first year"),
    DemoEvidence(
        "prosecute", "partly_met", 90, "Demo: fictitious court monitoring report, second year", by_lead=True
    ),
    DemoEvidence("survivors", "partly_met", 200, "Demo: fictitious shadow report on assistance to survivors"),
    DemoEvidence(
        "vulnerability", "not_met", 150, "Demo: fictitious study of girls' school drop-out and migration"
    ),
    DemoEvidence(
        "identify",
        "met",
        30,
        "Demo: fictitious training records of labour inspectors",
        approved=False,
        by_lead=True,
    ),
    DemoEvidence(
        "legislation",
        "partly_met",
        10,
        "Demo: fictitious bill amending the anti-trafficking act",
        approved=False,
    ),
)

# The first review's answers: gaps on victims' rights, organs and consent.
FIRST_ANSWERS = {
    "act_recruitment": ("yes", "s. 1(1)"),
    "act_transportation": ("yes", "s. 1(1)"),
    "act_transfer": ("yes", "s. 1(1)"),
    "act_harbouring": ("yes", "s. 1(1)"),
    "act_receipt": ("yes", "s. 1(1)"),
    "means_threat": ("yes", "s. 1(1)"),
    "means_force": ("yes", "s. 1(1)"),
    "means_coercion": ("yes", "s. 1(1)"),
    "means_abduction": ("yes", "s. 1(1)"),
    "means_fraud": ("yes", "s. 1(1)"),
    "means_deception": ("yes", "s. 1(1)"),
    "means_abuse_of_power": ("yes", "s. 1(1)"),
    "means_abuse_of_vulnerability": ("partly", "s. 1(1)"),
    "means_payments": ("partly", "s. 1(1)"),
    "purpose_sexual_exploitation": ("yes", "s. 1(3)"),
    "purpose_forced_labour": ("yes", "s. 1(3)"),
    "purpose_slavery": ("yes", "s. 1(3)"),
    "purpose_servitude": ("yes", "s. 1(3)"),
    "purpose_organs": ("no", ""),
    "children_no_means": ("yes", "s. 1(2)"),
    "consent_irrelevant": ("unclear", "s. 3"),
    "all_forms_of_exploitation": ("partly", "s. 1(3)"),
    "offence_criminalised": ("yes", "s. 2"),
    "offence_attempt_complicity": ("yes", "s. 4"),
    "offence_no_transnational_element": ("yes", "s. 1"),
    "penalties_proportionate": ("partly", "s. 2"),
    "victims_non_punishment": ("no", ""),
    "victims_assistance_unconditional": ("no", "s. 16"),
    "victims_reflection_period": ("no", ""),
    "victims_information_and_views": ("partly", "s. 12"),
    "victims_compensation": ("yes", "s. 24"),
}
# What the (fictitious) amendment changed.
AMENDMENT = {
    "victims_non_punishment": ("partly", "s. 14A"),
    "victims_reflection_period": ("yes", "s. 16A"),
    "purpose_organs": ("yes", "s. 1(3)(e)"),
}


def _actor(users: dict[str, User], org: Organisation, email: str) -> Actor:
    user = users[email]
    return Actor(user, Membership.objects.get(user=user, organisation=org))


def load(org: Organisation, users: dict[str, User]) -> Loaded:
    """Record what is not there yet; returns how much was recorded."""
    advocate, lead = _actor(users, org, ADVOCATE), _actor(users, org, LEAD)
    return Loaded(
        _evidence(org, advocate, lead), _reviews(org, advocate, lead), _actions(org, advocate, lead)
    )


def _evidence(org: Organisation, advocate: Actor, lead: Actor) -> int:
    today = timezone.localdate()
    made = 0
    for spec in EVIDENCE:
        if Evidence.objects.filter(organisation=org, is_demo=True, source_title=spec.title).exists():
            continue
        author, reviewer = (lead, advocate) if spec.by_lead else (advocate, lead)
        given = EvidenceInput(
            spec.ask,
            spec.status,
            today - dt.timedelta(days=spec.days_ago),
            spec.title,
            source_url=f"https://example.org/demo/{spec.ask}-{spec.days_ago}",
            note=FICTITIOUS,
        )
        evidence = services.record_evidence(author, COUNTRY, given, is_demo=True)
        if spec.approved:
            services.approve_evidence(reviewer, evidence, expected_version=evidence.version)
        made += 1
    return made


def _answers(spec: dict[str, tuple[str, str]]) -> dict[str, AnswerInput]:
    return {item: AnswerInput(answer, articles, "") for item, (answer, articles) in spec.items()}


def _reviews(org: Organisation, advocate: Actor, lead: Actor) -> int:
    if LegislationReview.objects.filter(organisation=org, is_demo=True, law_title=LAW).exists():
        return 0
    law = LawInput(
        LAW,
        dt.date(2005, 12, 5),
        law_citation="Demo Act 1 of 2005 (fictitious)",
        law_url="https://example.org/demo/anti-trafficking-act",
        summary="A fictitious law for the demonstration: the definition follows the Protocol closely, but the law "
        "does not protect victims from punishment, ties assistance to cooperation and has no reflection period.",
    )
    first = services.create_review(advocate, COUNTRY, law, is_demo=True)
    services.save_review(advocate, first, law, _answers(FIRST_ANSWERS), expected_version=first.version)
    amended_law = LawInput(
        AMENDED_LAW,
        dt.date(2009, 6, 1),
        law_citation="Demo Act 3 of 2009 (fictitious)",
        summary="The fictitious amendment adds removal of organs, a reflection period and a partial non-punishment "
        "clause; assistance is still tied to cooperation.",
    )
    second = services.new_review_version(lead, first, amended_law, is_demo=True)
    services.save_review(lead, second, amended_law, _answers(AMENDMENT), expected_version=second.version)
    return 2


def _actions(org: Organisation, advocate: Actor, lead: Actor) -> int:
    today = timezone.localdate()
    specs = (
        ActionInput(
            kind="letter",
            title="Demo: letter asking for a non-punishment clause",
            on=today - dt.timedelta(days=30),
            target_body="Ministry of Gender, Children and Social Protection",
            asks=["survivors", "legislation"],
            target_role="Minister",
            status="awaiting",
            documents="https://example.org/demo/letter.pdf The letter (fictitious)",
            follow_up_on=today + dt.timedelta(days=3),
            owner=advocate.user,
            note=FICTITIOUS,
        ),
        ActionInput(
            kind="treaty_body",
            title="Demo: shadow report to the CEDAW Committee",
            on=today - dt.timedelta(days=120),
            target_body="Committee on the Elimination of Discrimination against Women (CEDAW)",
            asks=["vulnerability", "survivors"],
            status="answered",
            outcome="commitment",
            outcome_note="The Committee's (fictitious) concluding observations took up two of the report's points.",
            documents="https://example.org/demo/cedaw-report.pdf The shadow report (fictitious)",
            owner=lead.user,
            note=FICTITIOUS,
        ),
    )
    made = 0
    for spec in specs:
        if AdvocacyAction.objects.filter(organisation=org, is_demo=True, title=spec.title).exists():
            continue
        services.record_action(advocate, COUNTRY, spec, is_demo=True)
        made += 1
    return made
