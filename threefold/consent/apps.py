from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from threefold.protect.models import Person


class ConsentConfig(AppConfig):
    """Purpose-specific, withdrawable consent of the people an organisation protects, and recorded overrides."""

    name = "threefold.consent"
    label = "consent"

    def ready(self) -> None:
        # Data rights (threefold/protect/subject_data.py): what consent holds about a person.
        from threefold.consent.models import ConsentOverride
        from threefold.protect import subject_data
        from threefold.vault import sealed

        sealed.link_subject(ConsentOverride, "reason", subject_path="person__reference")
        subject_data.register(
            "consents",
            _("Consents"),
            export=export_consents,
            erase=erase_consents,
            correction=_(
                "A consent is never edited: it is withdrawn on the person's consent page and a new one recorded."
            ),
        )
        subject_data.register(
            "consent_overrides",
            _("Decisions to go ahead without consent, with their reasons"),
            export=export_overrides,
            erase=erase_overrides,
            correction=_(
                "Kept as recorded: ask the supervisor of the organisation to add a note to the case."
            ),
        )


def export_consents(person: Person) -> list[dict[str, Any]]:
    from threefold.consent.models import Consent

    return [
        {
            "purpose": consent.purpose,
            "recipient_organisation": consent.recipient_organisation.name
            if consent.recipient_organisation
            else None,
            "method": consent.method,
            "guardian_relationship": consent.guardian_relationship,
            "given_at": consent.given_at,
            "expires_at": consent.expires_at,
            "withdrawn_at": consent.withdrawn_at,
            "status": consent.status(),
        }
        for consent in Consent.objects.filter(person=person).select_related("recipient_organisation")
    ]


def erase_consents(person: Person) -> int:
    from threefold.consent.models import Consent

    # Consents are evidence and never deleted, except here: the person they were evidence about is being erased.
    deleted, _by_model = Consent.objects.filter(person=person).delete()
    return deleted


def export_overrides(person: Person) -> list[dict[str, Any]]:
    from threefold.consent.models import ConsentOverride, open_reason
    from threefold.vault import sealed

    overrides = list(ConsentOverride.objects.filter(person=person).select_related("recipient_organisation"))
    keys = sealed.keys_for(bytes(o.reason) for o in overrides)
    return [
        {
            "purpose": override.purpose,
            "recipient_organisation": override.recipient_organisation.name
            if override.recipient_organisation
            else None,
            "role": override.role,
            "at": override.at,
            "reason": open_reason(override, keys),
        }
        for override in overrides
    ]


def erase_overrides(person: Person) -> int:
    from threefold.consent.models import ConsentOverride

    deleted, _by_model = ConsentOverride.objects.filter(person=person).delete()
    return deleted
