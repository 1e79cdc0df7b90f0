"""Every URL of the project, requested anonymously, is refused, except an explicit list of public pages.

The walk goes through every include of the root URLconf, so a view added anywhere is requested here. "Refused"
means a redirect to the login page (pages) or 401/403 (API); a 404 or 405 does not count, because a new view
that forgot ``login_required`` may well answer 404 to dummy arguments while serving real ones to anybody.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.utils.regex_helper import normalize

from threefold import urls as root_urls
from threefold.accounts.models import User

# View name -> the status an anonymous GET gets, and why the view is public.
PUBLIC: dict[str, tuple[int, str]] = {
    "account_login": (200, "the sign-in page"),
    "account_signup": (200, "allauth's 'sign-up is closed' page (people join by invitation)"),
    "account_inactive": (200, "allauth: 'this account is inactive'"),
    "account_email_verification_sent": (200, "allauth: 'we sent you an e-mail'"),
    "account_confirm_email": (200, "allauth: e-mail confirmation link (dummy key: 'link invalid')"),
    "account_reset_password": (200, "password reset: ask for a link"),
    "account_reset_password_done": (200, "password reset: 'link sent'"),
    "account_reset_password_from_key": (200, "password reset link (dummy key: 'bad token')"),
    "account_reset_password_from_key_done": (200, "password reset: 'password changed'"),
    "account_logout": (302, "sign-out sends anonymous visitors to the sign-in page"),
    "account_confirm_login_code": (302, "allauth: no login in progress, back to sign-in"),
    "mfa_authenticate": (302, "allauth: no login in progress, back to sign-in"),
    "set_language": (302, "i18n: switch language, back to the page"),
    "web:healthz": (200, "health check for the load balancer; answers {'status': 'ok'} only"),
    "api:schema": (200, "OpenAPI schema: describes endpoints, holds no data"),
    "api:docs": (200, "Swagger UI for the schema"),
    "accounts:accept_invitation": (404, "the token in the link is the credential; a bad token is a 404"),
    # Training (ADR 0028): a participant's personal link and a certificate check, without an account.
    "training:link_home": (
        404,
        "a participant's personal link: the token is the credential; a bad one is a 404",
    ),
    "training:join": (
        404,
        "a session's join link: the code is the credential; an unknown, replaced or closed one is a 404",
    ),
    "training:link_test": (404, "a participant's personal link: pre- or post-test"),
    "training:link_follow_up": (404, "a participant's personal link: a follow-up"),
    "training:answer_follow_up": (404, "the single-use link of a follow-up reminder e-mail"),
    "training:verify": (404, "certificate check: course, dates and organisation, never a name"),
    # Participation (ADR 0030): survivors answer with a single-use code, no account and nothing kept of them.
    "participate:enter_code": (200, "the form to type the code printed on a card; holds no data"),
    "participate:answer": (404, "the single-use code is the credential; a bad one is a 404"),
    "participate:thanks": (
        200,
        "the thank-you page after answering: the same for every consultation, names none, holds no data",
    ),
    "participate:summary": (
        404,
        "a consultation's public summary, counts suppressed; an unknown one is a 404",
    ),
}

DUMMY = "1"


@dataclass(frozen=True)
class Route:
    name: str
    regex: str
    pattern: URLPattern

    def url(self) -> str:
        # Django's own reverse machinery turns the joined regex into a format string with named parameters.
        template, params = normalize(self.regex)[0]
        return "/" + template % dict.fromkeys(params, DUMMY)


def walk(resolver: URLResolver, prefix: str = "", namespace: tuple[str, ...] = ()) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from walk(entry, prefix + regex, inner)
        else:
            name = ":".join((*namespace, entry.name or f"<unnamed {entry.pattern}>"))
            yield Route(name, prefix + regex, entry)


ROUTES = list(walk(get_resolver()))


def test_the_walk_finds_every_app() -> None:
    """Guards the walk itself: it reaches views at every level of include, with and without namespaces."""
    names = {route.name for route in ROUTES}
    for expected in (
        "account_login",
        "mfa_activate_totp",
        "protect:person",
        "accounts:members",
        "audit:user",
        "api:persons",
        "api:tokens",
        "web:home",
        "set_language",
    ):
        assert expected in names
    assert len(ROUTES) == len(names), "two views share a name: the allow-list could not tell them apart"


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_the_dummy_url_reaches_the_view(route: Route) -> None:
    assert resolve(route.url()).func is route.pattern.callback


def problem(route: Route, client: Client) -> str | None:
    """What is wrong with this route's answer to an anonymous GET, or None."""
    response = client.get(route.url())
    status = response.status_code
    if route.name in PUBLIC:
        expected, why = PUBLIC[route.name]
        return None if status == expected else f"{route.name} ({why}) answered {status}, not {expected}"
    login = reverse("account_login")
    if status in (401, 403) or (status == 302 and response["Location"].startswith(login)):
        return None
    return (
        f"{route.name} at {route.url()} answered {status} to an anonymous visitor; protect it, or add it to "
        "PUBLIC with the reason it holds no data"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_anonymous_get_is_refused_unless_public(route: Route) -> None:
    assert problem(route, Client()) is None


# A URLconf with two views someone forgot to protect, to show the guard notices them.
@login_not_required
def _leaky_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Olga Petrova")


@login_not_required
def _leaky_detail(request: HttpRequest, reference: str) -> HttpResponse:
    raise Http404  # a 404 for the dummy argument must not hide the missing protection


urlpatterns = [
    *root_urls.urlpatterns,
    path("leaky/", _leaky_list, name="leaky_list"),
    path("leaky/<str:reference>/", _leaky_detail, name="leaky_detail"),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_guard_fails_for_a_new_unprotected_view() -> None:
    client = Client()
    problems = {route.name: problem(route, client) for route in walk(get_resolver())}
    assert problems["leaky_list"] is not None
    assert problems["leaky_detail"] is not None
    assert problems["protect:person"] is None


def test_allow_list_has_no_stale_entries() -> None:
    names = {route.name for route in ROUTES}
    assert not set(PUBLIC) - names, f"PUBLIC lists views that no longer exist: {sorted(set(PUBLIC) - names)}"


@pytest.mark.django_db
def test_public_pages_show_no_data_and_signup_is_closed() -> None:
    client = Client()
    signup = client.get(reverse("account_signup")).content.decode()
    assert 'name="password1"' not in signup, "open sign-up: the page offers a registration form"
    assert client.get(reverse("web:healthz")).json() == {"status": "ok"}
    # Posting to sign-up does not create an account either.
    client.post(
        reverse("account_signup"),
        {
            "email": "intruder@example.org",
            "password1": "A-long-pass-phrase-9",
            "password2": "A-long-pass-phrase-9",
        },
    )
    assert not User.objects.filter(email="intruder@example.org").exists()
