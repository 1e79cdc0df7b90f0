from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Assessment and assistance plans of cases: needs, goals, services and follow-ups (issue 4, point 4)."""

    name = "threefold.plans"
    label = "plans"

    def ready(self) -> None:
        # Data rights (threefold/protect/subject_data.py): every plan text is about the case's person.
        from threefold.plans import data_rights
        from threefold.plans.models import SEALED_TEXTS
        from threefold.protect import subject_data
        from threefold.vault import sealed

        for model, field in SEALED_TEXTS:
            sealed.link_subject(model, field, subject_path="case__person__reference")
        subject_data.register(
            "plans",
            _("Assistance plans: needs, goals, services and follow-ups"),
            export=data_rights.export_plans,
            erase=data_rights.erase_plans,
            correction=_("Needs and goals are corrected on the case's plan page by the caseworker."),
        )
