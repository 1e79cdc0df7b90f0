from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Datasets, protected statistics, differential privacy and dashboards (issue 5)."""

    name = "threefold.insight"
    label = "insight"

    def ready(self) -> None:
        # Data rights (threefold/protect/subject_data.py): linkage encodings made from a person's record.
        from django.utils.translation import gettext_lazy as _

        from threefold.insight import linkage_data_rights
        from threefold.protect import subject_data

        subject_data.register(
            "linkage_encodings",
            _("Encodings made for record linkage with other organisations"),
            export=linkage_data_rights.export_encodings,
            erase=linkage_data_rights.erase_encodings,
            correction=_(
                "Encodings are not corrected: a set is deleted and made again from the corrected record."
            ),
        )
