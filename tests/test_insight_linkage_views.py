"""The record linkage pages (threefold/insight/linkage_views.py): a new secret shown once with its key check, a
pasted secret checked, every refusal of an imported file named in plain words with nothing kept, a run's page
with its diagram, table and notes, the CSV in the layout of ``manage.py mse``, an estimate started from a run,
and the link from the statistics home."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.insight import linkage_access, linkage_services, linkage_views
from threefold.insight.core.pprl import LinkageKey, read_encodings, write_encodings
from threefold.insight.linkage_records import SCHEMA
from threefold.insight.models import EncodingSet, Estimate, EstimateStatus, LinkageRun
from threefold.protect import services as protect_services
from threefold.protect.identity import Identity

SECRET = bytes(range(32))
DOB = dt.date


def text_of(response: Any) -> str:
    return unescape(response.content.decode(errors="replace"))


def consenting(org: Organisation, make_member: MakeMember, *identities: Identity) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    for identity in identities:
        person = protect_services.create_person(caseworker, identity)
        consent_services.record_consent(
            caseworker, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
        )


@pytest.fixture
def analyst(org: Organisation, make_member: MakeMember) -> Actor:
    consenting(
        org,
        make_member,
        Identity("Ольга", "Петрова", date_of_birth=DOB(1990, 4, 2)),
        Identity("Amina", "Diallo", date_of_birth=DOB(1987, 1, 15)),
    )
    return make_member(org, Role.ANALYST)


@pytest.fixture
def client(analyst: Actor) -> Client:
    return login(Client(), analyst)


def their_file(other_org: Organisation, make_member: MakeMember, run: Any, secret: bytes = SECRET) -> bytes:
    consenting(
        other_org,
        make_member,
        Identity("Olga", "Petrova", date_of_birth=DOB(1990, 4, 2)),
        Identity("Carmen", "Ruiz", date_of_birth=DOB(2001, 6, 9)),
    )
    other = make_member(other_org, Role.ANALYST)
    with run(execute=True):
        made = linkage_services.make_encodings(other, label="Casa", secret=secret)
    made.refresh_from_db()
    return linkage_access.export_file(other, made)


def upload(client: Client, data: bytes, secret: str = SECRET.hex(), label: str = "From Casa") -> Any:
    return client.post(
        reverse("insight:linkage_import"),
        {"label": label, "file": SimpleUploadedFile("casa.tfenc", data), "secret": secret},
    )


@pytest.mark.django_db
def test_a_new_secret_is_shown_once_with_its_key_check(
    client: Client, analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:linkage_make"), {"label": "For Casa", "secret_choice": "new", "valid_days": "30"}
        )
    assert response.status_code == 200
    page = text_of(response)
    found = EncodingSet.objects.get(label="For Casa")
    secret = page.split('id="new-secret"')[1].split(">", 1)[1].split("</textarea>")[0]
    assert len(secret) == 43
    assert LinkageKey(linkage_services.parse_secret(secret)).key_check == found.key_check
    assert found.key_check_short in page
    assert "Waiting to start." in page  # the worker runs once the request's transaction commits
    assert "no-store" in response["Cache-Control"]
    again = text_of(client.get(reverse("insight:encoding_set", args=[found.pk])))
    assert "2 people encoded" in again
    assert "0 people were left out" in again
    assert secret not in again  # shown once only
    assert "Your new linkage secret" not in again


@pytest.mark.django_db
def test_a_pasted_secret_is_checked_and_a_used_name_refused(client: Client, analyst: Actor) -> None:
    url = reverse("insight:linkage_make")
    form = {"label": "For Casa", "secret_choice": "given", "secret": "abc", "valid_days": "30"}
    response = client.post(url, form)
    assert response.status_code == 400
    assert "This secret is too short" in text_of(response)
    response = client.post(url, {**form, "secret": SECRET.hex(), "valid_days": "91"})
    assert "Give a number of days from 1 to 90." in text_of(response)
    assert not EncodingSet.objects.exists()
    response = client.post(url, {**form, "secret": SECRET.hex()})
    assert response.status_code == 302
    response = client.post(url, {**form, "secret": SECRET.hex()})
    assert "already has an encoding set named “For Casa”" in text_of(response)
    assert client.post(url, {**form, "label": "Count"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda data: data[:-10], "The file is incomplete"),
        (lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:], "failed its integrity check"),
        (lambda data: b"Police,NGO,count\n1,0,3\n", "This is not a Threefold encoding file"),
    ],
)
def test_every_refusal_of_a_file_is_named_and_nothing_is_kept(
    client: Client,
    other_org: Organisation,
    make_member: MakeMember,
    django_capture_on_commit_callbacks: Any,
    spoil: Any,
    message: str,
) -> None:
    data = their_file(other_org, make_member, django_capture_on_commit_callbacks)
    response = upload(client, spoil(data))
    assert response.status_code == 400
    assert message in text_of(response)
    assert not EncodingSet.objects.filter(label="From Casa").exists()


@pytest.mark.django_db
def test_a_file_made_with_another_secret_or_expired_is_refused(
    client: Client, other_org: Organisation, make_member: MakeMember, django_capture_on_commit_callbacks: Any
) -> None:
    data = their_file(other_org, make_member, django_capture_on_commit_callbacks)
    other = bytes(range(2, 34))
    response = upload(client, data, secret=other.hex())
    page = text_of(response)
    assert "made with a different linkage secret" in page
    check = LinkageKey(other).key_check
    assert f"{check[:4]} {check[4:8]}" in page  # the key check of the secret given, to compare by telephone
    key = LinkageKey(SECRET)
    expired = write_encodings(
        read_encodings(data, SCHEMA, key).encodings,
        SCHEMA,
        key,
        created=dt.datetime.now(dt.UTC) - dt.timedelta(days=10),
        valid_for=dt.timedelta(days=1),
    )
    assert "The file has expired" in text_of(upload(client, expired))
    assert "not a linkage secret" in text_of(upload(client, data, secret="!!!!"))
    assert not EncodingSet.objects.filter(label="From Casa").exists()


@pytest.mark.django_db
def test_a_file_too_large_is_refused_before_it_is_read(
    client: Client, monkeypatch: pytest.MonkeyPatch, analyst: Actor
) -> None:
    monkeypatch.setattr(linkage_views, "MAX_UPLOAD", 1000)
    response = upload(client, b"TF-PPRL\n" + b"\0" * 5000)
    assert response.status_code == 400
    assert "The file is larger than 1000" in text_of(response)
    assert not EncodingSet.objects.exists()


@pytest.fixture
def finished_run(
    client: Client,
    analyst: Actor,
    other_org: Organisation,
    make_member: MakeMember,
    django_capture_on_commit_callbacks: Any,
) -> LinkageRun:
    data = their_file(other_org, make_member, django_capture_on_commit_callbacks)
    assert upload(client, data).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                reverse("insight:linkage_make"),
                {
                    "label": "Safe Harbour",
                    "secret_choice": "given",
                    "secret": SECRET.hex(),
                    "valid_days": "7",
                },
            ).status_code
            == 302
        )
    ours = EncodingSet.objects.filter(organisation_id=analyst.org_id).order_by("label")
    sets = [str(pk) for pk in ours.values_list("pk", flat=True)]
    response = client.get(reverse("insight:linkage_run_new"))
    assert "key check" in text_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insight:linkage_run_new"), {"name": "Two shelters", "sets": sets, "threshold": "0.75"}
        )
    assert response.status_code == 302
    run = LinkageRun.objects.get()
    assert run.status == EstimateStatus.DONE
    return run


@pytest.mark.django_db
def test_a_run_page_shows_the_overlap_in_words_a_diagram_and_a_table(
    client: Client, finished_run: LinkageRun
) -> None:
    page = text_of(client.get(reverse("insight:linkage_run", args=[finished_run.pk])))
    assert finished_run.lists == ["Safe Harbour", "From Casa"]  # own sets first
    assert "1 person is on both lists; only on Safe Harbour: 1; only on From Casa: 1." in page
    assert 'role="img"' in page
    assert "<circle" in page
    assert "On both lists" in page
    assert "Only on Safe Harbour" in page
    assert "Expected error" in page
    assert "Dice threshold 0.75" in page
    assert "Estimate the hidden number from this overlap" in page


@pytest.mark.django_db
def test_the_csv_is_the_mse_layout(client: Client, finished_run: LinkageRun) -> None:
    response = client.get(reverse("insight:linkage_run_download", args=[finished_run.pk]))
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Safe Harbour", "From Casa", "count"], ["0", "1", "1"], ["1", "0", "1"], ["1", "1", "1"]]


@pytest.mark.django_db
def test_an_estimate_starts_from_the_run(
    client: Client, finished_run: LinkageRun, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("insight:linkage_run_estimate", args=[finished_run.pk]))
    made = Estimate.objects.get()
    assert response["Location"] == reverse("insight:estimate", args=[made.pk])
    assert (made.name, made.lists) == ("Two shelters", ["Safe Harbour", "From Casa"])


@pytest.mark.django_db
def test_the_statistics_home_links_to_linkage_and_a_supervisor_sees_runs_only(
    client: Client, finished_run: LinkageRun, org: Organisation, make_member: MakeMember
) -> None:
    home = text_of(client.get(reverse("insight:home")))
    assert reverse("insight:linkage") in home
    supervisor = login(Client(), make_member(org, Role.SUPERVISOR))
    page = text_of(supervisor.get(reverse("insight:linkage")))
    assert "Two shelters" in page
    assert "Safe Harbour" in page  # a run's lists are named in the runs table
    assert reverse("insight:linkage_make") not in page
    assert supervisor.get(reverse("insight:linkage_make")).status_code == 403


@pytest.mark.django_db
def test_a_stale_set_is_not_exported_and_the_page_says_why(
    client: Client, analyst: Actor, org: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        linkage_services.make_encodings(analyst, label="For Casa", secret=SECRET)
    found = EncodingSet.objects.get()
    from threefold.consent.models import Consent

    consent = Consent.objects.filter(organisation=org).first()
    assert consent is not None
    Consent.objects.filter(pk=consent.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=consent.recorded_by, withdrawal_recorded_at=timezone.now()
    )
    response = client.post(reverse("insight:encoding_set_export", args=[found.pk]))
    assert response.status_code == 409
    assert "1 person in this set has since been erased" in text_of(response)


@pytest.mark.django_db
def test_the_export_is_a_file_download(
    client: Client, analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        linkage_services.make_encodings(analyst, label="For Casa", secret=SECRET)
    found = EncodingSet.objects.get()
    response = client.post(reverse("insight:encoding_set_export", args=[found.pk]))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="threefold-encodings-{found.reference}.tfenc"'
    )
    assert len(read_encodings(response.content, SCHEMA, LinkageKey(SECRET)).encodings) == 2


def test_four_lists_are_drawn_as_bars_of_the_combinations_that_have_people() -> None:
    run = LinkageRun(
        name="Four",
        lists=["A", "B", "C", "D"],
        set_ids=[1, 2, 3, 4],
        threshold=0.75,
        status=EstimateStatus.DONE,
        result={
            "histories": [
                [*flags, count] for flags, count in [((1, 0, 0, 0), 5), ((1, 1, 0, 1), 2), ((0, 0, 1, 1), 0)]
            ],
            "people": 7,
            "records": [7, 2, 0, 2],
        },
    )
    found = linkage_views.combinations(run)
    assert [c.text for c in found][:2] == ["On A, B and D", "On C and D"]
    svg = linkage_views.diagram(run, found)
    assert "<circle" not in svg
    assert "On A, B and D" in svg
    assert "Only on A" in svg
    assert "On C and D" not in svg  # nobody: no bar
    assert linkage_views.summary(run, found) == (
        "7 different people across the 4 lists, of whom 2 are on more than one list."
    )


@pytest.mark.django_db
def test_the_pages_follow_the_work_until_it_is_done(
    client: Client, analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("insight:linkage_make"),
            {"label": "For Casa", "secret_choice": "given", "secret": SECRET.hex(), "valid_days": "30"},
        )
    found = EncodingSet.objects.get()
    progress = reverse("insight:encoding_set_progress", args=[found.pk])
    page = text_of(client.get(response["Location"]))
    assert f'hx-get="{progress}"' in page
    assert "Waiting to start." in page
    for callback in queued:
        callback()
    done = client.get(progress, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "The encodings are ready." in text_of(done)
    assert "hx-get" not in text_of(done)  # nothing polls any more


@pytest.mark.django_db
def test_the_page_showing_a_new_secret_is_never_reloaded(
    client: Client, analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    # That page is the answer to the form (the secret is never stored): reloading it would post the form again,
    # refused as a duplicate name, and the secret would be gone before anyone copied it.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("insight:linkage_make"), {"label": "For Casa", "secret_choice": "new", "valid_days": "30"}
        )
    found = EncodingSet.objects.get()
    progress = reverse("insight:encoding_set_progress", args=[found.pk])
    assert response.status_code == 200
    assert f'hx-get="{progress}?secret_shown=1"' in text_of(response)
    for callback in queued:
        callback()
    done = client.get(progress + "?secret_shown=1", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in done
    assert "Copy the secret above before you leave this page" in text_of(done)
