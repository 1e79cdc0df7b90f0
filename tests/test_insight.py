"""Insight's services and access layer: who may import, read, release from and budget a dataset; statistics of
the organisation's own cases only with a statistics consent in force; and the stored frame's round trip."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.disclosure import CannotProtectError
from threefold.insight import access, services
from threefold.insight.core import crosstab, output, privacy
from threefold.insight.core.ctdc import SURE_2018_COLUMNS
from threefold.insight.core.frame import MISSING, Frame, FrameError
from threefold.insight.core.htcds_records import CTDC_COLUMNS
from threefold.insight.models import Dataset, Release
from threefold.protect import case_services
from threefold.protect.models import Case, Person

MakePerson = Callable[..., Person]

HEADER = ",".join(SURE_2018_COLUMNS) + "\n"


def victim(**values: str) -> str:
    values = {"yearOfRegistration": "2016", "Datasource": "Hotline", "citizenship": "PH"} | values
    fields = [values.pop(name, "") for name in SURE_2018_COLUMNS]
    assert not values, f"not columns: {values}"
    return ",".join(fields) + "\n"


LINES = [HEADER] + [victim(gender="Female")] * 12 + [victim(gender="Male")] * 3 + [victim()] * 11


def import_lines(organisation: Organisation, name: str = "Synthetic", actor: Actor | None = None) -> Dataset:
    importer = services.Importer(organisation, actor=actor, system_label="" if actor else "system:test")
    content = "".join(LINES).encode()
    dataset, _ = services.import_ctdc(
        importer, LINES, name=name, file_name="victims.csv", file_sha256=services.sha256_of(content)
    )
    return dataset


@pytest.fixture
def dataset(org: Organisation) -> Dataset:
    return import_lines(org)


def spend(actor: Actor, dataset: Dataset, epsilon: float) -> Release:
    frame = access.frame_of(dataset)
    values = frame.column("gender").values()
    categories = ["Female", "Male"]
    return services.release(
        actor,
        dataset,
        kind="histogram",
        field="gender",
        epsilon=epsilon,
        make=lambda: privacy.release_histogram(values, categories, epsilon),
        query={"by": ["gender"]},
    )


# --- importing through the service ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_import_needs_the_role_and_records_who_imported(
    org: Organisation, make_member: MakeMember
) -> None:
    with pytest.raises(PermissionDenied):
        import_lines(org, actor=make_member(org, Role.SCREENER))
    with pytest.raises(PermissionDenied):
        import_lines(org, actor=make_member(org, Role.CASEWORKER))
    assert not Dataset.objects.exists()

    analyst = make_member(org, Role.ANALYST)
    dataset = import_lines(org, actor=analyst)

    assert dataset.imported_by == analyst.user
    assert (dataset.row_count, dataset.layout) == (26, "2018")
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="insight.dataset")
    assert (entry.actor_id, entry.organisation_id) == (analyst.user.pk, org.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_dataset_needs_a_name_of_at_most_120_characters(org: Organisation, name: str) -> None:
    with pytest.raises(ValueError, match="at most 120 characters"):
        import_lines(org, name=name)
    assert not Dataset.objects.exists()


# --- the budget --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_organisation_admin_sets_the_budget(
    dataset: Dataset, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    for outsider in (
        make_member(org, Role.ANALYST),
        make_member(org, Role.SUPERVISOR),
        make_member(other_org, Role.ORG_ADMIN),
    ):
        with pytest.raises(PermissionDenied):
            services.set_budget(outsider, dataset, epsilon=5.0)
    dataset.refresh_from_db()
    assert dataset.epsilon_budget == 1.0

    admin = make_member(org, Role.ORG_ADMIN)
    services.set_budget(admin, dataset, epsilon=2.5, delta=1e-6)

    dataset.refresh_from_db()
    assert (dataset.epsilon_budget, dataset.delta_budget) == (2.5, 1e-6)
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="insight.dataset")
    assert entry.actor_id == admin.user.pk
    assert entry.details == {"epsilon_budget": 2.5, "delta_budget": 1e-6}


@pytest.mark.django_db
def test_the_budget_cannot_go_below_what_was_spent(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    admin, analyst = make_member(org, Role.ORG_ADMIN), make_member(org, Role.ANALYST)
    spend(analyst, dataset, 0.6)
    assert services.spent_of(dataset) == privacy.Spent(0.6, 0.0, 1)

    with pytest.raises(ValueError, match=r"already spent ε = 0\.60"):
        services.set_budget(admin, dataset, epsilon=0.5)
    dataset.refresh_from_db()
    assert dataset.epsilon_budget == 1.0
    assert not AuditEntry.objects.filter(action=Action.UPDATE, object_type="insight.dataset").exists()

    services.set_budget(admin, dataset, epsilon=0.6)  # exactly what was spent: nothing more can be released
    with pytest.raises(privacy.BudgetExceededError):
        spend(analyst, dataset, 0.1)
    assert Release.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("epsilon", "message"),
    [(-1.0, "positive ε"), (0.0, "positive ε"), (math.nan, "positive ε"), (math.inf, "positive ε")],
)
def test_an_impossible_budget_is_refused(
    dataset: Dataset, org: Organisation, make_member: MakeMember, epsilon: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        services.set_budget(make_member(org, Role.ORG_ADMIN), dataset, epsilon=epsilon)
    dataset.refresh_from_db()
    assert dataset.epsilon_budget == 1.0


@pytest.mark.django_db
def test_a_release_is_for_an_analyst_of_the_organisation_within_the_budget(
    dataset: Dataset, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    for refused in (make_member(org, Role.SUPERVISOR), make_member(other_org, Role.ANALYST)):
        with pytest.raises(PermissionDenied):
            spend(refused, dataset, 0.5)
    analyst = make_member(org, Role.ANALYST)

    row = spend(analyst, dataset, 0.5)
    spend(analyst, dataset, 0.5)
    with pytest.raises(privacy.BudgetExceededError):
        spend(analyst, dataset, 0.5)

    assert Release.objects.count() == 2
    assert row.result["scale"] > 0
    assert set(row.result["values"]) == {"Female", "Male", privacy.OTHER}
    assert access.ledger(analyst, dataset)[0].released_by == analyst.user
    with pytest.raises(Http404):
        access.ledger(make_member(other_org, Role.ANALYST), dataset)


# --- reading datasets ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dataset_is_read_only_within_its_organisation_and_role(
    dataset: Dataset, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    theirs = import_lines(other_org)
    analyst = make_member(org, Role.ANALYST)

    assert access.dataset(analyst, dataset.pk) == dataset
    assert access.dataset(analyst, str(dataset.pk)) == dataset
    assert access.dataset(make_member(org, Role.SUPERVISOR), dataset.pk) == dataset
    assert [found.pk for found in access.datasets(analyst)] == [dataset.pk]
    for pk in (theirs.pk, str(theirs.pk), 999_999, "abc", f"{dataset.pk} "):
        with pytest.raises(Http404):
            access.dataset(analyst, pk)
    for role in (Role.SCREENER, Role.CASEWORKER, Role.LEGAL_OFFICER):
        member = make_member(org, role)
        with pytest.raises(PermissionDenied):
            access.dataset(member, dataset.pk)
        with pytest.raises(PermissionDenied):
            access.datasets(member)


@pytest.mark.django_db
def test_a_protected_table_for_a_member_is_audited_under_their_name(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    frame = access.frame_of(dataset)
    with pytest.raises(PermissionDenied):
        access.protected_table(make_member(org, Role.SCREENER), frame, ["gender"], source=str(dataset.pk))

    # Female 12, Male 3, unknown 11: the total, 26, is public (the dataset's page shows it). Hiding 11 or 12 beside
    # the 3, or both, still pins the 3 between 1 and 4: the table is refused rather than published. (It used to
    # be published with its total hidden, which another table's total gave away.)
    with pytest.raises(CannotProtectError):
        access.protected_table(analyst, frame, ["gender"], source=str(dataset.pk))
    published = access.protected_table(analyst, frame, ["citizenship"], source=str(dataset.pk))

    rows = {row["citizenship"]: (row["count"], row["status"]) for row in output.published_rows(published)}
    assert rows["PH"] == (26, "shown")
    assert (
        AuditEntry.objects.filter(action=Action.VIEW, object_type="insight.table").count() == 1
    )  # not refused
    entry = AuditEntry.objects.get(action=Action.VIEW, object_type="insight.table")
    assert (entry.actor_id, entry.organisation_id, entry.object_id) == (
        analyst.user.pk,
        org.pk,
        str(dataset.pk),
    )
    assert entry.details == {"by": ["citizenship"], "k": crosstab.DEFAULT_K, "filters": []}


@pytest.mark.django_db
def test_raw_counts_are_refused_without_an_allowance(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    frame = access.frame_of(dataset)
    with pytest.raises(PermissionDenied):
        access.raw_table(analyst, frame, ["gender"], source=str(dataset.pk))

    services.allow_raw_counts(org, analyst.user, reason="Needed for the annual report", granted_by="test")
    counts = access.raw_table(analyst, frame, ["gender"], source=str(dataset.pk))

    assert counts.count("Male") == 3
    assert counts.total == 26
    with pytest.raises(ValueError, match="Say why"):
        services.allow_raw_counts(org, make_member(org, Role.ANALYST).user, reason=" ", granted_by="test")


@pytest.mark.django_db
def test_deleting_a_dataset_keeps_its_ledger_and_is_audited(
    dataset: Dataset, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    spend(analyst, dataset, 0.3)
    for refused in (make_member(other_org, Role.ANALYST), make_member(org, Role.SUPERVISOR)):
        with pytest.raises(PermissionDenied):
            services.delete_dataset(refused, dataset)
    assert Dataset.objects.filter(pk=dataset.pk).exists()

    services.delete_dataset(analyst, dataset)

    assert not Dataset.objects.exists()
    kept = Release.objects.get()  # what was released stays spent for the same file
    assert (kept.dataset, kept.organisation, kept.file_sha256) == (None, org, dataset.file_sha256)
    entry = AuditEntry.objects.get(action=Action.DELETE, object_type="insight.dataset")
    assert entry.details == {"name_length": len("Synthetic")}


@pytest.mark.django_db
def test_the_stored_frame_is_the_imported_records(dataset: Dataset) -> None:
    frame = access.frame_of(dataset)

    assert frame.names == SURE_2018_COLUMNS
    assert frame.size == dataset.row_count == 26
    assert frame.column("gender").levels == ("Female", "Male")
    assert sorted(frame.column("gender").values()) == [MISSING] * 11 + ["Female"] * 12 + ["Male"] * 3
    assert set(frame.column("yearOfRegistration").values()) == {"2016"}


# --- the organisation's own cases ----------------------------------------------------------------------------


def open_case(caseworker: Actor, person: Person) -> Case:
    return case_services.open_case(caseworker, person, reason="Referred by the outreach team")


def give_statistics_consent(caseworker: Actor, person: Person) -> Any:
    return consent_services.record_consent(
        caseworker, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
    )


@pytest.mark.django_db
def test_own_cases_count_only_people_with_a_statistics_consent_in_force(
    org: Organisation, other_org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    consenting = make_person(caseworker, "Anna", "Ivanova", gender="Feminine", citizenships=("PH",))
    withdrawn = make_person(caseworker, "Bea", "Kovacs", gender="Masculine")
    services_only = make_person(caseworker, "Chen", "Li", gender="Masculine")
    no_consent = make_person(caseworker, "Dana", "Popa", gender="Feminine")
    for person in (consenting, withdrawn, services_only, no_consent):
        open_case(caseworker, person)
    give_statistics_consent(caseworker, consenting)
    consent_services.withdraw(caseworker, give_statistics_consent(caseworker, withdrawn))
    consent_services.record_consent(
        caseworker, services_only, Purpose.SERVICES, Method.VERBAL, given_at=timezone.now()
    )
    elsewhere = make_member(other_org, Role.CASEWORKER)
    theirs = make_person(elsewhere, "Eva", "Novak", gender="Feminine")
    open_case(elsewhere, theirs)
    give_statistics_consent(elsewhere, theirs)
    analyst = make_member(org, Role.ANALYST)

    statistics = access.own_cases_frame(analyst)

    assert (statistics.included, statistics.left_out) == (1, 3)
    frame = statistics.frame
    assert frame.size == 1
    assert frame.names == CTDC_COLUMNS
    assert frame.column("gender").values() == ["Female"]
    assert frame.column("citizenship").values() == ["PH"]
    assert frame.column("yearOfRegistration").values() == [str(timezone.localdate().year)]
    assert frame.column("Datasource").values() == ["Case Management"]
    entry = AuditEntry.objects.get(action=Action.LIST, object_type="insight.own_cases")
    assert (entry.actor_id, entry.organisation_id, entry.purpose) == (analyst.user.pk, org.pk, "statistics")
    assert entry.details == {"cases": 1}  # how many, never which


@pytest.mark.django_db
def test_own_cases_are_counted_after_consent_and_forgotten_after_withdrawal(
    org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    caseworker = make_member(org, Role.CASEWORKER)
    person = make_person(caseworker, gender="Masculine")
    open_case(caseworker, person)
    analyst = make_member(org, Role.ANALYST)

    assert (access.own_cases_frame(analyst).included, access.own_cases_frame(analyst).left_out) == (0, 1)
    consent = give_statistics_consent(caseworker, person)
    assert access.own_cases_frame(analyst).frame.column("gender").values() == ["Male"]
    consent_services.withdraw(caseworker, consent)
    assert access.own_cases_frame(analyst).frame.size == 0
    assert [e.details for e in AuditEntry.objects.filter(object_type="insight.own_cases")] == [
        {"cases": 0},
        {"cases": 0},
        {"cases": 1},
        {"cases": 0},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SCREENER, Role.CASEWORKER, Role.LEGAL_OFFICER, Role.TRAINER])
def test_own_case_statistics_are_not_for_every_role(
    org: Organisation, make_member: MakeMember, role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        access.own_cases_frame(make_member(org, role))
    assert not AuditEntry.objects.filter(object_type="insight.own_cases").exists()


# --- the stored frame -----------------------------------------------------------------------------------------


def sample_frame() -> Frame:
    return Frame.from_records(
        ("gender", "year", "flag"),
        [("Female", "2016", "1"), ("Male", None, "0"), (None, "2017", ""), ("Female", "2016", None)],
    )


def assert_same(a: Frame, b: Frame) -> None:
    assert a.names == b.names
    assert a.size == b.size
    for name in a.names:
        assert a.column(name).levels == b.column(name).levels
        assert a.column(name).codes.dtype == b.column(name).codes.dtype
        assert a.column(name).values() == b.column(name).values()


def test_a_frame_survives_its_round_trip() -> None:
    frame = sample_frame()
    assert_same(Frame.from_bytes(frame.to_bytes()), frame)
    assert frame.column("flag").values() == ["1", "0", MISSING, MISSING]

    wide = Frame.from_columns({"n": [str(i) for i in range(300)] + [None]})
    back = Frame.from_bytes(wide.to_bytes())
    assert back.column("n").codes.dtype == np.uint16
    assert_same(back, wide)

    empty = Frame.from_records(("a", "b"), [])
    assert_same(Frame.from_bytes(empty.to_bytes()), empty)


def npz(header: dict[str, Any], **arrays: Any) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), **arrays)
    return buffer.getvalue()


GOOD_HEADER = {"format": "threefold-frame/1", "size": 2, "columns": [{"name": "a", "levels": ["x"]}]}


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"not a frame at all", "cannot read the stored dataset"),
        (npz({**GOOD_HEADER, "format": "other/2"}, c0=np.array([1, 0], np.uint8)), "not a threefold-frame/1"),
        (npz(GOOD_HEADER, c0=np.array([1, 2], np.uint8)), "column 'a' is damaged"),  # code beyond the levels
        (npz(GOOD_HEADER, c0=np.array([1, 0, 1], np.uint8)), "column 'a' is damaged"),  # wrong length
        (npz(GOOD_HEADER), "cannot read the stored dataset"),  # codes missing
        (
            npz(GOOD_HEADER, c0=np.array(["x", None], dtype=object)),
            "cannot read the stored dataset",
        ),  # pickle
        (npz({"format": "threefold-frame/1"}, c0=np.array([1], np.uint8)), "cannot read the stored dataset"),
    ],
)
def test_a_damaged_or_foreign_blob_is_a_frame_error(blob: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        Frame.from_bytes(blob)


@pytest.mark.parametrize("cut", ["truncated", "half", "empty"])
def test_a_truncated_blob_is_a_frame_error(cut: str) -> None:
    blob = sample_frame().to_bytes()
    broken = {"truncated": blob[:-10], "half": blob[: len(blob) // 2], "empty": b""}[cut]
    with pytest.raises(FrameError):
        Frame.from_bytes(broken)


@pytest.mark.django_db
def test_own_cases_are_counted_by_one_field_at_a_time(
    org: Organisation, make_member: MakeMember, make_person: MakePerson
) -> None:
    """Linked cross-tabs of live cases could be combined to recover a hidden count: refused at the access layer,
    and the page says why instead of showing a table."""
    caseworker = make_member(org, Role.CASEWORKER)
    for n in range(12):
        person = make_person(caseworker, f"Name{n}", "Family", gender="Feminine", citizenships=("PH",))
        open_case(caseworker, person)
        give_statistics_consent(caseworker, person)
    analyst = make_member(org, Role.ANALYST)
    frame = access.own_cases_frame(analyst).frame

    with pytest.raises(access.OneFieldAtATimeError):
        access.protected_table(analyst, frame, ["gender", "citizenship"], source=access.OWN_CASES)
    assert (
        access.protected_table(analyst, frame, ["gender"], source=access.OWN_CASES).table.grand_total.value
        == 12
    )

    client = login(Client(), analyst.user)
    page = client.get(reverse("insight:table", args=[access.OWN_CASES]) + "?rows=gender&columns=citizenship")
    text = page.content.decode()
    assert "counted by one field at a time" in text
    assert "counts-table" not in text
    assert 'name="columns"' not in text
