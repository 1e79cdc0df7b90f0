from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals of a case to a partner organisation, with the consented subset of data, and the partner directory."""

    name = "threefold.referrals"
    label = "referrals"

    def ready(self) -> None:
        # Data rights (threefold/protect/subject_data.py): packets and reasons are about the referred person.
        from threefold.protect import subject_data
        from threefold.referrals.models import Referral
        from threefold.referrals.services import erase_referrals, export_referrals
        from threefold.vault import sealed

        sealed.link_subject(Referral, "packet", subject_path="person__reference")
        sealed.link_subject(Referral, "reason", subject_path="person__reference")
        subject_data.register(
            "referrals",
            _("Referrals to partner organisations"),
            export=export_referrals,
            erase=erase_referrals,
            correction=_(
                "A referral is not edited: the sending organisation revokes it and sends a new one."
            ),
        )
