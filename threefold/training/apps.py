from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training of officials and frontline staff (issue 8): courses, modules, sessions, participants, attendance,
    pre- and post-tests, certificates and follow-ups.
    """

    name = "threefold.training"
    label = "training"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from threefold.prevent.coverage_sources import CoverageSource, register
        from threefold.training import access, notices

        notices.register_messages()
        # The vulnerability map overlays training sessions by area (prevent knows nothing of training).
        register(CoverageSource("training", gettext_lazy("Training sessions"), access.session_counts_by_area))
