"""Unfinished screenings do not linger: the purge command deletes old ones, keeps recent and finished ones."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import MakeMember
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.identify import catalogue, services
from threefold.identify.models import Screening

pytestmark = pytest.mark.django_db


def test_only_old_unfinished_screenings_are_deleted_and_the_deletion_is_audited(
    org: Organisation, make_member: MakeMember
) -> None:
    screener = make_member(org, Role.SCREENER)
    entry = catalogue.shipped_entry("quick_youth_indicators")
    old = services.start_screening(screener, entry, setting="outreach", language="en")
    recent = services.start_screening(screener, entry, setting="outreach", language="en")
    finished = services.finish_screening(
        screener, services.start_screening(screener, entry, setting="outreach", language="en")
    )
    Screening.objects.filter(pk__in=[old.pk, finished.pk]).update(
        started_at=timezone.now() - timedelta(days=31)
    )

    out = StringIO()
    call_command("purge_unfinished_screenings", "--days", "30", stdout=out)

    assert "1 unfinished screening(s)" in out.getvalue()
    assert set(Screening.objects.values_list("pk", flat=True)) == {recent.pk, finished.pk}
    entry_ = AuditEntry.objects.get(action=Action.DELETE, organisation_id=org.pk)
    assert entry_.details["unfinished_screenings"] == [old.reference]
    assert entry_.actor_label == "system:purge_unfinished_screenings"
