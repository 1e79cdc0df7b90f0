"""The prevention demo loads through the services and is idempotent (``manage.py demo`` runs it every time)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from threefold.prevent.models import Area, Campaign, CampaignActivity, EducationSession, Material


@pytest.mark.django_db
@override_settings(DEMO_MODE=True)
def test_the_demo_loads_once_and_twice_changes_nothing() -> None:
    call_command("demo", verbosity=0)
    counts = (
        Area.objects.count(),
        Campaign.objects.count(),
        EducationSession.objects.count(),
        Material.objects.count(),
    )
    assert counts == (12, 2, 8, 5)
    assert Area.objects.exclude(boundary=None).count() == 12
    assert CampaignActivity.objects.count() == 12
    call_command("demo", verbosity=0)
    assert (
        Area.objects.count(),
        Campaign.objects.count(),
        EducationSession.objects.count(),
        Material.objects.count(),
    ) == counts
