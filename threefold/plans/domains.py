"""The four domains of assistance of the seed statement and the services each one offers.

Pure Python (no Django import), so tests and exports can use it without settings. Labels are English, marked
with ``gettext_noop`` so that ``makemessages`` collects them; pages translate them where they show them.
Service codes are unique across domains: a stored code alone says which domain it belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping


def gettext_noop(message: str) -> str:
    """Marks a label for translation catalogues without importing Django; translated where it is shown."""
    return message


PHYSICAL = "physical"
PSYCHOLOGICAL = "psychological"
ECONOMIC = "economic"
SOCIAL = "social"

# In the order the plan page shows them: safety first.
DOMAINS: Mapping[str, str] = {
    PHYSICAL: gettext_noop("Physical: safety, shelter, health"),
    PSYCHOLOGICAL: gettext_noop("Psychological: counselling, trauma care"),
    ECONOMIC: gettext_noop("Economic: income, education, training, employment, legal status"),
    SOCIAL: gettext_noop("Social: family, community, reintegration"),
}

SERVICE_TYPES: Mapping[str, Mapping[str, str]] = {
    PHYSICAL: {
        "safety_planning": gettext_noop("Safety planning"),
        "shelter": gettext_noop("Shelter or safe accommodation"),
        "basic_needs": gettext_noop("Food, clothing and basic needs"),
        "medical_care": gettext_noop("Medical care"),
        "sexual_health": gettext_noop("Sexual and reproductive health"),
        "physical_other": gettext_noop("Other physical assistance"),
    },
    PSYCHOLOGICAL: {
        "crisis_support": gettext_noop("Crisis support"),
        "counselling": gettext_noop("Counselling"),
        "trauma_therapy": gettext_noop("Trauma therapy"),
        "psychiatric_care": gettext_noop("Psychiatric care"),
        "peer_support": gettext_noop("Peer support group"),
        "psychological_other": gettext_noop("Other psychological assistance"),
    },
    ECONOMIC: {
        "financial_assistance": gettext_noop("Financial assistance"),
        "education": gettext_noop("Education"),
        "vocational_training": gettext_noop("Vocational training"),
        "employment": gettext_noop("Help finding employment"),
        "legal_status": gettext_noop("Residence or legal status"),
        "legal_aid": gettext_noop("Legal advice and representation"),
        "economic_other": gettext_noop("Other economic assistance"),
    },
    SOCIAL: {
        "family_tracing": gettext_noop("Family tracing and contact"),
        "family_reintegration": gettext_noop("Return to family"),
        "community_reintegration": gettext_noop("Community reintegration"),
        "safe_return": gettext_noop("Safe and voluntary return"),
        "childcare": gettext_noop("Childcare"),
        "social_other": gettext_noop("Other social assistance"),
    },
}


def domain_of(service_type: str) -> str:
    """The domain a service code belongs to; ``KeyError`` for a code no domain offers."""
    for domain, services in SERVICE_TYPES.items():
        if service_type in services:
            return domain
    raise KeyError(service_type)


def service_label(service_type: str) -> str:
    """The untranslated label of a service code (the code itself for one no longer offered)."""
    for services in SERVICE_TYPES.values():
        if service_type in services:
            return services[service_type]
    return service_type
