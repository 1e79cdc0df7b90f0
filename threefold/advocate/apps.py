from django.apps import AppConfig


class AdvocateConfig(AppConfig):
    """Advocacy (issue 7): the government accountability tracker, legislation reviews and advocacy actions."""

    name = "threefold.advocate"
    label = "advocate"

    def ready(self) -> None:
        from threefold.advocate import country_section, notices
        from threefold.advocate.core import checklist, framework
        from threefold.countries import hooks

        # A broken reference file stops the start with every faulty field named, not a page later.
        checklist.load()
        framework.load()
        notices.register_messages()
        hooks.register_ask_status(country_section.ask_status)
