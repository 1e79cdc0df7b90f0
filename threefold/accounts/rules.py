"""Role and object rules, composed with ``rules`` predicates. Every predicate takes an Actor, not a User:
what someone may do depends on the organisation they are acting for, which lives on the Actor.

Scoping of querysets (which rows) is the job of each app's ``access`` module; these rules answer "may this
actor do this to this object" and are what views, the API and templates ask.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db import models

from threefold.accounts.actor import Actor
from threefold.accounts.roles import Role

permissions = rules.RuleSet()


def has_role(*roles: Role) -> rules.Predicate:
    return rules.predicate(
        lambda actor: isinstance(actor, Actor) and actor.has_role(*roles), name=f"has_role({','.join(roles)})"
    )


@rules.predicate
def same_organisation(actor: Actor, obj: Any) -> bool:
    return (
        obj is not None
        and actor.organisation_id is not None
        and getattr(obj, "organisation_id", None) == (actor.organisation_id)
    )


@rules.predicate
def is_assigned(actor: Actor, obj: Any) -> bool:
    assigned = getattr(obj, "assigned_to", None)
    return isinstance(assigned, models.Manager) and assigned.filter(pk=actor.user.pk).exists()


@rules.predicate
def has_active_grant(actor: Actor, obj: Any) -> bool:
    from threefold.accounts.access import active_grant_exists

    return obj is not None and active_grant_exists(actor, obj, scope="view")


@rules.predicate
def has_edit_grant(actor: Actor, obj: Any) -> bool:
    # Break-the-glass grants are "view" only: opening a record in an emergency is not a licence to change it.
    from threefold.accounts.access import active_grant_exists

    return obj is not None and active_grant_exists(actor, obj, scope="edit")


is_member = rules.predicate(
    lambda actor: isinstance(actor, Actor) and actor.membership is not None, name="is_member"
)
identity_reader = has_role(Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER)

permissions.add_rule("protect.add_person", has_role(Role.SCREENER, Role.CASEWORKER, Role.SUPERVISOR))
permissions.add_rule(
    "protect.view_person", identity_reader & ((same_organisation & is_assigned) | has_active_grant)
)
permissions.add_rule(
    "protect.change_person",
    has_role(Role.CASEWORKER, Role.SUPERVISOR) & ((same_organisation & is_assigned) | has_edit_grant),
)
permissions.add_rule("protect.view_caseload", has_role(Role.SUPERVISOR))
permissions.add_rule("protect.assign_person", has_role(Role.SUPERVISOR) & same_organisation)
permissions.add_rule("protect.break_glass", has_role(Role.SUPERVISOR) & same_organisation)


# Cases. A case is as visible as its person: whoever may open the person (assignment or grant) may open the
# person's cases, so a referral or break-the-glass grant on the person covers the case without a second grant.
@rules.predicate
def person_is_assigned(actor: Actor, case: Any) -> bool:
    return case is not None and is_assigned(actor, case.person)


@rules.predicate
def person_view_grant(actor: Actor, case: Any) -> bool:
    return case is not None and has_active_grant(actor, case.person)


@rules.predicate
def person_edit_grant(actor: Actor, case: Any) -> bool:
    return case is not None and has_edit_grant(actor, case.person)


case_worker = has_role(Role.CASEWORKER, Role.SUPERVISOR)
permissions.add_rule(
    "protect.view_case", identity_reader & ((same_organisation & person_is_assigned) | person_view_grant)
)
permissions.add_rule("protect.open_case", case_worker & ((same_organisation & is_assigned) | has_edit_grant))
permissions.add_rule(
    "protect.change_case", case_worker & ((same_organisation & person_is_assigned) | person_edit_grant)
)
permissions.add_rule("protect.approve_stage", has_role(Role.SUPERVISOR) & same_organisation)
permissions.add_rule("protect.assign_case", has_role(Role.SUPERVISOR) & same_organisation)
permissions.add_rule("protect.configure_case_approvals", has_role(Role.ORG_ADMIN))

# Insight (issue 5): statistics are read by those who plan and report; only analysts (data stewards) spend a
# dataset's privacy budget; org admins set it. Raw counts need an explicit allowance on top of the role.
statistics_reader = has_role(Role.ANALYST, Role.SUPERVISOR, Role.ORG_ADMIN)
permissions.add_rule("insight.view_statistics", statistics_reader)
permissions.add_rule("insight.view_dataset", statistics_reader & same_organisation)
permissions.add_rule("insight.import_dataset", has_role(Role.ANALYST, Role.ORG_ADMIN))
permissions.add_rule("insight.delete_dataset", has_role(Role.ANALYST, Role.ORG_ADMIN) & same_organisation)
permissions.add_rule("insight.release_private", has_role(Role.ANALYST) & same_organisation)
permissions.add_rule("insight.set_budget", has_role(Role.ORG_ADMIN) & same_organisation)
permissions.add_rule("insight.export_cases", has_role(Role.ANALYST, Role.SUPERVISOR))
# Multiple systems estimation (estimates of the hidden number from list overlaps): made and deleted by those who
# analyse and plan; read, like any statistic, by every statistics reader of the organisation.
permissions.add_rule("insight.estimate", has_role(Role.ANALYST, Role.SUPERVISOR))


@rules.predicate
def raw_counts_allowed(actor: Actor) -> bool:
    from threefold.insight.models import RawCountsAllowance

    return (
        isinstance(actor, Actor)
        and actor.organisation_id is not None
        and RawCountsAllowance.objects.filter(
            organisation_id=actor.organisation_id, user_id=actor.user.pk, revoked_at__isnull=True
        ).exists()
    )


permissions.add_rule("insight.view_raw_counts", statistics_reader & raw_counts_allowed)

permissions.add_rule("accounts.manage_members", has_role(Role.ORG_ADMIN))
permissions.add_rule("audit.view_history", has_role(Role.SUPERVISOR, Role.ORG_ADMIN))
permissions.add_rule("api.use", is_member)
permissions.add_rule(
    "identify.screen", has_role(Role.SCREENER, Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER)
)


@rules.predicate
def screened_it(actor: Actor, obj: Any) -> bool:
    return obj is not None and getattr(obj, "screened_by_id", None) == actor.user.pk


# A screening is read by the person who did it and by supervisors, who review their organisation's screenings.
permissions.add_rule(
    "identify.view_screening",
    same_organisation
    & (
        (has_role(Role.SCREENER, Role.CASEWORKER, Role.LEGAL_OFFICER) & screened_it)
        | has_role(Role.SUPERVISOR)
    ),
)
permissions.add_rule(
    "identify.continue_screening",
    same_organisation
    & screened_it
    & has_role(Role.SCREENER, Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER),
)
permissions.add_rule("identify.review", has_role(Role.SUPERVISOR) & same_organisation)
permissions.add_rule("identify.review_list", has_role(Role.SUPERVISOR))
# Attaching to a person means choosing that person: only roles that read identities can do it.
permissions.add_rule("identify.attach_person", identity_reader & same_organisation)
permissions.add_rule("identify.import_submissions", has_role(Role.SUPERVISOR))
permissions.add_rule("identify.manage_instruments", has_role(Role.SUPERVISOR, Role.ORG_ADMIN))
permissions.add_rule("identify.manage_directory", has_role(Role.ORG_ADMIN))
permissions.add_rule("identify.change_directory_entry", has_role(Role.ORG_ADMIN) & same_organisation)


# Consent (threefold/consent). Every consent rule takes the Person the consent is about, not the consent row.
# Seeing a person's consents is part of seeing the person; recording or withdrawing one is a change to the
# record, for the caseworkers and supervisors who may change it.
permissions.add_rule("consent.view", permissions["protect.view_person"])
permissions.add_rule("consent.record", permissions["protect.change_person"])
permissions.add_rule("consent.withdraw", permissions["protect.change_person"])
# Going ahead without consent is a judgement for a supervisor or legal officer of the person's organisation,
# never for a partner organisation that holds a grant.
permissions.add_rule("consent.override", has_role(Role.SUPERVISOR, Role.LEGAL_OFFICER) & same_organisation)


# Referrals (threefold/referrals). A referral has two sides: the sending organisation, whose case it belongs
# to, and the receiving one, which answers it and, once it accepts, reads the packet through an organisation
# grant on the referral itself (never on the sender's person or case).
@rules.predicate
def sent_it(actor: Actor, referral: Any) -> bool:
    return referral is not None and actor.organisation_id == getattr(referral, "from_organisation_id", None)


@rules.predicate
def receives_it(actor: Actor, referral: Any) -> bool:
    return referral is not None and actor.organisation_id == getattr(referral, "to_organisation_id", None)


@rules.predicate
def may_change_referred_case(actor: Actor, referral: Any) -> bool:
    return referral is not None and permissions.test_rule("protect.change_case", actor, referral.case)


@rules.predicate
def may_view_referred_case(actor: Actor, referral: Any) -> bool:
    return referral is not None and permissions.test_rule("protect.view_case", actor, referral.case)


referral_responder = has_role(Role.CASEWORKER, Role.SUPERVISOR)
permissions.add_rule("referrals.send", permissions["protect.change_case"])
permissions.add_rule("referrals.view_incoming", referral_responder)
permissions.add_rule("referrals.view_sent", sent_it & may_view_referred_case)
permissions.add_rule("referrals.view_received", referral_responder & receives_it)
permissions.add_rule("referrals.respond", referral_responder & receives_it)
permissions.add_rule("referrals.open_packet", referral_responder & receives_it & has_active_grant)
permissions.add_rule("referrals.revoke", sent_it & may_change_referred_case)
permissions.add_rule("referrals.view_directory", is_member)
permissions.add_rule("referrals.manage_partners", has_role(Role.ORG_ADMIN))
permissions.add_rule("referrals.change_partner", has_role(Role.ORG_ADMIN) & same_organisation)


# Data rights (threefold/protect/subject_data.py). A survivor's request for a copy or for erasure is handled by a
# supervisor or legal officer of the organisation holding the record. A copy of everything is also a reading of
# everything: the exporter must be able to open the person (assignment or grant), as for the person page.
permissions.add_rule(
    "protect.export_subject_data",
    has_role(Role.SUPERVISOR, Role.LEGAL_OFFICER) & same_organisation & permissions["protect.view_person"],
)
# Erasure cannot be undone: a supervisor of the person's organisation only (the caseload is theirs to manage),
# after reauthenticating. A grant from another organisation never carries it.
permissions.add_rule("protect.erase_subject", has_role(Role.SUPERVISOR) & same_organisation)
permissions.add_rule("protect.configure_retention", has_role(Role.ORG_ADMIN))


def allowed(actor: Actor, permission: str, obj: Any = None) -> bool:
    return permissions.test_rule(permission, actor, obj)


# ---- De-duplication review within an organisation (threefold/protect/duplicate_services.py, ADR 0021) ---------
# Scanning for duplicates, reading the pairs side by side, merging, dismissing and undoing are one supervisor's
# job in their own organisation. Callers pass an object of the organisation (a pair, a merge, a scan, or the
# supervisor's own membership for the queue itself).
permissions.add_rule("protect.review_duplicates", has_role(Role.SUPERVISOR) & same_organisation)


# --- Privacy-preserving record linkage (issue 6; threefold/insight/linkage_*.py, ADR 0022) -----------------------
# Encoding sets are personal data: keyed Bloom filters of names and dates of birth that the other party, holding
# the same secret, can test guesses against. Making, importing, exporting and deleting them, and starting a run
# that reads them, is the data steward's work: analysts of the organisation only. Not supervisors: they hold the
# caseload and break-the-glass access, and with linkage as well they could learn which of their people another
# organisation knows; keeping the two apart is the point of a data steward role. Not org admins: they manage
# members and budgets and need no personal data for that. A run's result is counts by list combination only, a
# statistic like an estimate: every statistics reader of the organisation (analysts, supervisors, org admins)
# reads it, and those who make estimates (analysts, supervisors) can start one from it.
linkage_analyst = has_role(Role.ANALYST)
permissions.add_rule("insight.linkage", linkage_analyst)
permissions.add_rule("insight.use_encoding_set", linkage_analyst & same_organisation)
permissions.add_rule("insight.view_linkage_run", statistics_reader & same_organisation)
permissions.add_rule("insight.change_linkage_run", linkage_analyst & same_organisation)


# --- Country reference data and country pages (issue 7; threefold/countries, ADR 0024) ---------------------------
# Public facts (treaty status, TIP tiers, UNODC and Walk Free figures), but Threefold is for members: every signed-in
# member of an organisation reads the country pages, maps, comparisons and briefs, whatever their role.
permissions.add_rule("countries.view", is_member)


# ---- Prosecution (issue 7; threefold/prosecute, ADR 0025) -----------------------------------------------------
# Every prosecution rule takes the protect Case the proceeding (or the survivor's own charge) belongs to. Legal
# officers and caseworkers assigned to the case's person record and read its proceedings; supervisors of the
# organisation read them (references, never the survivor's name: that stays on the case); same organisation only,
# so a partner's referral grant on the person does not reach its criminal proceedings. Analysts, like supervisors
# and org admins, read the prosecution statistics, which are protected tables only (insight.view_statistics).
prosecution_worker = has_role(Role.CASEWORKER, Role.LEGAL_OFFICER)
permissions.add_rule("prosecute.record", prosecution_worker & same_organisation & person_is_assigned)
permissions.add_rule(
    "prosecute.view",
    (prosecution_worker & same_organisation & person_is_assigned)
    | (has_role(Role.SUPERVISOR) & same_organisation),
)
permissions.add_rule("prosecute.view_lists", has_role(Role.CASEWORKER, Role.LEGAL_OFFICER, Role.SUPERVISOR))
# Supervisors list every proceeding of the organisation; the others only those of the cases assigned to them.
permissions.add_rule("prosecute.view_organisation", has_role(Role.SUPERVISOR))
permissions.add_rule("prosecute.view_statistics", statistics_reader)


# ---- Advocacy: accountability tracker, legislation reviews, advocacy actions (issue 7; threefold/advocate, ADR 0026)
# Every member reads their organisation's tracker, approved evidence, legislation reviews and advocacy actions,
# whatever their role. Analysts (the advocates' role: they work with data and sources) and org admins enter
# evidence, reviews and actions, read drafts, and approve evidence another member entered: never their own, so
# every approved status has had a second pair of eyes. Only the author changes a draft. Same organisation only:
# another organisation's records answer 404 (threefold/advocate/access.py), approved ones included.
@rules.predicate
def entered_it(actor: Actor, evidence: Any) -> bool:
    return evidence is not None and getattr(evidence, "entered_by_id", None) == actor.user.pk


@rules.predicate
def is_draft(actor: Actor, evidence: Any) -> bool:
    return evidence is not None and getattr(evidence, "state", None) == "draft"


advocate_role = has_role(Role.ANALYST, Role.ORG_ADMIN)
permissions.add_rule("advocate.view", is_member)
permissions.add_rule("advocate.view_drafts", advocate_role)
permissions.add_rule("advocate.enter", advocate_role)
permissions.add_rule("advocate.change", advocate_role & same_organisation)  # a review or an action
permissions.add_rule("advocate.change_evidence", advocate_role & same_organisation & entered_it & is_draft)
permissions.add_rule("advocate.approve_evidence", advocate_role & same_organisation & ~entered_it & is_draft)


# ---- Training of officials and frontline staff (issue 8; threefold/training) -------------------------------------
# Trainers run courses, sessions, tests, certificates and follow-ups; org admins too (they manage budgets and
# people). Participants are officials, not survivors, but their names and contact details are still personal data:
# only those two roles read them, in their own organisation. Supervisors and analysts read the results without
# names (attendance, score changes per module and question, follow-up outcomes), to see where training works.
training_role = has_role(Role.TRAINER, Role.ORG_ADMIN)
permissions.add_rule("training.manage", training_role)
permissions.add_rule("training.change", training_role & same_organisation)
permissions.add_rule(
    "training.view_results", has_role(Role.TRAINER, Role.ORG_ADMIN, Role.ANALYST, Role.SUPERVISOR)
)


# ---- Prevention: education, materials, campaigns, vulnerability map (issue 8; threefold/prevent) -----------------
# Campaign leads hold the trainer role. Education sessions and campaigns hold no personal data (reach is counted,
# never named), so every member of the organisation reads them and the materials library. Trainers and org admins
# record them and import area indicators. The coverage dashboard sets campaigns beside screenings and referrals by
# area: statistics about survivors, so it is for the statistics readers and the campaign leads, protected tables
# only (small counts suppressed).
prevent_role = has_role(Role.TRAINER, Role.ORG_ADMIN)
permissions.add_rule("prevent.view", is_member)
permissions.add_rule("prevent.manage", prevent_role)
permissions.add_rule("prevent.change", prevent_role & same_organisation)
permissions.add_rule(
    "prevent.view_coverage", has_role(Role.TRAINER, Role.ORG_ADMIN, Role.ANALYST, Role.SUPERVISOR)
)


# ---- Participation: consultations, service feedback, survivor leaders (issue 8; threefold/participate) ----------
# Supervisors, analysts and org admins set up consultations and feedback surveys and record "you said, we did";
# caseworkers and supervisors hand survivors single-use anonymous links (the link records who issued it, never to
# whom). Answers are never read one by one: every member who works with consultations reads the aggregates, small
# cells suppressed. Survivor leaders' pseudonymous records (activities, support, payments) are kept by supervisors
# and org admins, who arrange and pay for that work.
participate_role = has_role(Role.SUPERVISOR, Role.ANALYST, Role.ORG_ADMIN)
permissions.add_rule("participate.manage", participate_role)
permissions.add_rule("participate.change", participate_role & same_organisation)
permissions.add_rule("participate.invite", has_role(Role.CASEWORKER, Role.SUPERVISOR))
permissions.add_rule(
    "participate.view_results", has_role(Role.CASEWORKER, Role.SUPERVISOR, Role.ANALYST, Role.ORG_ADMIN)
)
permissions.add_rule("participate.leaders", has_role(Role.SUPERVISOR, Role.ORG_ADMIN))
permissions.add_rule(
    "participate.change_leader", has_role(Role.SUPERVISOR, Role.ORG_ADMIN) & same_organisation
)
