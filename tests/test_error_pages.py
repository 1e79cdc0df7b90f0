"""Error pages keep the layout and the quick exit: a survivor may be looking at any page."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from threefold.accounts.roles import Role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/protect/people/P-NOTTHERE/", 404, "Page not found"),
        ("/protect/caseload/", 403, "does not give access"),
    ],
)
def test_error_pages_have_quick_exit(org, make_member, client_for, url: str, status: int, text: str) -> None:
    response = client_for(make_member(org, Role.CASEWORKER)).get(url)
    assert response.status_code == status
    page = response.content.decode()
    assert text in page
    assert "data-quick-exit" in page


def test_server_error_page_needs_no_request_context() -> None:
    page = render_to_string("500.html")
    assert "data-quick-exit" in page
    assert "Something went wrong" in page


def test_csrf_failure_page_keeps_quick_exit() -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"login": "a@b.org", "password": "x"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be checked" in page
    assert "data-quick-exit" in page
