from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training of officials and frontline staff (issue 8): courses, modules, sessions, participants, attendance,
    pre- and post-tests, certificates and follow-ups.
    """

    name = "threefold.training"
    label = "training"
