"""Who is acting, for which organisation, from where: built once per request and passed to access and services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from threefold.accounts.roles import IDENTITY_READER_ROLES, Role

if TYPE_CHECKING:
    from threefold.accounts.models import Membership, Organisation, User


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership | None
    ip: str | None = None

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def organisation_id(self) -> int | None:
        return self.membership.organisation_id if self.membership else None

    @property
    def org_id(self) -> int:
        """The acting organisation's id, for queries; an actor without a membership has none and may not query."""
        if self.membership is None:
            raise PermissionError("This user is not acting for any organisation.")
        return self.membership.organisation_id

    @property
    def role(self) -> Role | None:
        return Role(self.membership.role) if self.membership else None

    def has_role(self, *roles: Role) -> bool:
        return self.role is not None and self.role in roles

    @property
    def reads_identities(self) -> bool:
        return self.role in IDENTITY_READER_ROLES

    @property
    def label(self) -> str:
        return self.user.email


def system_actor_label(command: str) -> str:
    """The label audit entries carry when a management command, not a person, acted."""
    return f"system:{command}"
