"""Load the demo world (idempotent): organisations, users of every role with MFA, and fictitious survivors."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from threefold.accounts import demo
from threefold.accounts.actor import Actor
from threefold.accounts.models import Membership, Organisation, User
from threefold.accounts.roles import Role
from threefold.accounts.services import create_organisation
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.identify import demo_data as identify_demo
from threefold.protect import case_services
from threefold.protect import services as protect_services
from threefold.protect.demo_data import (
    DemoCase,
    demo_case,
    demo_people,
    demo_recorded_twice,
    demo_shared_people,
)
from threefold.protect.identity import Identity
from threefold.protect.models import Person, PersonIndex
from threefold.vault import names, sealed


def _already_recorded(org: Organisation, identity: Identity, times: int = 1) -> bool:
    """Whether the demo already recorded this name (in any script or order) ``times`` times in ``org``: running
    the demo again adds nothing twice."""
    digest = sealed.blind(names.exact_name_key(identity.full_name), kind="name")
    found = PersonIndex.objects.filter(kind="name", digest=digest, person__organisation=org)
    return found.values("person").distinct().count() >= times


class Command(BaseCommand):
    help = "Create or refresh the fictitious demo world. Refuses to run unless THREEFOLD_DEMO is on."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("The demo world loads only with THREEFOLD_DEMO=1 (make run sets it).")
        with transaction.atomic():
            orgs = {
                o.key: create_organisation(
                    o.name, o.type, o.country, is_demo=True, system_label="system:demo"
                )
                for o in demo.ORGANISATIONS
            }
            users = {u.email: self._user(u, orgs) for u in demo.USERS}
            created = self._people(orgs, users)
            screenings = self._identify(orgs, users)
            shared = self._linkage(orgs, users)
            twice = self._recorded_twice(orgs, users)
            # Criminal proceedings (threefold/prosecute): the shelter's legal officer follows witnesses.
            from threefold.prosecute import demo as prosecute_demo

            proceedings = prosecute_demo.load(orgs["shelter"], users)
            # Advocacy (threefold/advocate): the advocacy club's evidence, legislation reviews and actions.
            from threefold.advocate import demo as advocate_demo

            for spec in advocate_demo.USERS:
                users[spec.email] = self._user(spec, orgs)
            advocacy = advocate_demo.load(orgs["club"], users)
            # Issue 8: training (threefold/training), prevention (threefold/prevent), participation
            # (threefold/participate). Each returns one line saying what it added, for the summary below.
            from threefold.participate import demo as participate_demo
            from threefold.prevent import demo as prevent_demo
            from threefold.training import demo as training_demo

            issue8 = [module.load(orgs, users) for module in (training_demo, prevent_demo, participate_demo)]
        self._print(created)
        # Country pages: the reference data shipped in reference/countries/ (kinds already loaded are kept).
        from threefold.countries.services import load_shipped

        countries = load_shipped(only_missing=True)
        self.stdout.write(f"Country reference data: {len(countries)} kinds loaded from reference/countries/.")
        self.stdout.write(f"Identify: {screenings} new demo screenings.")
        self.stdout.write(
            f"Record linkage: {shared} new people known to both Safe Harbour and Casa Esperanza; "
            f"analyst@{demo.DEMO_DOMAIN} is an analyst of both (switch organisation to act for the other)."
        )
        self.stdout.write(
            f"Duplicates: {twice} new second records at Safe Harbour, for supervisor@{demo.DEMO_DOMAIN} to review."
        )
        self.stdout.write(
            f"Prosecute: {proceedings} new demo proceedings at Safe Harbour, for legalofficer@{demo.DEMO_DOMAIN}."
        )
        self.stdout.write(
            f"Advocacy: {advocacy.evidence} new pieces of evidence, {advocacy.reviews} legislation reviews and "
            f"{advocacy.actions} actions at Riverside Advocacy Club, for advocate@{demo.DEMO_DOMAIN} and "
            f"{advocate_demo.LEAD} (who approve each other's evidence)."
        )
        for line in issue8:
            self.stdout.write(line)

    def _user(self, spec: demo.DemoUser, orgs: dict[str, Organisation]) -> User:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(spec.email, demo.DEMO_PASSWORD, display_name=spec.display_name)
        EmailAddress.objects.update_or_create(
            user=user, email=spec.email, defaults={"verified": True, "primary": True}
        )
        if spec.org_key and spec.role:
            Membership.objects.update_or_create(
                user=user, organisation=orgs[spec.org_key], defaults={"role": spec.role, "is_active": True}
            )
        if (
            spec.with_totp
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, demo.totp_secret(spec.email))
            RecoveryCodes.activate(user)
        return user

    def _people(self, orgs: dict[str, Organisation], users: dict[str, User]) -> int:
        caseworkers = {
            "shelter": users[f"caseworker@{demo.DEMO_DOMAIN}"],
            "casa": users[f"caseworker.casa@{demo.DEMO_DOMAIN}"],
        }
        created = 0
        for index, person in enumerate(demo_people()):
            org = orgs[person.org_key]
            if _already_recorded(org, person.identity):
                continue
            user = caseworkers[person.org_key]
            membership = Membership.objects.get(user=user, organisation=org)
            actor = Actor(user, membership)
            record = protect_services.create_person(actor, person.identity, is_demo=True, purpose="demo data")
            self._case(actor, record, demo_case(index, person))
            # Most demo survivors agreed to be counted, so the statistics pages have something to protect.
            if index % 4:
                consent_services.record_consent(
                    actor, record, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
                )
            created += 1
        return created

    def _case(self, actor: Actor, person: Person, spec: DemoCase) -> None:
        case = case_services.open_case(
            actor, person, reason="Referred by the outreach team", context=spec.context, is_demo=True
        )
        for note in spec.notes:
            case_services.add_note(actor, case, note)
        for stage, reason in spec.moves:
            case = case_services.move(actor, case, stage, reason, expected_version=case.version)

    def _identify(self, orgs: dict[str, Organisation], users: dict[str, User]) -> int:
        org = orgs["shelter"]

        def actor(role: Role) -> Actor:
            user = users[f"{role.value.replace('_', '')}@{demo.DEMO_DOMAIN}"]
            return Actor(user, Membership.objects.get(user=user, organisation=org))

        identify_demo.load_directory(actor(Role.ORG_ADMIN))
        return identify_demo.load_screenings(actor(Role.SCREENER))

    def _linkage(self, orgs: dict[str, Organisation], users: dict[str, User]) -> int:
        """People both NGOs know (spelt each NGO's way, consenting to statistics), so that a linkage run between
        them finds an overlap; and the demo analyst is an analyst of Casa Esperanza too, to act for both sides."""
        analyst = users[f"analyst@{demo.DEMO_DOMAIN}"]
        Membership.objects.get_or_create(
            user=analyst, organisation=orgs["casa"], defaults={"role": Role.ANALYST, "is_active": True}
        )
        caseworkers = {
            "shelter": users[f"caseworker@{demo.DEMO_DOMAIN}"],
            "casa": users[f"caseworker.casa@{demo.DEMO_DOMAIN}"],
        }
        created = 0
        for index, person in enumerate(demo_shared_people()):
            org = orgs[person.org_key]
            if _already_recorded(org, person.identity):
                continue
            user = caseworkers[person.org_key]
            actor = Actor(user, Membership.objects.get(user=user, organisation=org))
            record = protect_services.create_person(actor, person.identity, is_demo=True, purpose="demo data")
            self._case(actor, record, demo_case(index, person))
            consent_services.record_consent(
                actor, record, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
            )
            created += 1
        return created

    def _recorded_twice(self, orgs: dict[str, Organisation], users: dict[str, User]) -> int:
        org = orgs["shelter"]
        user = users[f"caseworker@{demo.DEMO_DOMAIN}"]
        actor = Actor(user, Membership.objects.get(user=user, organisation=org))
        created = 0
        first_records = [
            p.identity for p in (*demo_people(), *demo_shared_people()) if p.org_key == "shelter"
        ]
        for person in demo_recorded_twice():
            key = names.exact_name_key(person.identity.full_name)
            # Some second records have the first one's name in another order: then that name is there twice.
            same_name = sum(names.exact_name_key(first.full_name) == key for first in first_records)
            if _already_recorded(org, person.identity, times=1 + same_name):
                continue
            protect_services.create_person(actor, person.identity, is_demo=True, purpose="demo data")
            created += 1
        return created

    def _print(self, created: int) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo world ready ({created} new fictitious people)."))
        self.stdout.write(f"Every demo login uses the password: {demo.DEMO_PASSWORD}")
        self.stdout.write(
            "Two-factor codes: .venv/bin/python manage.py demo_totp EMAIL (or add the printed secret to an app)."
        )
        for spec in demo.USERS:
            role = Role(spec.role).value if spec.role else "-"
            mfa = (
                "set up at first login"
                if not spec.with_totp
                else f"TOTP secret {demo.totp_secret(spec.email)}"
            )
            self.stdout.write(f"  {spec.email:<42} {role:<14} {mfa}")
        from threefold.advocate import demo as advocate_demo

        for spec in advocate_demo.USERS:
            role = Role(spec.role).value if spec.role else "-"
            self.stdout.write(f"  {spec.email:<42} {role:<14} TOTP secret {demo.totp_secret(spec.email)}")
