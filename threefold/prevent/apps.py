from django.apps import AppConfig


class PreventConfig(AppConfig):
    """Prevention (issue 8): education sessions for women and girls, the materials library, awareness campaigns and
    their reach, area vulnerability indicators and the coverage map.
    """

    name = "threefold.prevent"
    label = "prevent"
