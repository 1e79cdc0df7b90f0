from django.apps import AppConfig


class ParticipateConfig(AppConfig):
    """Survivors' participation (issue 8): anonymous consultations with "you said, we did", anonymous service
    feedback, and pseudonymous records of survivor leaders.
    """

    name = "threefold.participate"
    label = "participate"
