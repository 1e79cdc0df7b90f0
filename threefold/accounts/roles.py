"""Roles a member can hold in an organisation, and what each implies. Pure data, no Django import."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SCREENER = "screener"
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    LEGAL_OFFICER = "legal_officer"
    TRAINER = "trainer"
    ANALYST = "analyst"
    ORG_ADMIN = "org_admin"


# Roles whose holders can read or write identifying survivor data. Each must use MFA: a stolen password alone
# must never open a survivor's file. Org admins are included because they can change who holds these roles.
SURVIVOR_DATA_ROLES: frozenset[Role] = frozenset(
    {Role.SCREENER, Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER, Role.ORG_ADMIN}
)

# Roles that may read a person's identity when the record is assigned to them or shared with them by a grant.
IDENTITY_READER_ROLES: frozenset[Role] = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.LEGAL_OFFICER})


def requires_mfa(role: str) -> bool:
    return role in SURVIVOR_DATA_ROLES
