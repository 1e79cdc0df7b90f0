"""Notifications: stored as a message key and parameters, translated when shown; e-mailed after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import MakeMember, login
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.notifications import access, messages, services
from threefold.notifications.models import Notification

PARAMS = {"reference": "R-ABCDEFGH", "organisation": "Shelter Nord"}


def test_every_message_takes_only_references_and_organisation_names() -> None:
    for key, source in messages.MESSAGES.items():
        assert source % PARAMS, key


def test_an_unknown_key_still_renders() -> None:
    assert messages.render("gone.away", {}) == "You have a notification."


def test_the_text_is_made_when_shown_not_when_stored(org: Organisation, make_member: MakeMember) -> None:
    user = make_member(org, Role.CASEWORKER).user
    services.notify([user], "referral.received", PARAMS, "/referrals/R-ABCDEFGH/")
    row = Notification.objects.get(user=user)
    assert (row.key, row.params) == ("referral.received", PARAMS)
    with translation.override("fr"):
        shown = access.my_notifications(user)
    assert "R-ABCDEFGH" in shown[0].text
    assert "Shelter Nord" in shown[0].text


def test_unknown_keys_are_refused_at_creation(org: Organisation, make_member: MakeMember) -> None:
    with pytest.raises(ValueError, match="unknown notification key"):
        services.notify([make_member(org, Role.CASEWORKER).user], "nope", {})


def test_the_e_mail_leaves_after_commit_and_only_points_to_the_page(
    org: Organisation, make_member: MakeMember, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_member(org, Role.SUPERVISOR).user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify([user, user], "referral.accepted", PARAMS, "/referrals/R-ABCDEFGH/")
    assert mail.outbox == []
    assert len(callbacks) == 1  # one per reader, none before the commit
    callbacks[0]()
    assert mail.outbox[0].to == [user.email]
    assert "Shelter Nord accepted referral R-ABCDEFGH." in mail.outbox[0].body
    assert "/referrals/R-ABCDEFGH/" in mail.outbox[0].body


def test_marking_read_touches_only_ones_own(org: Organisation, make_member: MakeMember) -> None:
    mine, theirs = make_member(org, Role.CASEWORKER).user, make_member(org, Role.CASEWORKER).user
    services.notify([mine, theirs], "referral.expired", PARAMS)
    their_row = Notification.objects.get(user=theirs)
    client = login(Client(), mine)
    page = client.get(reverse("notifications:inbox"))
    assert "R-ABCDEFGH" in page.content.decode()
    client.post(reverse("notifications:mark_read"), {"id": their_row.pk})
    assert Notification.objects.get(pk=their_row.pk).read_at is None
    response = client.post(reverse("notifications:mark_read"), {"all": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:inbox")
    assert access.unread_count(mine) == 0
    assert access.unread_count(theirs) == 1
