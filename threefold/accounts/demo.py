"""The demo world: fictitious organisations in three countries and a user of every role.

The TOTP secrets are derived from the e-mail address so that ``manage.py demo_totp`` can print a current code
for each demo user. That is acceptable only because the demo refuses to run outside demo mode.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from threefold.accounts.models import OrganisationType
from threefold.accounts.roles import Role

DEMO_PASSWORD = "demo-Threefold-2026!"  # noqa: S105  (printed on purpose: demo only)
DEMO_DOMAIN = "demo.threefold.invalid"  # .invalid is reserved: these addresses can never receive mail


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    type: str
    country: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    org_key: str | None
    role: Role | None
    with_totp: bool = True


ORGANISATIONS = (
    DemoOrganisation("shelter", "Safe Harbour Shelter (demo)", OrganisationType.NGO, "FR"),
    DemoOrganisation("casa", "Casa Esperanza (demo)", OrganisationType.NGO, "MX"),
    DemoOrganisation(
        "inspectorate", "Northern Labour Inspectorate (demo)", OrganisationType.LOCAL_GOVERNMENT, "GB"
    ),
    DemoOrganisation("club", "Riverside Advocacy Club (demo)", OrganisationType.ADVOCACY, "GH"),
)

USERS = (
    *(
        DemoUser(
            f"{role.value.replace('_', '')}@{DEMO_DOMAIN}",
            f"Demo {role.value.replace('_', ' ')}",
            "shelter",
            role,
        )
        for role in Role
    ),
    DemoUser(f"caseworker.casa@{DEMO_DOMAIN}", "Demo caseworker (Casa)", "casa", Role.CASEWORKER),
    DemoUser(f"inspector@{DEMO_DOMAIN}", "Demo labour inspector", "inspectorate", Role.SCREENER),
    DemoUser(f"advocate@{DEMO_DOMAIN}", "Demo advocate", "club", Role.ANALYST),
    # Shows the compulsory MFA enrolment: this caseworker has no authenticator yet.
    DemoUser(
        f"newcaseworker@{DEMO_DOMAIN}", "Demo new caseworker", "shelter", Role.CASEWORKER, with_totp=False
    ),
)


def totp_secret(email: str) -> str:
    return base64.b32encode(hashlib.sha256(f"threefold-demo-totp:{email}".encode()).digest()[:20]).decode()
