"""Behaviour of Identify's organisation pages: organisations' own instruments and the referral directory."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import MakeMember
from tests.test_personas_identify_admin import entry_values, form_data, instrument_file, instrument_text
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation, User
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.audit.verify import verify_stored_chain
from threefold.identify import access, services
from threefold.identify.models import DirectoryEntry, InstrumentSource
from threefold.identify.services import MAX_INSTRUMENT_BYTES

ClientFor = Callable[[Actor | User], Client]


def _text(response: Any) -> str:
    return str(response.content.decode())


def _audit(action: Action, obj: InstrumentSource | DirectoryEntry | int, label: str) -> bool:
    pk = obj if isinstance(obj, int) else obj.pk
    return AuditEntry.objects.filter(action=action, object_type=label, object_id=str(pk)).exists()


# ---------------------------------------------------------------------------------------------------------------
# Organisations' own instruments


@pytest.fixture
def supervisor(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.SUPERVISOR)


def _upload(client: Client, upload: SimpleUploadedFile) -> Any:
    return client.post(reverse("identify:upload_instrument"), {"file": upload})


def _yaml(text: str, name: str = "ours.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/yaml")


def test_a_valid_instrument_is_stored_audited_and_offered(supervisor: Actor, client_for: ClientFor) -> None:
    client = client_for(supervisor)
    response = _upload(client, instrument_file("street_outreach_screen", "1.0.0"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identify:my_instruments")

    source = InstrumentSource.objects.get(instrument_id="street_outreach_screen")
    assert source.organisation_id == supervisor.organisation_id
    assert source.version == "1.0.0"
    assert source.uploaded_by == supervisor.user
    assert source.text == instrument_text("street_outreach_screen", "1.0.0")
    assert _audit(Action.CREATE, source, "identify.instrumentsource")
    assert "street_outreach_screen" in {entry.instrument.id for entry in access.instruments(supervisor)}

    page = _text(client.get(reverse("identify:my_instruments")))
    assert "Version 1.0.0 of street_outreach_screen is stored" in page
    assert "<code>street_outreach_screen</code>" in page
    assert "Active</strong>" in page
    assert f"by {supervisor.user.display_name}" in page
    assert verify_stored_chain().ok


def test_the_page_explains_versions_and_links_the_schema(supervisor: Actor, client_for: ClientFor) -> None:
    page = _text(client_for(supervisor).get(reverse("identify:my_instruments")))
    assert "same engine as the shipped library" in page
    assert "keeps the exact version it was scored with" in page
    assert "raise the version field" in page
    assert "screenings made with it stay attached to it" in page
    assert reverse("identify:instrument_schema") in page
    assert 'enctype="multipart/form-data"' in page
    assert "No instrument of your own yet" in page  # the empty state


def test_a_broken_instrument_lists_every_problem_with_its_path_and_stores_nothing(
    supervisor: Actor, client_for: ClientFor
) -> None:
    text = instrument_text("street_outreach_screen", "1.0.0")
    text = text.replace("population: adult", "population: martians", 1)
    text = text.replace("mode: interview", "mode: telepathy", 1)
    client = client_for(supervisor)
    audit_before = AuditEntry.objects.count()

    response = _upload(client, _yaml(text, "broken.yaml"))

    assert response.status_code == 200
    page = _text(response)
    assert 'class="error-summary"' in page
    assert "broken.yaml is not a valid instrument, so nothing was stored" in page
    assert "<code>population</code>: &#x27;martians&#x27; is not one of" in page
    assert "<code>mode</code>: &#x27;telepathy&#x27; is not one of" in page
    assert "2 problems, listed above" in page
    assert not InstrumentSource.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_yaml_syntax_error_is_located(supervisor: Actor, client_for: ClientFor) -> None:
    response = _upload(client_for(supervisor), _yaml("id: x\nversion: [1.0\n", "syntax.yaml"))
    page = _text(response)
    assert "<code>(yaml)</code>: line" in page
    assert not InstrumentSource.objects.exists()


def test_the_same_version_cannot_be_uploaded_twice(supervisor: Actor, client_for: ClientFor) -> None:
    client = client_for(supervisor)
    assert _upload(client, instrument_file("street_outreach_screen", "1.0.0")).status_code == 302
    changed = instrument_text("street_outreach_screen", "1.0.0").replace("Quick youth screen", "Youth screen")

    response = _upload(client, _yaml(changed))

    assert response.status_code == 200
    assert "<code>version</code>: version 1.0.0 of &#x27;street_outreach_screen&#x27; exists" in _text(
        response
    )
    assert InstrumentSource.objects.filter(instrument_id="street_outreach_screen").count() == 1
    # Raising the version is the way to change it.
    assert _upload(client, _yaml(changed.replace('version: "1.0.0"', 'version: "1.1.0"'))).status_code == 302
    assert InstrumentSource.objects.filter(instrument_id="street_outreach_screen").count() == 2


def test_a_shipped_id_is_refused(supervisor: Actor, client_for: ClientFor) -> None:
    response = _upload(client_for(supervisor), instrument_file("quick_youth_indicators", "9.0.0"))
    assert response.status_code == 200
    assert "<code>id</code>: &#x27;quick_youth_indicators&#x27; is a shipped instrument" in _text(response)
    assert not InstrumentSource.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(supervisor: Actor, client_for: ClientFor) -> None:
    raw = instrument_text("street_outreach_screen", "1.0.0").encode("latin-1", "replace")
    assert "é".encode("latin-1") in raw  # the French and Spanish texts, in Latin-1
    response = _upload(client_for(supervisor), SimpleUploadedFile("latin1.yaml", raw))
    assert response.status_code == 200
    page = _text(response)
    assert "This file is not UTF-8 text" in page
    assert "Save it again as UTF-8" in page
    assert not InstrumentSource.objects.exists()


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(supervisor: Actor, client_for: ClientFor) -> None:
    raw = b"\xef\xbb\xbf" + instrument_text("street_outreach_screen", "1.0.0").encode("utf-8")
    response = _upload(client_for(supervisor), SimpleUploadedFile("bom.yaml", raw))
    assert response.status_code == 302
    assert not InstrumentSource.objects.get().text.startswith("\ufeff")


def test_a_file_over_512_kb_is_refused(supervisor: Actor, client_for: ClientFor) -> None:
    text = instrument_text("street_outreach_screen", "1.0.0")
    text += "# padding\n" * (MAX_INSTRUMENT_BYTES // 10)
    assert len(text.encode()) > MAX_INSTRUMENT_BYTES
    response = _upload(client_for(supervisor), _yaml(text, "big.yaml"))
    assert response.status_code == 200
    page = _text(response)
    assert "an instrument file may be at most 512.0\xa0KB" in page
    assert not InstrumentSource.objects.exists()


def test_only_yaml_files_are_accepted(supervisor: Actor, client_for: ClientFor) -> None:
    upload = _yaml(instrument_text("street_outreach_screen", "1.0.0"), "instrument.txt")
    response = _upload(client_for(supervisor), upload)
    assert "Choose a .yaml or .yml file" in _text(response)
    assert not InstrumentSource.objects.exists()
    response = _upload(client_for(supervisor), SimpleUploadedFile("empty.yaml", b""))
    assert "The submitted file is empty" in _text(response)


def test_yaml_aliases_are_refused_before_they_expand(supervisor: Actor, client_for: ClientFor) -> None:
    """Nested aliases describe billions of values in a few hundred bytes; the schema check would write them all
    into its messages. The engine's loader refuses them, with the line."""
    lines = ['  - &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  - &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "id: laughs\nversion: '1.0'\nitems:\n" + "\n".join(lines) + "\n"
    response = _upload(client_for(supervisor), _yaml(text, "laughs.yaml"))
    assert response.status_code == 200
    assert "line 4, column 5: anchors and aliases (&amp; and *) are not allowed" in _text(response)
    assert not InstrumentSource.objects.exists()


def test_absurd_nesting_is_refused_instead_of_crashing(supervisor: Actor, client_for: ClientFor) -> None:
    text = "id: deep\nitems: " + "[" * 5000 + "]" * 5000 + "\n"
    response = _upload(client_for(supervisor), _yaml(text, "deep.yaml"))
    assert response.status_code == 200
    assert "nested more than 40 levels deep" in _text(response)


def test_retire_keeps_the_version_and_stops_offering_it(supervisor: Actor, client_for: ClientFor) -> None:
    client = client_for(supervisor)
    _upload(client, instrument_file("street_outreach_screen", "1.0.0"))
    _upload(client, instrument_file("street_outreach_screen", "1.1.0"))
    old, new = InstrumentSource.objects.order_by("created_at", "pk")
    page = _text(client.get(reverse("identify:my_instruments")))
    assert "Active, replaced by a newer version" in page
    newest, older = '<td data-label="Version">1.1.0</td>', '<td data-label="Version">1.0.0</td>'
    assert page.index(newest) < page.index(older)  # newest first

    response = client.post(reverse("identify:retire_instrument", args=[new.pk]))

    assert response.status_code == 302
    new.refresh_from_db()
    assert new.retired_at is not None
    assert _audit(Action.UPDATE, new, "identify.instrumentsource")
    offered = {entry.uploaded.pk for entry in access.instruments(supervisor) if entry.uploaded}
    assert offered == {old.pk}  # the previous version is offered again
    page = _text(client.get(reverse("identify:my_instruments")))
    assert "Retired on" in page
    assert "the screenings made with it keep it" in page
    # Retiring twice changes nothing.
    retired_at = new.retired_at
    page = _text(client.post(reverse("identify:retire_instrument", args=[new.pk]), follow=True))
    assert "was already retired" in page
    new.refresh_from_db()
    assert new.retired_at == retired_at


def test_retire_is_post_only(supervisor: Actor, client_for: ClientFor) -> None:
    source = services.upload_instrument(supervisor, instrument_text("street_outreach_screen", "1.0.0"))
    response = client_for(supervisor).get(reverse("identify:retire_instrument", args=[source.pk]))
    assert response.status_code == 405
    source.refresh_from_db()
    assert source.retired_at is None


def test_download_the_yaml_of_a_version(supervisor: Actor, client_for: ClientFor) -> None:
    text = instrument_text("street_outreach_screen", "1.0.0")
    source = services.upload_instrument(supervisor, text)
    response = client_for(supervisor).get(reverse("identify:instrument_source", args=[source.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="street_outreach_screen-1.0.0.yaml"'
    assert response.content.decode("utf-8") == text


def test_shipped_snapshots_are_not_an_organisations_versions(
    supervisor: Actor, client_for: ClientFor
) -> None:
    from threefold.identify import catalogue

    shipped = catalogue.source_for(catalogue.shipped()[0])  # copied in by a first screening: no organisation
    response = client_for(supervisor).get(reverse("identify:instrument_source", args=[shipped.pk]))
    assert response.status_code == 404


def test_the_schema_is_served_as_json(
    org: Organisation, make_member: MakeMember, client_for: ClientFor
) -> None:
    response = client_for(make_member(org, Role.SCREENER)).get(reverse("identify:instrument_schema"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["title"] == "Threefold screening instrument"


# ---------------------------------------------------------------------------------------------------------------
# Referral directory


@pytest.fixture
def admin(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ORG_ADMIN)


@pytest.fixture
def other_admin(other_org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(other_org, Role.ORG_ADMIN)


def _add(client: Client, **changes: Any) -> Any:
    return client.post(reverse("identify:directory_add"), form_data(entry_values(**changes)))


def test_add_an_entry_audited_and_listed_with_every_detail(admin: Actor, client_for: ClientFor) -> None:
    client = client_for(admin)
    form = _text(client.get(reverse("identify:directory_add")))
    assert 'value="FR"' in form  # the organisation's country is proposed

    response = _add(client, country="fr", region="Île-de-France")

    assert response.status_code == 302
    assert response["Location"] == reverse("identify:directory") + "?country=FR"
    entry = DirectoryEntry.objects.get()
    assert entry.country == "FR"
    assert entry.organisation_id == admin.organisation_id
    assert entry.updated_by == admin.user
    assert _audit(Action.CREATE, entry, "identify.directoryentry")

    page = _text(client.get(response["Location"]))
    assert "added to the directory" in page
    assert 'href="tel:+33140000001"' in page
    assert "Call +33 1 40 00 00 01" in page
    assert 'href="mailto:ecoute@hotline.example.org"' in page
    assert 'href="https://hotline.example.org/"' in page
    assert "24/7" in page
    assert "fr, en, ar" in page
    assert "Urgent situations" in page
    assert "Serves children" in page
    assert "Île-de-France" in page
    assert "Home NGO" in page  # who keeps it
    assert reverse("identify:directory_edit", args=[entry.pk]) in page
    assert verify_stored_chain().ok


@pytest.mark.parametrize("country", ["France", "F", "12", "F1", ""])
def test_the_country_must_be_a_two_letter_code(admin: Actor, client_for: ClientFor, country: str) -> None:
    response = _add(client_for(admin), country=country)
    assert response.status_code == 200
    page = _text(response)
    assert 'class="error-summary"' in page
    assert "two-letter ISO 3166 code" in page or "This field is required" in page
    assert not DirectoryEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call Maria", "Enter a phone number with digits"),
        ("website", "javascript:alert(1)", "Enter a valid URL"),
        ("email", "not-an-address", "Enter a valid email address"),
    ],
)
def test_contact_details_are_checked(
    admin: Actor, client_for: ClientFor, field: str, value: str, message: str
) -> None:
    response = _add(client_for(admin), **{field: value})
    assert response.status_code == 200
    assert message in _text(response)
    assert not DirectoryEntry.objects.exists()


def test_a_hostile_name_is_shown_escaped(
    admin: Actor, other_org: Organisation, make_member: MakeMember, client_for: ClientFor
) -> None:
    hostile = '<script>alert("x")</script>'
    assert _add(client_for(admin), name=hostile, notes=f"{hostile}\nsecond line").status_code == 302
    # Everybody reads the directory: check the page of a member of another organisation too.
    for reader in (admin, make_member(other_org, Role.SCREENER)):
        page = _text(client_for(reader).get(reverse("identify:directory")))
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "<script>alert(" not in page
        assert "&lt;/script&gt;<br>second line" in page
    pk = DirectoryEntry.objects.get().pk
    for view in ("identify:directory_edit", "identify:directory_delete"):
        page = _text(client_for(admin).get(reverse(view, args=[pk])))
        assert "&lt;script&gt;" in page
        assert "<script>alert(" not in page


def test_an_outsider_reads_our_entries_but_cannot_change_them(
    admin: Actor, other_admin: Actor, client_for: ClientFor
) -> None:
    entry = services.save_directory_entry(admin, entry_values())
    client = client_for(other_admin)

    page = _text(client.get(reverse("identify:directory")))
    assert entry.name in page  # shared on purpose
    assert reverse("identify:directory_edit", args=[entry.pk]) not in page
    assert reverse("identify:directory_delete", args=[entry.pk]) not in page
    assert admin.user.email not in page

    edit = reverse("identify:directory_edit", args=[entry.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(entry_values(name="Hijacked"))).status_code == 404
    delete = reverse("identify:directory_delete", args=[entry.pk])
    assert client.get(delete).status_code == 404
    assert client.post(delete).status_code == 404
    entry.refresh_from_db()
    assert entry.name != "Hijacked"
    assert not AuditEntry.objects.filter(
        action__in=[Action.UPDATE, Action.DELETE], object_id=str(entry.pk)
    ).exists()


def test_edit_saves_only_what_changed_and_is_audited(admin: Actor, client_for: ClientFor) -> None:
    entry = services.save_directory_entry(admin, entry_values())
    client = client_for(admin)
    url = reverse("identify:directory_edit", args=[entry.pk])
    assert 'value="+33 1 40 00 00 01"' in _text(client.get(url))

    response = client.post(url, form_data(entry_values(hours="Mon-Fri 9:00-17:00", urgent=False)))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == "Mon-Fri 9:00-17:00"
    assert entry.urgent is False
    update = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(entry.pk))
    assert update.details["fields"] == ["hours", "urgent"]

    unchanged = client.post(
        url, form_data(entry_values(hours="Mon-Fri 9:00-17:00", urgent=False)), follow=True
    )
    assert "Nothing was changed" in _text(unchanged)
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(entry.pk)).count() == 1


def test_edit_with_a_bad_country_keeps_the_entry(admin: Actor, client_for: ClientFor) -> None:
    entry = services.save_directory_entry(admin, entry_values())
    url = reverse("identify:directory_edit", args=[entry.pk])
    response = client_for(admin).post(url, form_data(entry_values(country="Mexico")))
    assert response.status_code == 200
    assert "two-letter ISO 3166 code" in _text(response)
    entry.refresh_from_db()
    assert entry.country == "FR"


def test_delete_asks_first_then_deletes_and_audits(admin: Actor, client_for: ClientFor) -> None:
    entry = services.save_directory_entry(admin, entry_values())
    pk = entry.pk
    client = client_for(admin)
    url = reverse("identify:directory_delete", args=[pk])
    confirm = _text(client.get(url))
    assert "Delete the entry" in confirm
    assert DirectoryEntry.objects.filter(pk=pk).exists()

    response = client.post(url, follow=True)

    assert "deleted from the directory" in _text(response)
    assert not DirectoryEntry.objects.filter(pk=pk).exists()
    assert _audit(Action.DELETE, pk, "identify.directoryentry")


def test_only_admins_change_the_directory(
    admin: Actor, org: Organisation, make_member: MakeMember, client_for: ClientFor
) -> None:
    entry = services.save_directory_entry(admin, entry_values())
    supervisor = client_for(make_member(org, Role.SUPERVISOR))
    page = _text(supervisor.get(reverse("identify:directory")))
    assert entry.name in page
    assert reverse("identify:directory_add") not in page
    assert reverse("identify:directory_edit", args=[entry.pk]) not in page
    assert supervisor.get(reverse("identify:directory_add")).status_code == 403
    assert supervisor.post(reverse("identify:directory_edit", args=[entry.pk]), {}).status_code == 404


@pytest.fixture
def directory_world(admin: Actor, other_admin: Actor) -> dict[str, DirectoryEntry]:
    return {
        "national": services.save_directory_entry(admin, entry_values(name="Ligne nationale 3919")),
        "paris": services.save_directory_entry(
            admin, entry_values(name="Foyer Paris", kind="shelter", region="Île-de-France", urgent=False)
        ),
        "lyon": services.save_directory_entry(
            admin, entry_values(name="Police Lyon", kind="police", region="Auvergne-Rhône-Alpes")
        ),
        "mexico": services.save_directory_entry(
            other_admin,
            entry_values(name="Albergue Esperanza", kind="shelter", country="MX", region="Jalisco"),
        ),
    }


def _listed(client: Client, **params: str) -> set[str]:
    page = _text(client.get(reverse("identify:directory"), params))
    names = {"Ligne nationale 3919", "Foyer Paris", "Police Lyon", "Albergue Esperanza"}
    return {name for name in names if name in page}


@pytest.mark.usefixtures("directory_world")
def test_filters(org: Organisation, make_member: MakeMember, client_for: ClientFor) -> None:
    client = client_for(make_member(org, Role.SCREENER))
    everything = {"Ligne nationale 3919", "Foyer Paris", "Police Lyon", "Albergue Esperanza"}
    assert _listed(client) == everything
    assert _listed(client, country="FR") == everything - {"Albergue Esperanza"}
    assert _listed(client, country="mx") == {"Albergue Esperanza"}
    # A region lists its own services and those that serve the whole country.
    assert _listed(client, country="FR", region="île-de-france") == {"Ligne nationale 3919", "Foyer Paris"}
    assert _listed(client, kind="shelter") == {"Foyer Paris", "Albergue Esperanza"}
    assert _listed(client, country="FR", kind="police") == {"Police Lyon"}
    page = _text(client.get(reverse("identify:directory"), {"country": "NG"}))
    assert "No entry matches these filters" in page
    assert "Clear filters" in page
    # A filter that is not a country or a kind is reported, not applied silently.
    page = _text(client.get(reverse("identify:directory"), {"kind": "spaceport"}))
    assert 'class="error-summary"' in page


def test_empty_directory_tells_an_admin_how_to_add_the_first_entry(
    admin: Actor, org: Organisation, make_member: MakeMember, client_for: ClientFor
) -> None:
    page = _text(client_for(admin).get(reverse("identify:directory")))
    assert "The directory is empty" in page
    assert "Add the first entry" in page
    assert reverse("identify:directory_add") in page
    page = _text(client_for(make_member(org, Role.CASEWORKER)).get(reverse("identify:directory")))
    assert "The directory is empty" in page
    assert "Ask your organisation's admin" in page
    assert reverse("identify:directory_add") not in page


def test_a_member_without_an_organisation_sees_no_directory(admin: Actor, client_for: ClientFor) -> None:
    services.save_directory_entry(admin, entry_values())
    loner = User.objects.create_user("loner@example.org", "x-" * 10)
    response = client_for(loner).get(reverse("identify:directory"))
    assert response.status_code == 403
    assert "Ligne" not in _text(response)
