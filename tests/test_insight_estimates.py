"""Estimate the hidden number (threefold/insight/estimate_views.py, services, tasks): a table of list overlaps,
pasted or uploaded, read all or nothing by the same reader as ``manage.py mse``, estimated by a background task
(run at once by the test settings' immediate backend, once the row is committed), followed by a polled progress
fragment, shown in words with its model, intervals, sensitivity table and chart, downloaded, deleted, audited.

The UK 2013 five-list data (../shared/data, tests marked realdata) must give SparseMSE's published 11,313.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from html import unescape
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MakeMember, login
from tests.test_mse_command import SMALL, ukdat_5
from threefold.accounts.actor import Actor
from threefold.accounts.models import Organisation
from threefold.accounts.roles import Role
from threefold.audit.models import Action, AuditEntry
from threefold.insight import services, tasks
from threefold.insight.core.mse_input import TableInputError
from threefold.insight.models import ESTIMATE_STALLED_AFTER, Estimate, EstimateStatus

NO_OVERLAP = "Police,NGO,count\n1,0,12\n0,1,30\n"
# One case links the two lists: there is an estimate, but leaving that case out (the jackknife) leaves none.
THIN = "A,B,count\n1,0,10\n0,1,12\n1,1,1\n"


@pytest.fixture
def analyst(org: Organisation, make_member: MakeMember) -> Actor:
    return make_member(org, Role.ANALYST)


def text_of(response: Any) -> str:
    return unescape(response.content.decode())


def post(client: Client, **fields: Any) -> Any:
    data = {"name": "Region 2024", "table": SMALL, "pthresh": "0.02", "nboot": "0", **fields}
    return client.post(reverse("insight:estimates"), data)


def create(
    actor: Actor, table: str = SMALL, *, nboot: int = 0, pthresh: float = 0.02, run: Any = None
) -> Estimate:
    """An estimate made through the service; ``run`` (django_capture_on_commit_callbacks) runs its task."""
    if run is None:
        return services.create_estimate(actor, "Region 2024", table, pthresh, nboot)
    with run(execute=True):
        made = services.create_estimate(actor, "Region 2024", table, pthresh, nboot)
    made.refresh_from_db()
    return made


# --- the UK 2013 data -----------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_the_uk_table_gives_the_published_estimate(
    tmp_path: Path, analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    table = ukdat_5(tmp_path).read_text(encoding="utf-8")
    client = login(Client(), analyst)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, name="UK 2013, five lists", table=table, nboot="50")

    made = Estimate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:estimate", args=[made.pk])
    assert made.status == EstimateStatus.DONE
    assert made.lists == ["LA", "NG", "PFNCA", "GO", "GP"]
    assert len(made.table) == 18
    assert made.progress_done == made.progress_total == 50 + 18  # replicates and jackknife estimates
    result = made.result
    assert result is not None
    assert round(result["estimate"]["total"]) == 11_313
    assert result["cases_on_any_list"] == 2744
    assert [pair["lists"] for pair in result["model"]["pairs"]] == [
        ["LA", "NG"],
        ["NG", "GP"],
        ["PFNCA", "GP"],
        ["LA", "PFNCA"],
        ["GO", "GP"],
        ["NG", "GO"],
    ]
    assert [round(x) for x in result["model_conditional"]["95%"]] == [9884, 13027]
    low, high = result["bootstrap"]["bca"]["95%"]
    assert low < result["estimate"]["total"] < high
    rows = {(row["kind"], row["pthresh"]): row for row in result["sensitivity"]}
    assert list(rows) == [
        ("main", None),
        ("stepwise", 0.001),
        ("stepwise", 0.02),
        ("stepwise", 0.05),
        ("stepwise", 0.1),
        ("all_pairs", None),
    ]
    assert round(rows["main", None]["total"]) == 13_444
    assert round(rows["stepwise", 0.001]["total"]) == 13_101
    assert rows["stepwise", 0.02]["chosen"]
    assert round(rows["stepwise", 0.02]["total"]) == 11_313
    assert round(rows["all_pairs", None]["total"]) == 11_233

    page = text_of(client.get(response["Location"]))
    assert "About 11,300 victims, of whom 2,744 were known to at least one list." in page
    assert "So about 8,570 were on none of the lists: the hidden number." in page
    assert "9,884 to 13,027" in page  # the model-conditional 95% interval
    assert "Bootstrap (BCa): the one to quote" in page
    assert "too narrow" in page
    assert "Stepwise, p below 0.02 (chosen)" in page
    assert "LA &amp; NG" not in page
    assert "LA & NG" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'aria-labelledby="estimate-chart-title"' in page
    assert "closed population" in page
    assert "hx-trigger" not in page  # finished: nothing polls


# --- the progress fragment and the task -------------------------------------------------------------------------


def test_the_progress_fragment_polls_while_the_work_runs_and_stops_when_done(analyst: Actor) -> None:
    made = create(analyst, nboot=100)  # queued: the commit (and so the task) never happens in this test
    client = login(Client(), analyst)
    url = reverse("insight:estimate_progress", args=[made.pk])

    queued = text_of(client.get(url))
    page = text_of(client.get(reverse("insight:estimate", args=[made.pk])))
    Estimate.objects.filter(pk=made.pk).update(
        status=EstimateStatus.RUNNING, progress_done=30, progress_total=107
    )
    running = client.get(url, HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 2s"' in queued
    assert "Waiting to start." in queued
    assert 'id="estimate-progress" aria-live="polite"' in page
    assert f'hx-get="{url}"' in page
    assert running.status_code == 200
    assert "HX-Refresh" not in running
    assert "28% done: 30 of 107 bootstrap estimates." in text_of(running)
    assert '<progress max="100" value="28"' in text_of(running)

    assert tasks.run_estimate.call(made.pk) == "done"
    finished = client.get(url, HTTP_HX_REQUEST="true")

    assert "hx-trigger" not in text_of(finished)
    assert "hx-get" not in text_of(finished)
    assert "The estimate is ready." in text_of(finished)
    assert finished["HX-Refresh"] == "true"  # the page reloads itself and shows the result
    assert "HX-Refresh" not in client.get(url)  # a plain request (no HTMX) just gets the fragment
    assert tasks.run_estimate.call(made.pk) == "gone"  # a second run of a finished estimate does nothing


def test_progress_is_saved_every_two_per_cent_not_on_every_replicate(
    analyst: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = create(analyst, nboot=400)
    saved: list[tuple[int, int]] = []
    real = services.save_progress

    def spy(pk: int, done: int, total: int) -> None:
        saved.append((done, total))
        real(pk, done, total)

    monkeypatch.setattr(services, "save_progress", spy)
    assert tasks.run_estimate.call(made.pk) == "done"

    total = 400 + 7  # replicates and one jackknife estimate per combination of lists
    assert saved[0] == (0, total)
    assert saved[-1] == (total, total)
    assert 45 <= len(saved) <= 53
    assert all(b - a >= 9 for (a, _), (b, _) in pairwise(saved[:-1]))  # 2% of 407, rounded up


def test_the_task_is_queued_only_once_the_estimate_is_committed(
    analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = services.create_estimate(analyst, "Region", SMALL, 0.02, 0)
    assert len(callbacks) == 1
    assert Estimate.objects.get(pk=made.pk).status == EstimateStatus.QUEUED
    callbacks[0]()
    assert Estimate.objects.get(pk=made.pk).status == EstimateStatus.DONE


# --- input --------------------------------------------------------------------------------------------------------


def test_a_pasted_table_from_a_spreadsheet_and_an_uploaded_file(
    analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(Client(), analyst)
    tabs = SMALL.replace(",", "\t")
    upload = SimpleUploadedFile("lists.csv", ("\ufeff" + SMALL).encode(), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        pasted = post(client, name="Pasted", table=tabs)
        uploaded = post(client, name="Uploaded", table="", file=upload)

    assert pasted.status_code == uploaded.status_code == 302
    first, second = Estimate.objects.get(name="Pasted"), Estimate.objects.get(name="Uploaded")
    assert first.lists == second.lists == ["Police", "NGO", "Health"]
    assert first.table == second.table
    assert first.result == second.result
    assert first.status == EstimateStatus.DONE
    page = text_of(client.get(reverse("insight:estimate", args=[first.pk])))
    assert "No bootstrap was asked for" in page
    assert "About " in page
    assert "of whom 154 were known to at least one list." in page


def test_the_service_takes_rows_too(analyst: Actor) -> None:
    made = services.create_estimate(
        analyst, "Rows", [["A", "B", "count"], [1, 0, 5], [0, 1, 7], [1, 1, 2], [1, 0, 1]], 0.02, 0
    )
    assert made.lists == ["A", "B"]
    assert made.table == [[1, 0, 6], [0, 1, 7], [1, 1, 2]]
    with pytest.raises(TableInputError) as raised:
        services.create_estimate(analyst, "Rows", [["A", "B", "count"], [1, 2, 5]], 0.02, 0)
    assert raised.value.problems == ("line 2: a list value must be 0 or 1 (B='2')",)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"table": "A,B,count\n1,0,5\n0,2,3\n"}, "Line 3: a list value must be 0 or 1 (B='2')"),
        (
            {"table": "A,B,count\n1,0,5\n0,1,-3\n"},
            "Line 3: the count must be a whole number of 0 or more, not '-3'",
        ),
        ({"table": "A,B,count\n1,0,5\n0,1\n"}, "Line 3: 2 values, but the header has 3 columns"),
        ({"table": "A,B,C\n1,0,1\n"}, "Line 1: the header needs exactly one column named count"),
        ({"table": "A,count\n1,5\n"}, "Line 1 (header): at least two lists are needed, not 1"),
        ({"table": "\n\n"}, "Paste the table here, or choose a file with it above."),
        ({"table": "A,B,count\n"}, "The table has a header but no line of counts."),
        (
            {"table": "A,B,count\n1,0,5\n" + "0,1,1\n" * 40_000},
            "this page takes at most 200,000",
        ),
        ({"nboot": "1"}, "Give a number of replicates: 0, or 2 to 2000."),
        ({"nboot": "2001"}, "Give a number of replicates: 0, or 2 to 2000."),
        ({"pthresh": "2"}, "Give a p-value threshold between 0 and 1"),
        ({"name": ""}, "Give the estimate a name."),
    ],
)
def test_bad_input_names_the_line_and_creates_nothing(
    analyst: Actor, fields: dict[str, str], expected: str
) -> None:
    client = login(Client(), analyst)

    response = post(client, **fields)

    assert response.status_code == 400
    page = text_of(response)
    assert expected in page
    assert "There is a problem" in page
    assert Estimate.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="insight.estimate").exists()


def test_every_problem_is_listed_and_tied_to_the_field(analyst: Actor) -> None:
    client = login(Client(), analyst)

    response = post(client, table='A,B,count\n1,0,5\n\n0,"1",2\n0,1,-1\n1,1\n1,3,1\n')

    page = text_of(response)
    assert "Nothing was estimated: 3 problems in the table." in page
    assert (
        page.index("Line 5: the count") < page.index("Line 6: 2 values") < page.index("Line 7: a list value")
    )
    assert 'aria-describedby="id_table_helptext id_table_error"' in page
    assert 'aria-invalid="true"' in page


def test_a_file_that_is_not_utf8_or_too_large_or_given_with_a_paste(analyst: Actor) -> None:
    client = login(Client(), analyst)
    latin = SimpleUploadedFile("lists.csv", "Polizei,Büro,count\n1,0,5\n".encode("latin-1"))
    large = SimpleUploadedFile("lists.csv", b"A,B,count\n" + b"1,0,1\n" * 40_000)
    small = SimpleUploadedFile("lists.csv", SMALL.encode())

    assert "not UTF-8 text" in text_of(post(client, table="", file=latin))
    assert "The file is larger than" in text_of(post(client, table="", file=large))
    assert "not both" in text_of(post(client, file=small))
    assert Estimate.objects.count() == 0


def test_a_design_without_an_estimate_says_why(
    analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(Client(), analyst)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, table=NO_OVERLAP, nboot="20")

    made = Estimate.objects.get()
    assert made.status == EstimateStatus.FAILED
    assert made.result is None
    assert "The estimate does not exist" in made.error
    page = text_of(client.get(response["Location"]))
    assert "There is no estimate for this table" in page
    assert "Lists Police and NGO never overlap (no case is on both)." in page
    assert "hx-trigger" not in page
    fragment = client.get(reverse("insight:estimate_progress", args=[made.pk]), HTTP_HX_REQUEST="true")
    assert "The work has stopped" in text_of(fragment)
    assert client.get(reverse("insight:estimate_download", args=[made.pk, "json"])).status_code == 404


def test_thin_data_keep_the_estimate_and_say_why_there_is_no_bootstrap_interval(
    analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    made = create(analyst, THIN, nboot=50, run=django_capture_on_commit_callbacks)

    assert made.status == EstimateStatus.DONE
    assert made.result is not None
    assert round(made.result["estimate"]["total"]) == 23 + 120  # 10 x 12 / 1 unseen
    assert made.result["bootstrap"] is None
    assert "no estimate without it" in made.result["bootstrap_error"]
    page = text_of(login(Client(), analyst).get(reverse("insight:estimate", args=[made.pk])))
    assert "The bootstrap interval could not be computed:" in page
    every_pair = made.result["sensitivity"][-1]
    assert every_pair["kind"] == "all_pairs"
    assert every_pair["total"] is None
    assert "not identifiable" in every_pair["reason"]
    assert "No estimate: The estimate is not identifiable" in page


# --- downloads, deletion, other organisations, audit -----------------------------------------------------------


def test_downloads_are_the_result_and_are_audited(
    analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    made = create(analyst, nboot=30, run=django_capture_on_commit_callbacks)
    client = login(Client(), analyst)

    as_json = client.get(reverse("insight:estimate_download", args=[made.pk, "json"]))
    as_csv = client.get(reverse("insight:estimate_download", args=[made.pk, "csv"]))

    assert as_json["Content-Type"] == "application/json"
    assert as_json["Content-Disposition"] == f'attachment; filename="threefold-estimate-{made.pk}.json"'
    body = json.loads(as_json.content)
    assert body["lists"] == ["Police", "NGO", "Health"]
    assert body["table"] == made.table
    assert body["result"]["estimate"] == made.result["estimate"]  # type: ignore[index]
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert [row["row"] for row in rows][:2] == ["estimate", "bootstrap"]
    assert [row["row"] for row in rows][2:] == ["sensitivity"] * 6
    assert float(rows[0]["estimate"]) == pytest.approx(made.result["estimate"]["total"], abs=0.1)  # type: ignore[index]
    assert AuditEntry.objects.filter(action=Action.EXPORT, object_id=str(made.pk)).count() == 2
    assert client.get(reverse("insight:estimate_download", args=[made.pk, "xml"])).status_code == 404


def test_the_whole_life_of_an_estimate_is_audited(
    analyst: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    made = create(analyst, run=django_capture_on_commit_callbacks)
    client = login(Client(), analyst)

    response = client.post(reverse("insight:estimate_delete", args=[made.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("insight:estimates")
    assert not Estimate.objects.filter(pk=made.pk).exists()
    entries = list(
        AuditEntry.objects.filter(object_type="insight.estimate", object_id=str(made.pk)).order_by("seq")
    )
    assert [(entry.action, entry.actor_label) for entry in entries] == [
        (Action.CREATE, analyst.user.email),
        (Action.UPDATE, "system:run_estimate"),  # started
        (Action.UPDATE, "system:run_estimate"),  # done
        (Action.DELETE, analyst.user.email),
    ]
    assert entries[0].details == {"lists": 3, "cases": 154, "pthresh": 0.02, "nboot": 0}
    assert entries[2].details == {"status": "done"}
    assert all(entry.organisation_id == analyst.organisation_id for entry in entries)


def test_an_estimate_deleted_while_it_runs_is_left_alone(analyst: Actor) -> None:
    made = create(analyst)
    services.delete_estimate(analyst, made)

    assert tasks.run_estimate.call(made.pk) == "gone"
    assert not services.finish_estimate(made.pk, {"estimate": {}})


def test_another_organisation_gets_404_and_never_sees_the_list(
    analyst: Actor, other_org: Organisation, make_member: MakeMember
) -> None:
    made = create(analyst)
    outsider = login(Client(), make_member(other_org, Role.ANALYST))

    for url in (
        reverse("insight:estimate", args=[made.pk]),
        reverse("insight:estimate_progress", args=[made.pk]),
        reverse("insight:estimate_download", args=[made.pk, "json"]),
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(reverse("insight:estimate_delete", args=[made.pk])).status_code == 404
    assert "Region 2024" not in text_of(outsider.get(reverse("insight:estimates")))
    assert Estimate.objects.filter(pk=made.pk).exists()


def test_an_org_admin_reads_estimates_but_makes_none(
    analyst: Actor, org: Organisation, make_member: MakeMember
) -> None:
    made = create(analyst)
    admin = login(Client(), make_member(org, Role.ORG_ADMIN))

    listing = text_of(admin.get(reverse("insight:estimates")))

    assert "Region 2024" in listing
    assert "A new estimate" not in listing
    assert "Delete this estimate" not in text_of(admin.get(reverse("insight:estimate", args=[made.pk])))
    assert post(admin).status_code == 403
    assert admin.post(reverse("insight:estimate_delete", args=[made.pk])).status_code == 403


def test_the_statistics_home_links_to_the_estimates(analyst: Actor) -> None:
    page = text_of(login(Client(), analyst).get(reverse("insight:home")))
    assert f'href="{reverse("insight:estimates")}"' in page
    assert "Estimate the hidden number" in page


@pytest.mark.parametrize(
    ("value", "said"), [(11_312.99, "11,300"), (954.4, "954"), (123_456.0, "123,000"), (8_568.99, "8,570")]
)
def test_numbers_of_people_are_said_to_three_figures(value: float, said: str) -> None:
    from threefold.insight.estimate_views import about

    assert about(value) == said


def test_a_stalled_estimate_says_so_stops_polling_and_is_started_again_once(
    analyst: Actor, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(services, "_enqueue", queued.append)  # no worker: it stays queued
    made = create(analyst, run=django_capture_on_commit_callbacks)
    client = login(Client(), analyst)
    url = reverse("insight:estimate_progress", args=[made.pk])
    assert not made.stalled
    with pytest.raises(services.NotStalledError):
        services.restart_estimate(analyst, made)

    long_ago = timezone.now() - ESTIMATE_STALLED_AFTER - timedelta(seconds=1)
    Estimate.objects.filter(pk=made.pk).update(status=EstimateStatus.RUNNING, progress_at=long_ago)
    made.refresh_from_db()
    stalled = text_of(client.get(url))
    assert made.stalled
    assert "has stopped, or is not running" in stalled
    assert "hx-trigger" not in stalled  # the notice is read once, not every 2 s

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight:estimate_restart", args=[made.pk]))
    made.refresh_from_db()
    assert response.status_code == 302
    assert (made.status, made.stalled, queued) == (EstimateStatus.QUEUED, False, [made.pk, made.pk])
    entry = AuditEntry.objects.filter(object_id=str(made.pk), action=Action.UPDATE).latest("seq")
    assert entry.details["restarted"] is True
    assert 'hx-trigger="every 2s"' in text_of(client.get(url))
