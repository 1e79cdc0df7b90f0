from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectConfig(AppConfig):
    name = "threefold.protect"
    label = "protect"

    def ready(self) -> None:
        # Data rights (subject_data.py): what protect holds about a person. Registered first of all the apps
        # (INSTALLED_APPS order), so erased last: the other apps' rows point at the person and their cases.
        from threefold.protect import subject_data as data
        from threefold.protect.models import Case, CaseAttachment, CaseEvent, Person
        from threefold.vault import sealed

        sealed.link_subject(Person, "identity", subject_path="reference")
        sealed.link_subject(Case, "context", subject_path="person__reference")
        sealed.link_subject(CaseEvent, "text", subject_path="case__person__reference")
        for field in ("name", "content"):
            sealed.link_subject(CaseAttachment, field, subject_path="case__person__reference")
        data.register(
            "identity",
            _("Identity"),
            export=data.export_identity,
            erase=data.erase_identity,
            correction=_("Corrected on the person's page, with “Edit”, by their caseworker."),
        )
        data.register(
            "search_terms",
            _("Search terms (keyed digests of names, phones, e-mails and date of birth; counts only)"),
            export=data.export_search_terms,
            erase=data.erase_search_terms,
            correction=_("Rebuilt from the identity whenever it is corrected."),
        )
        data.register(
            "cases",
            _("Cases, their timelines and national referral mechanism decisions"),
            export=data.export_cases,
            erase=data.erase_cases,
            correction=_(
                "The victim context is corrected on the case page; a timeline entry is never edited, a new "
                "note records the correction."
            ),
            keeps_person=data.nrm_process_open,
        )
        # After "cases", so erased before them (newest first), though deleting a case would take its files too.
        data.register(
            "attachments",
            _("Files kept with the cases"),
            export=data.export_attachments,
            erase=data.erase_attachments,
            correction=_(
                "A wrong file is replaced by attaching the right one and noting it on the timeline."
            ),
        )
