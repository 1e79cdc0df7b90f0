from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from threefold.protect.models import Person


class IdentifyConfig(AppConfig):
    """Django side of identification; the scoring itself lives in the pure ``core`` package."""

    name = "threefold.identify"
    label = "identify"

    def ready(self) -> None:
        # Data rights (threefold/protect/subject_data.py): the screenings kept with a person. Anonymous ones
        # are about nobody in particular and stay under the organisation's key.
        from threefold.identify.models import Screening
        from threefold.protect import subject_data
        from threefold.vault import sealed

        for field in ("record", "review_note"):
            sealed.link_subject(Screening, field, subject_path="person__reference")
        subject_data.register(
            "screenings",
            _("Screenings kept with the person, with their answers and results"),
            export=export_screenings,
            erase=erase_screenings,
            correction=_(
                "Answers are kept as they were given; a supervisor's review of the screening records a correction."
            ),
        )


def export_screenings(person: Person) -> list[dict[str, Any]]:
    from threefold.identify.models import Screening
    from threefold.identify.records import read_record, read_review_note

    screenings = Screening.objects.filter(person=person).select_related("source").order_by("started_at")
    return [
        {
            "reference": screening.reference,
            "instrument": screening.source.instrument_id,
            "instrument_version": screening.source.version,
            "setting": screening.setting,
            "languages": screening.languages,
            "started_at": screening.started_at,
            "completed_at": screening.completed_at,
            "outcome": screening.outcome,
            "band": screening.band,
            "urgency": screening.urgency,
            "answers": (record := read_record(screening)).answers,
            "result": record.scored,
            "consent_method": screening.consent_method,
            "review_decision": screening.review_decision,
            "review_note": read_review_note(screening),
        }
        for screening in screenings
    ]


def erase_screenings(person: Person) -> int:
    from threefold.identify.models import Screening

    # The whole row: once kept with a person, a screening is about them; counts by setting and outcome lose one.
    deleted, _by_model = Screening.objects.filter(person=person).delete()
    return deleted
