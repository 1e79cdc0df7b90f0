"""REST API: bearer tokens stored only as SHA-256, the OpenAPI 3 schema, input validation, and audited reads."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember
from tests.test_personas import bearer
from threefold.accounts import services as account_services
from threefold.accounts.models import ApiToken, Membership, Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.protect.models import Person, PersonIndex

MakePerson = Callable[..., Person]
ME = "/api/v1/me/"
PERSONS = "/api/v1/persons/"


@pytest.fixture
def caseworker_token(org: Organisation, make_member: MakeMember) -> tuple[Any, str]:
    caseworker = make_member(org, Role.CASEWORKER)
    _token, raw = account_services.create_api_token(caseworker, "ODK sync")
    return caseworker, raw


# ---- tokens ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bearer_token_authenticates(caseworker_token: tuple[Any, str], org: Organisation) -> None:
    caseworker, raw = caseworker_token
    response = Client(**bearer(raw)).get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "email": caseworker.user.email,
        "display_name": caseworker.user.display_name,
        "organisation": org.name,
        "role": "caseworker",
    }
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_only_the_hash_of_a_token_is_stored(caseworker_token: tuple[Any, str]) -> None:
    _caseworker, raw = caseworker_token
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert raw not in stored
    assert not any(raw[10:20] in value for value in stored), "more of the token than its prefix is stored"
    assert token.prefix == raw[:10]
    grant = AuditEntry.objects.get(action=Action.GRANT, object_type="accounts.apitoken")
    assert raw not in json.dumps(grant.chained_fields(), default=str)


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["revoked", "expired", "altered", "malformed", "inactive user"])
def test_bad_tokens_are_refused(how: str, caseworker_token: tuple[Any, str]) -> None:
    caseworker, raw = caseworker_token
    headers = bearer(raw)
    if how == "revoked":
        account_services.revoke_api_token(caseworker, ApiToken.objects.get())
    elif how == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif how == "altered":
        headers = bearer(raw[:-1] + ("A" if raw[-1] != "A" else "B"))
    elif how == "malformed":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw} extra"}
    else:
        caseworker.user.is_active = False
        caseworker.user.save(update_fields=["is_active"])
    response = Client(**headers).get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert caseworker.user.email not in response.content.decode()


@pytest.mark.django_db
def test_a_token_of_a_deactivated_member_acts_for_nobody(
    caseworker_token: tuple[Any, str], make_person: MakePerson
) -> None:
    caseworker, raw = caseworker_token
    make_person(caseworker)
    Membership.objects.filter(user=caseworker.user).update(is_active=False)
    client = Client(**bearer(raw))
    assert client.get(ME).status_code == 403
    response = client.get(PERSONS)
    assert response.status_code == 403
    assert "Petrova" not in response.content.decode()


# ---- schema ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_is_openapi_3_and_lists_the_endpoints() -> None:
    response = Client().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/persons/", "/api/v1/persons/{reference}/", "/api/v1/me/"):
        assert path in paths
    assert set(paths["/api/v1/persons/"]) >= {"get", "post"}
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(
        iter(scheme for scheme in schemes.values() if scheme.get("scheme") == "bearer")
    ).items(), "the schema must say how to authenticate with a token"


# ---- input validation --------------------------------------------------------------------------------------------


BAD_INPUT = [
    pytest.param({"given_names": "Olga", "date_of_birth": "2999-01-01"}, "date_of_birth", id="future-birth"),
    pytest.param({"given_names": "O" * 300}, "given_names", id="300-char-name"),
    pytest.param({"given_names": "Ol\x07ga", "family_names": "Petrova"}, "given_names", id="control-char"),
    pytest.param({"given_names": "Olga", "family_names": "Pet\x1brova"}, "family_names", id="escape-char"),
    pytest.param({"given_names": "Olga", "aliases": ["ok", "bad\x00alias"]}, "aliases", id="nul-in-alias"),
    pytest.param({"given_names": "", "family_names": ""}, "given_names", id="no-name"),
    pytest.param({"given_names": "Olga", "phones": ["call me"]}, "phones", id="phone-letters"),
    pytest.param({"given_names": "Olga", "emails": ["not-an-address"]}, "emails", id="bad-email"),
    pytest.param({"given_names": "Olga", "date_of_birth": "01/02/1990"}, "date_of_birth", id="date-format"),
]


def _messages(value: Any) -> list[Any]:
    """Flatten DRF's errors: a list of messages, or {index: [messages]} for an item of a list field."""
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    return list(value)


@pytest.mark.django_db
@pytest.mark.parametrize(("payload", "field"), BAD_INPUT)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(
    payload: dict[str, Any], field: str, caseworker_token: tuple[Any, str]
) -> None:
    _caseworker, raw = caseworker_token
    audit_before = AuditEntry.objects.count()
    response = Client(**bearer(raw)).post(PERSONS, payload, content_type="application/json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == [field], errors
    messages = _messages(errors[field])
    assert messages, errors
    assert all(isinstance(m, str) and len(m) > 5 for m in messages), errors
    assert Person.objects.count() == 0
    assert PersonIndex.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_good_input_creates_a_person(caseworker_token: tuple[Any, str]) -> None:
    caseworker, raw = caseworker_token
    client = Client(**bearer(raw))
    payload = {
        "given_names": "Ольга",
        "family_names": "Петрова",
        "date_of_birth": "1990-02-01",
        "phones": ["+44 20 7946 0958"],
    }
    response = client.post(PERSONS, payload, content_type="application/json")
    assert response.status_code == 201
    reference = response.json()["reference"]
    person = Person.objects.get(reference=reference)
    assert person.organisation_id == caseworker.organisation_id
    detail = client.get(f"{PERSONS}{reference}/").json()
    assert detail["identity"]["family_names"] == "Петрова"
    assert detail["identity"]["date_of_birth"] == "1990-02-01"


# ---- audit of reads ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_reads_are_audited(caseworker_token: tuple[Any, str], make_person: MakePerson) -> None:
    caseworker, raw = caseworker_token
    person = make_person(caseworker)
    client = Client(**bearer(raw))

    listing = client.get(PERSONS)
    assert listing.status_code == 200
    assert [p["reference"] for p in listing.json()] == [person.reference]
    entry = AuditEntry.objects.filter(action=Action.LIST).last()
    assert entry is not None
    assert (entry.actor_id, entry.object_type, entry.details) == (
        caseworker.user.pk,
        "protect.person",
        {"count": 1},
    )

    detail = client.get(f"{PERSONS}{person.reference}/")
    assert detail.status_code == 200
    assert detail.json()["identity"]["given_names"] == "Olga"
    view = AuditEntry.objects.get(action=Action.VIEW)
    assert (view.actor_id, view.object_id, view.purpose) == (caseworker.user.pk, str(person.pk), "api")

    # Asking for someone else's reference is a 404 and records no view.
    assert client.get(f"{PERSONS}P-NOTREAL2/").status_code == 404
    assert AuditEntry.objects.filter(action=Action.VIEW).count() == 1
