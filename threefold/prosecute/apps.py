from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProsecuteConfig(AppConfig):
    """Criminal proceedings linked to cases, survivors as witnesses, and prosecution statistics (issue 7)."""

    name = "threefold.prosecute"
    label = "prosecute"

    def ready(self) -> None:
        from threefold.prosecute import data_rights, reminders
        from threefold.prosecute.models import SEALED, SUBJECT_PATHS
        from threefold.protect import subject_data
        from threefold.vault import sealed

        for model, field in SEALED:
            sealed.link_subject(model, field, subject_path=SUBJECT_PATHS[model])
        subject_data.register(
            "prosecute",
            _("Criminal proceedings: stages, charges and verdicts, protection as a witness, own charges"),
            export=data_rights.export_prosecution,
            erase=data_rights.erase_prosecution,
            correction=_("Corrected on the proceeding's page by the legal officer or caseworker."),
            keeps_person=data_rights.has_active_proceeding,
        )
        reminders.register_messages()
