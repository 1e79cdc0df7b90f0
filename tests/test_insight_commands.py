"""Insight's management commands: ``import_ctdc`` (all or nothing, per organisation), ``stats`` (cell
suppression by default, differential privacy against a budget with ``--epsilon``, true counts with ``--raw``
only under an explicit allowance) and ``allow_raw_counts``. Every table printed and every release is audited."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import MakeMember
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.insight import services
from threefold.insight.core.ctdc import SURE_2018_COLUMNS
from threefold.insight.models import Dataset, RawCountsAllowance, Release

pytestmark = pytest.mark.django_db

REAL_2018 = "ctdc_global_dataset_2018_sure2018.csv"
REASON = "Quarterly report to the national rapporteur needs exact small counts"


# --- helpers -------------------------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    """Run a command; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str]:
    """Run a command that must fail; the error message and what it printed before failing."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=out, stderr=err)
    return str(raised.value), out.getvalue()


def ctdc_line(**values: str) -> str:
    fields = [values.pop(name, "") for name in SURE_2018_COLUMNS]
    assert not values, f"not columns: {values}"  # a typo in a test must not pass silently
    return ",".join(fields) + "\n"


def victim(**values: str) -> str:
    return ctdc_line(
        **({"yearOfRegistration": "2016", "Datasource": "Hotline", "citizenship": "PH"} | values)
    )


def write_ctdc(path: Path, lines: list[str], header: str | None = None) -> Path:
    path.write_text((header or ",".join(SURE_2018_COLUMNS) + "\n") + "".join(lines), encoding="utf-8")
    return path


# True counts of the synthetic dataset: gender x isSexualExploit, and the source of each group.
GROUPS: list[tuple[str, str, str, int]] = [
    ("Female", "1", "Hotline", 30),
    ("Female", "0", "Case Management", 20),
    ("Male", "1", "Hotline", 5),  # the small cell
    ("Male", "0", "Case Management", 25),
    ("", "1", "Hotline", 14),
    ("", "0", "Hotline", 13),
]
TOTAL = sum(group[3] for group in GROUPS)


def synthetic_lines() -> list[str]:
    return [
        victim(gender=gender, isSexualExploit=flag, Datasource=source)
        for gender, flag, source, count in GROUPS
        for _ in range(count)
    ]


@pytest.fixture
def dataset(tmp_path: Path, org: Organisation) -> Dataset:
    path = write_ctdc(tmp_path / "victims.csv", synthetic_lines())
    run("import_ctdc", str(path), "--name", "Synthetic")
    return Dataset.objects.get(organisation=org, name="Synthetic")


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def find(rows: list[dict[str, Any]], **keys: str) -> dict[str, Any]:
    found = [row for row in rows if all(row[name] == value for name, value in keys.items())]
    assert len(found) == 1, f"{keys}: {found}"
    return found[0]


def real_2018_file() -> Path:
    path = Path(settings.SHARED_DATA_DIR) / REAL_2018
    if not path.is_file():
        pytest.skip(
            f"real data file {REAL_2018} not found in {settings.SHARED_DATA_DIR} (set THREEFOLD_SHARED_DATA)"
        )
    return path


# --- import_ctdc on the real 2018 file ----------------------------------------------------------------------


@pytest.mark.realdata
def test_the_real_2018_file_is_refused_whole_without_accept_valid(org: Organisation) -> None:
    path = real_2018_file()

    message, printed = refused("import_ctdc", str(path), "--name", "CTDC 2018")

    assert "4 of 47106 lines were rejected, so nothing was imported" in message
    assert "--accept-valid" in message
    assert "Rejected lines: 4." in printed
    assert "  line 47104: blank line" in printed
    assert "  line 47105: blank line" in printed
    assert "  line 47106 column yearOfRegistration: impossible year 1667367" in printed
    assert "  line 47107 column yearOfRegistration: impossible year 139912" in printed
    assert not Dataset.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.CREATE, object_type="insight.dataset").exists()


@pytest.mark.realdata
def test_the_real_2018_file_with_accept_valid_gives_the_published_counts(org: Organisation) -> None:
    path = real_2018_file()

    printed, _ = run("import_ctdc", str(path), "--name", "CTDC 2018", "--accept-valid")

    dataset = Dataset.objects.get()
    assert (dataset.organisation, dataset.name, dataset.layout) == (org, "CTDC 2018", "2018")
    assert (dataset.row_count, dataset.data_lines, dataset.rejected_lines) == (47_102, 47_106, 4)
    assert dataset.file_name == REAL_2018
    assert dataset.file_sha256 == services.sha256_of(str(path))
    assert dataset.imported_by is None
    assert dataset.report["rejected_lines"] == [47_104, 47_105, 47_106, 47_107]
    assert dataset.report["problem_count"] == 4
    assert dataset.report["accepted_valid_only"] is True
    assert [(p["line"], p["column"], p["value"]) for p in dataset.report["problems"]] == [
        (47_104, None, ""),
        (47_105, None, ""),
        (47_106, "yearOfRegistration", "1667367"),
        (47_107, "yearOfRegistration", "139912"),
    ]
    assert f"Imported dataset {dataset.pk} “CTDC 2018”: 47,102 records (2018 layout)" in printed
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="insight.dataset")
    assert entry.object_id == str(dataset.pk)
    assert entry.actor_label == "system:import_ctdc"
    assert entry.organisation_id == org.pk
    assert entry.details == {"records": 47_102, "rejected_lines": 4, "sha256": dataset.file_sha256}

    by_gender = csv_rows(run("stats", "CTDC 2018", "--by", "gender")[0])
    assert {row["gender"]: int(row["count"]) for row in by_gender} == {
        "(unknown)": 255,
        "Female": 33_850,
        "Male": 12_997,
        "(all)": 47_102,
    }
    assert {row["status"] for row in by_gender} == {"shown"}

    by_source = csv_rows(run("stats", str(dataset.pk), "--by", "Datasource")[0])
    counts = {row["Datasource"]: row["count"] for row in by_source}
    assert (counts["Case Management"], counts["Hotline"], counts["(all)"]) == ("36290", "10812", "47102")

    ones = {}
    for flag in ("isSexualExploit", "isForcedLabour", "isOtherExploit"):
        published = json.loads(run("stats", "CTDC 2018", "--by", flag, "--format", "json")[0])
        assert published["dataset"] == "CTDC 2018"
        assert published["protection"] == "cell suppression, k = 11"
        ones[flag] = find(published["rows"], **{flag: "1"})["count"]
    assert ones == {"isSexualExploit": 12_904, "isForcedLabour": 9_004, "isOtherExploit": 7_782}


# --- import_ctdc on small synthetic files --------------------------------------------------------------------


def test_a_clean_file_is_imported_and_audited(tmp_path: Path, org: Organisation) -> None:
    path = write_ctdc(tmp_path / "clean.csv", [victim(gender="Female"), victim(gender="Male"), victim()])

    printed, _ = run("import_ctdc", str(path), "--name", "  Clean  ", "--source", "Field survey 2016")

    dataset = Dataset.objects.get()
    assert (dataset.name, dataset.row_count, dataset.data_lines, dataset.rejected_lines) == ("Clean", 3, 3, 0)
    assert dataset.source == "Field survey 2016"
    assert dataset.report["accepted_valid_only"] is False
    assert dataset.file_sha256 == services.sha256_of(path.read_bytes())
    assert "Rejected lines: 0." in printed
    assert (
        AuditEntry.objects.filter(
            action=Action.CREATE, object_type="insight.dataset", object_id=str(dataset.pk)
        ).count()
        == 1
    )


def test_a_file_with_a_bad_line_imports_nothing_unless_the_valid_lines_are_accepted(
    tmp_path: Path, org: Organisation
) -> None:
    path = write_ctdc(tmp_path / "one_bad.csv", [victim(), victim(isForcedLabour="yes"), victim()])

    message, printed = refused("import_ctdc", str(path), "--name", "Some bad")
    assert "1 of 3 lines were rejected" in message
    assert "line 3 column isForcedLabour: flag 'yes' is not 0 or 1" in printed
    assert not Dataset.objects.exists()

    run("import_ctdc", str(path), "--name", "Some bad", "--accept-valid")
    dataset = Dataset.objects.get()
    assert (dataset.row_count, dataset.data_lines, dataset.rejected_lines) == (2, 3, 1)
    assert dataset.report["rejected_lines"] == [3]


def test_a_file_with_no_valid_line_imports_nothing_even_with_accept_valid(
    tmp_path: Path, org: Organisation
) -> None:
    path = write_ctdc(tmp_path / "all_bad.csv", [victim(yearOfRegistration="1066")])

    message, _ = refused("import_ctdc", str(path), "--name", "Nothing", "--accept-valid")

    assert "no valid record" in message
    assert not Dataset.objects.exists()


def test_a_duplicate_name_in_the_same_organisation_is_refused(tmp_path: Path, org: Organisation) -> None:
    first = write_ctdc(tmp_path / "first.csv", [victim()])
    second = write_ctdc(tmp_path / "second.csv", [victim(), victim(gender="Male")])
    run("import_ctdc", str(first), "--name", "Victims")

    message, _ = refused("import_ctdc", str(second), "--name", "Victims")

    assert "already has a dataset named “Victims”" in message
    assert list(Dataset.objects.values_list("name", "row_count")) == [("Victims", 1)]
    assert AuditEntry.objects.filter(action=Action.CREATE, object_type="insight.dataset").count() == 1


def test_the_same_name_in_another_organisation_is_fine(
    tmp_path: Path, org: Organisation, other_org: Organisation
) -> None:
    path = write_ctdc(tmp_path / "victims.csv", [victim()])

    run("import_ctdc", str(path), "--name", "Victims", "--organisation", str(org.pk))
    run("import_ctdc", str(path), "--name", "Victims", "--organisation", str(other_org.pk))

    assert sorted(Dataset.objects.values_list("organisation_id", flat=True)) == sorted([org.pk, other_org.pk])


def test_a_file_that_is_not_ctdc_is_refused_before_anything_is_created(
    tmp_path: Path, org: Organisation
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,age,country\nAnna,23,FR\n", encoding="utf-8")

    message, _ = refused("import_ctdc", str(path), "--name", "People")

    assert message.startswith("people.csv is not a CTDC file")
    assert not Dataset.objects.exists()
    assert not AuditEntry.objects.filter(object_type="insight.dataset").exists()


def test_the_organisation_must_be_named_when_there_are_several(
    tmp_path: Path, org: Organisation, other_org: Organisation
) -> None:
    path = write_ctdc(tmp_path / "victims.csv", [victim()])

    assert "--organisation" in refused("import_ctdc", str(path), "--name", "Victims")[0]
    assert (
        "There is no organisation 999999"
        in refused("import_ctdc", str(path), "--name", "Victims", "--organisation", "999999")[0]
    )
    assert "is not a file" in refused("import_ctdc", str(tmp_path / "missing.csv"), "--name", "Victims")[0]
    assert not Dataset.objects.exists()


# --- stats: cell suppression -------------------------------------------------------------------------------


def test_stats_hides_the_small_count_and_a_complementary_one(dataset: Dataset) -> None:
    rows = csv_rows(run("stats", "Synthetic", "--by", "gender,isSexualExploit")[0])

    small = find(rows, gender="Male", isSexualExploit="1")
    assert small == {"gender": "Male", "isSexualExploit": "1", "count": "", "status": "fewer than 11"}
    secondary = "suppressed to protect another cell"
    same_row = [r for r in rows if r["gender"] == "Male" and r["isSexualExploit"] not in ("1", "(all)")]
    same_column = [r for r in rows if r["isSexualExploit"] == "1" and r["gender"] not in ("Male", "(all)")]
    assert any(r["status"] == secondary and r["count"] == "" for r in same_row)
    assert any(r["status"] == secondary and r["count"] == "" for r in same_column)
    # Totals stay published; the hidden cell cannot be worked out from them.
    assert find(rows, gender="Male", isSexualExploit="(all)")["count"] == "30"
    assert find(rows, gender="(all)", isSexualExploit="(all)")["count"] == str(TOTAL)
    hidden_in_row = [r for r in rows if r["gender"] == "Male" and r["count"] == ""]
    assert len(hidden_in_row) >= 2
    # No shown count anywhere is the small one.
    assert all(r["count"] != "5" for r in rows)


def test_a_one_field_count_hides_its_small_count_and_one_more(dataset: Dataset) -> None:
    rows = csv_rows(run("stats", "Synthetic", "--by", "gender", "--where", "isSexualExploit=1")[0])

    published = {row["gender"]: (row["count"], row["status"]) for row in rows}
    assert set(published) == {"(unknown)", "Female", "Male", "(all)"}
    assert published["Male"] == ("", "fewer than 11")  # 5 records
    true_counts = {"(unknown)": "14", "Female": "30", "(all)": "49"}
    assert all(published[key][0] in ("", count) for key, count in true_counts.items())
    assert [key for key in true_counts if published[key] == ("", "suppressed to protect another cell")]


def test_stats_with_a_lower_k_shows_the_count(dataset: Dataset) -> None:
    rows = csv_rows(run("stats", "Synthetic", "--by", "gender,isSexualExploit", "--k", "3")[0])

    assert find(rows, gender="Male", isSexualExploit="1") == {
        "gender": "Male",
        "isSexualExploit": "1",
        "count": "5",
        "status": "shown",
    }
    assert {r["status"] for r in rows} == {"shown"}
    assert find(rows, gender="(unknown)", isSexualExploit="0")["count"] == "13"


def test_every_protected_table_is_audited_with_the_rule_not_the_counts(
    dataset: Dataset, org: Organisation
) -> None:
    run("stats", "Synthetic", "--by", "gender", "--where", "Datasource=Hotline", "--k", "5")

    entry = AuditEntry.objects.get(action=Action.VIEW, object_type="insight.table")
    assert entry.object_id == str(dataset.pk)
    assert entry.actor_label == "system:stats"
    assert entry.organisation_id == org.pk
    assert entry.details == {"by": ["gender"], "k": 5, "filters": ["Datasource"]}


def test_stats_where_filters_the_records(dataset: Dataset) -> None:
    rows = csv_rows(run("stats", "Synthetic", "--by", "gender", "--where", "Datasource=Case Management")[0])

    assert {row["gender"]: row["count"] for row in rows} == {
        "(unknown)": "0",
        "Female": "20",
        "Male": "25",
        "(all)": "45",
    }
    several = csv_rows(
        run("stats", "Synthetic", "--by", "gender", "--where", "Datasource=Case Management,Hotline")[0]
    )
    assert find(several, gender="(all)")["count"] == str(TOTAL)


def test_stats_names_an_unknown_field_or_dataset(dataset: Dataset, other_org: Organisation) -> None:
    assert (
        "no column 'sex'"
        in refused("stats", "Synthetic", "--by", "sex", "--organisation", str(dataset.organisation_id))[0]
    )
    assert (
        "no column 'Source'"
        in refused(
            "stats",
            "Synthetic",
            "--by",
            "gender",
            "--where",
            "Source=Hotline",
            "--organisation",
            str(dataset.organisation_id),
        )[0]
    )
    assert (
        "--where takes FIELD=VALUE"
        in refused(
            "stats",
            "Synthetic",
            "--by",
            "gender",
            "--where",
            "Hotline",
            "--organisation",
            str(dataset.organisation_id),
        )[0]
    )
    # Another organisation cannot reach the dataset, by name or by id.
    for name_or_id in ("Synthetic", str(dataset.pk)):
        message, _ = refused("stats", name_or_id, "--by", "gender", "--organisation", str(other_org.pk))
        assert f"no dataset “{name_or_id}” in organisation {other_org.pk}" in message


# --- stats: differential privacy -------------------------------------------------------------------------------


def test_epsilon_needs_a_user(dataset: Dataset) -> None:
    message, _ = refused("stats", "Synthetic", "--by", "gender", "--epsilon", "0.5")

    assert "--user" in message
    assert not Release.objects.exists()


@pytest.mark.parametrize("role", [Role.SCREENER, Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN])
def test_only_an_analyst_spends_the_budget(
    dataset: Dataset, org: Organisation, make_member: MakeMember, role: Role
) -> None:
    member = make_member(org, role)

    message, _ = refused(
        "stats", "Synthetic", "--by", "gender", "--epsilon", "0.5", "--user", member.user.email
    )

    assert "may not do that" in message
    assert not Release.objects.exists()
    assert not AuditEntry.objects.filter(object_type="insight.release").exists()


def test_a_member_of_another_organisation_cannot_act(
    dataset: Dataset, other_org: Organisation, make_member: MakeMember
) -> None:
    outsider = make_member(other_org, Role.ANALYST)

    message, _ = refused(
        "stats",
        "Synthetic",
        "--by",
        "gender",
        "--epsilon",
        "0.5",
        "--user",
        outsider.user.email,
        "--organisation",
        str(dataset.organisation_id),
    )

    assert f"is not an active member of organisation {dataset.organisation_id}" in message
    assert not Release.objects.exists()


def test_an_analyst_release_is_noisy_recorded_and_audited(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)

    printed, warned = run(
        "stats",
        "Synthetic",
        "--by",
        "gender",
        "--epsilon",
        "0.6",
        "--user",
        analyst.user.email,
        "--format",
        "json",
    )

    assert "Each count will be within ±" in warned
    release = Release.objects.get()
    assert (release.dataset, release.kind, release.epsilon, release.delta) == (dataset, "histogram", 0.6, 0.0)
    assert release.released_by == analyst.user
    assert "discrete Laplace" in release.mechanism
    assert release.query == {"field": "gender", "by": ["gender"], "where": {}}
    values = release.result["values"]
    assert set(values) == {"(unknown)", "Female", "Male", "(other or unknown)"}
    true_counts = {"(unknown)": 27, "Female": 50, "Male": 30, "(other or unknown)": 0}
    # Noise at ε = 0.6 has scale about 1.7: 40 away is beyond any plausible draw (p < 1e-10).
    assert all(abs(values[key] - true_counts[key]) < 40 for key in values)
    published = json.loads(printed)
    assert published["release"] == release.pk
    assert published["protection"].startswith("differential privacy, ε = 0.6")
    assert published["rows"] == [
        {"gender": key, "noisy_count": max(0, round(values[key]))} for key in ("(unknown)", "Female", "Male")
    ]
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="insight.release")
    assert entry.object_id == str(release.pk)
    assert entry.actor_id == analyst.user.pk
    assert entry.organisation_id == org.pk
    assert entry.details == {"dataset": dataset.pk, "epsilon": 0.6, "kind": "histogram"}


def test_a_release_past_the_budget_is_refused_and_spends_nothing(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    release = (
        "stats",
        "Synthetic",
        "--by",
        "gender,isSexualExploit",
        "--user",
        analyst.user.email,
        "--epsilon",
    )
    assert dataset.epsilon_budget == 1.0

    run(*release, "0.6")
    message, _ = refused(*release, "0.6")

    assert message == (
        "Refused: This release needs ε = 0.60 but only ε = 0.40 of this dataset's budget of 1.00 is left "
        "(0.60 spent in 1 release)."
    )
    assert Release.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="insight.release").count() == 1

    run(*release, "0.4")  # exactly what is left fits
    message, _ = refused(*release, "0.01")
    assert message.startswith("Refused: This release needs ε = 0.01 but none of this dataset's budget")
    assert sorted(Release.objects.values_list("epsilon", flat=True)) == [0.4, 0.6]


def test_a_private_release_respects_the_filter(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)

    run(
        "stats",
        "Synthetic",
        "--by",
        "isSexualExploit",
        "--where",
        "gender=Male",
        "--epsilon",
        "1",
        "--user",
        analyst.user.email,
    )

    values = Release.objects.get().result["values"]
    assert abs(values["1"] - 5) < 30
    assert abs(values["0"] - 25) < 30
    assert Release.objects.get().query["where"] == {"gender": ["Male"]}


# --- raw counts ----------------------------------------------------------------------------------------------


def test_raw_counts_need_an_explicit_allowance_which_can_be_revoked(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)
    email = analyst.user.email
    raw = ("stats", "Synthetic", "--by", "gender,isSexualExploit", "--raw", "--user", email)

    assert "may not do that" in refused(*raw)[0]
    assert "Say who is acting" in refused("stats", "Synthetic", "--by", "gender", "--raw")[0]

    assert "Say why" in refused("allow_raw_counts", email)[0]
    assert "Say why" in refused("allow_raw_counts", email, "--reason", "   ")[0]
    assert not RawCountsAllowance.objects.exists()

    granted, _ = run("allow_raw_counts", email.upper(), "--reason", REASON)
    assert f"{email} may now see raw counts in organisation {org.pk}." in granted
    allowance = RawCountsAllowance.objects.get()
    assert (allowance.user, allowance.reason, allowance.granted_by) == (
        analyst.user,
        REASON,
        "system:allow_raw_counts",
    )
    grant = AuditEntry.objects.get(action=Action.GRANT)
    assert grant.details == {"permission": "insight.view_raw_counts", "user": analyst.user.pk}
    assert "already has raw counts" in refused("allow_raw_counts", email, "--reason", REASON)[0]

    rows = csv_rows(run(*raw)[0])
    assert {(r["gender"], r["isSexualExploit"]): int(r["count"]) for r in rows} == {
        (gender or "(unknown)", flag): count for gender, flag, _, count in GROUPS
    }
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="insight.table")
    assert entry.object_id == str(dataset.pk)
    assert entry.actor_id == analyst.user.pk
    assert entry.details == {"by": ["gender", "isSexualExploit"], "raw": True, "filters": []}

    assert run("allow_raw_counts", email, "--revoke")[0].strip() == "Revoked."
    assert RawCountsAllowance.objects.get().revoked_at is not None
    assert AuditEntry.objects.filter(action=Action.REVOKE).count() == 1
    assert "may not do that" in refused(*raw)[0]
    assert AuditEntry.objects.filter(action=Action.EXPORT, object_type="insight.table").count() == 1
    assert run("allow_raw_counts", email, "--revoke")[0].strip() == "There was no allowance to revoke."

    # Once revoked, it can be granted again.
    run("allow_raw_counts", email, "--reason", REASON)
    assert RawCountsAllowance.objects.filter(revoked_at__isnull=True).count() == 1


def test_an_allowance_does_not_lift_the_role(
    dataset: Dataset, org: Organisation, make_member: MakeMember
) -> None:
    screener = make_member(org, Role.SCREENER)
    run("allow_raw_counts", screener.user.email, "--reason", REASON)

    message, _ = refused("stats", "Synthetic", "--by", "gender", "--raw", "--user", screener.user.email)

    assert "may not do that" in message
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_an_allowance_is_for_one_organisation(
    dataset: Dataset, org: Organisation, other_org: Organisation, make_member: MakeMember
) -> None:
    analyst = make_member(org, Role.ANALYST)

    message, _ = refused(
        "allow_raw_counts", analyst.user.email, "--reason", REASON, "--organisation", str(other_org.pk)
    )

    assert f"is not an active member of organisation {other_org.pk}" in message
    assert not RawCountsAllowance.objects.exists()
