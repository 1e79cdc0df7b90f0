"""The HTCDS export of an organisation's own cases: only with a data-sharing consent, never a name, k-anonymous,
audited with counts only; and its page and downloads."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import MakeMember, login
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.consent import services as consent_services
from threefold.consent.models import Method, Purpose
from threefold.insight import access
from threefold.protect import case_services
from threefold.protect.models import Person
from threefold.protect.victim_context import VictimContext


def _cases(caseworker, make_person, count: int, *, citizenship: str, share: bool = True) -> None:  # type: ignore[no-untyped-def]
    for i in range(count):
        person = make_person(
            caseworker, f"Name{citizenship}{i}", "Family", gender="Feminine", citizenships=(citizenship,)
        )
        case = case_services.open_case(caseworker, person, reason="Referred by the outreach team")
        case_services.update_context(
            caseworker,
            case,
            VictimContext(exploitation_types=("SexualExploitation",), control_methods=("DebtBondage",)),
            expected_version=case.version,
        )
        if share:
            consent_services.record_consent(
                caseworker, person, Purpose.DATA_SHARING, Method.WRITTEN, given_at=timezone.now()
            )


@pytest.mark.django_db
def test_export_is_consented_nameless_and_k_anonymous(
    org: Organisation, make_member: MakeMember, make_person
) -> None:  # type: ignore[no-untyped-def]
    caseworker = make_member(org, Role.CASEWORKER)
    _cases(caseworker, make_person, 12, citizenship="TH")
    _cases(caseworker, make_person, 2, citizenship="MM")  # a small group: its citizenship must go
    _cases(caseworker, make_person, 3, citizenship="KH", share=False)  # no consent: never exported
    supervisor = make_member(org, Role.SUPERVISOR)

    export = access.htcds_export(supervisor)

    assert export.left_out == 3
    citizenships = [record["prs_Citizenship"] for record in export.records]
    assert "KHM" not in citizenships
    assert "MMR" not in citizenships  # 2 < 11: blanked (or the records withheld)
    assert citizenships.count("THA") >= 11
    assert len(export.records) + export.withheld == 14
    assert all(record["vic_TypeOfExploitation"] == "SexualExploitation" for record in export.records)
    assert "Family" not in json.dumps(export.records)
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="insight.htcds_export")
    assert set(entry.details) == {"records", "withheld", "k"}


@pytest.mark.django_db
def test_export_downloads(org: Organisation, make_member: MakeMember, make_person) -> None:  # type: ignore[no-untyped-def]
    caseworker = make_member(org, Role.CASEWORKER)
    _cases(caseworker, make_person, 11, citizenship="TH")
    client = login(Client(), make_member(org, Role.ANALYST))
    page = client.get("/insight/export/htcds/")
    assert page.status_code == 200
    assert b"Download as CSV" in page.content
    csv = client.get("/insight/export/htcds/?format=csv")
    assert csv["Content-Disposition"].startswith("attachment;")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("ext_YearOfRegistration,cas_Status,prs_Gender,prs_Citizenship")
    assert len(lines) == 12
    data = json.loads(client.get("/insight/export/htcds/?format=json").content)
    assert data["k"] == 11
    assert data["rows"][0]["vic_MethodsOfControl"] == ["DebtBondage"]
    assert data["rows"][0]["prs_Citizenship"] == ["THA"]  # multi-select in HTCDS: a list


@pytest.mark.django_db
def test_own_cases_page_counts_only_consenting_people_and_hides_small_counts(
    org: Organisation, make_member: MakeMember, make_person
) -> None:  # type: ignore[no-untyped-def]
    caseworker = make_member(org, Role.CASEWORKER)
    # 20 + 15 + 3: the total, 38, is public beside every table of these cases; hiding the 15 with the 3 keeps the
    # 3 anywhere from 1 to 7. (With 12 + 3 alone the 3 is pinned by the total, and the table is refused.)
    _cases(caseworker, make_person, 20, citizenship="TH", share=False)
    _cases(caseworker, make_person, 15, citizenship="PH", share=False)
    _cases(caseworker, make_person, 3, citizenship="MM", share=False)
    for person in Person.objects.filter(organisation=org):
        consent_services.record_consent(
            caseworker, person, Purpose.STATISTICS, Method.WRITTEN, given_at=timezone.now()
        )
    client = login(Client(), make_member(org, Role.SUPERVISOR))
    page = client.get("/insight/cases/?rows=citizenship")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Thailand (TH)" in text
    assert ">20<" in text
    assert ">15<" not in text  # hidden to protect the 3
    assert "Myanmar (MM)" in text
    assert ">3<" not in text  # fewer than 11: never printed
    assert "fewer than 11" in text
