"""Print a protected table of a dataset:
``python manage.py stats DATASET --by gender,isSexualExploit [--k 11 | --epsilon 1.0] --format csv|json``.

By default the table is protected by cell suppression (k = 11). ``--epsilon`` makes a differentially private
release instead, spending that much of the dataset's budget in the name of ``--user`` (an analyst), refused
past the budget. ``--raw`` prints true counts, only for a ``--user`` with an explicit raw-counts allowance.
Every table printed is audited.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.accounts.actor import Actor, system_actor_label
from threefold.accounts.models import Membership
from threefold.disclosure import CannotProtectError
from threefold.insight import access, services
from threefold.insight.core import output, privacy
from threefold.insight.core.frame import MISSING, Frame, FrameError
from threefold.insight.management.commands.import_ctdc import organisation_from
from threefold.insight.models import Dataset

# Joins the keys of one cell of a private histogram: a control character, which the CTDC reader refuses in
# values, so no value can contain it.
KEY_SEPARATOR = "\x1f"


def parse_where(options: list[str]) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for option in options:
        field, sep, values = option.partition("=")
        if not sep or not field.strip():
            raise CommandError(f"--where takes FIELD=VALUE[,VALUE...], not {option!r}.")
        where.setdefault(field.strip(), []).extend(value.strip() for value in values.split(","))
    return where


def _shown(value: str) -> str:
    return output.UNKNOWN if value == MISSING else value


class Command(BaseCommand):
    help = "Print a protected (suppressed or differentially private) table of a dataset as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", help="The dataset's name or id.")
        parser.add_argument("--by", required=True, help="Fields to count by, comma-separated.")
        parser.add_argument("--where", action="append", default=[], help="FIELD=VALUE[,VALUE...] filter.")
        protection = parser.add_mutually_exclusive_group()
        protection.add_argument("--k", type=int, default=11, help="Suppress counts below k (default 11).")
        protection.add_argument("--epsilon", type=float, help="Release with differential privacy instead.")
        protection.add_argument("--raw", action="store_true", help="True counts (explicit allowance only).")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--organisation", type=int, help="Organisation id (needed when there are several)."
        )
        parser.add_argument("--user", help="E-mail of the member acting (needed for --epsilon and --raw).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_from(options["organisation"])
        try:
            dataset = access.command_dataset(organisation.pk, options["dataset"])
        except Dataset.DoesNotExist as error:
            raise CommandError(str(error)) from error
        by = [field.strip() for field in options["by"].split(",") if field.strip()]
        where = parse_where(options["where"])
        frame = access.frame_of(dataset)
        try:
            for name in [*by, *where]:
                frame.column(name)
            if options["epsilon"] is not None:
                text = self._private(dataset, frame, by, where, options)
            elif options["raw"]:
                actor = self._actor(options, organisation.pk)
                counts = access.raw_table(actor, frame, by, where=where, source=str(dataset.pk))
                rows = output.tally_rows(counts)
                text = self._format(
                    rows, options["format"], dataset=dataset.name, protection="none (raw counts)"
                )
            else:
                reader = access.CommandReader(organisation.pk, system_actor_label("stats"))
                published = access.protected_table(
                    reader, frame, by, where=where, k=options["k"], source=str(dataset.pk)
                )
                rows = output.published_rows(published)
                text = self._format(
                    rows,
                    options["format"],
                    dataset=dataset.name,
                    protection=f"cell suppression, k = {options['k']}",
                )
        except (FrameError, ValueError, CannotProtectError) as error:
            raise CommandError(str(error)) from error
        except PermissionDenied as error:
            raise CommandError(
                "This member may not do that (see the role and the raw-counts allowance)."
            ) from error
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")

    def _actor(self, options: dict[str, Any], organisation_id: int) -> Actor:
        if not options["user"]:
            raise CommandError("Say who is acting: --user EMAIL (a member of the organisation).")
        membership = (
            Membership.objects.select_related("user", "organisation")
            .filter(user__email__iexact=options["user"], organisation_id=organisation_id, is_active=True)
            .first()
        )
        if membership is None:
            raise CommandError(
                f"{options['user']} is not an active member of organisation {organisation_id}."
            )
        return Actor(membership.user, membership, ip=None)

    def _private(
        self,
        dataset: Dataset,
        frame: Frame,
        by: list[str],
        where: dict[str, list[str]],
        options: dict[str, Any],
    ) -> str:
        actor = self._actor(options, dataset.organisation_id)
        epsilon: float = options["epsilon"]
        # Cells are every combination of the fields' values, fixed by the dataset's published levels (not by
        # which combinations occur), so the list of cells itself reveals nothing.
        columns = [frame.column(name) for name in by]
        categories = [
            KEY_SEPARATOR.join(map(_shown, key))
            for key in itertools.product(*(c.every_key() for c in columns))
        ]
        if len(categories) > 5000:
            raise CommandError(
                f"{len(categories):,} cells is too many for one release: count by fewer fields."
            )
        mask = frame.mask(where) if where else None
        values = [
            KEY_SEPARATOR.join(map(_shown, key)) for key in zip(*(c.values() for c in columns), strict=True)
        ]
        if mask is not None:
            values = [value for value, kept in zip(values, mask, strict=True) if kept]
        plan = privacy.plan_histogram(categories, epsilon)
        self.stderr.write(
            f"Each count will be within ±{plan.expected_error:g} of the true count "
            f"{plan.confidence:.0%} of the time (ε = {epsilon:g})."
        )
        try:
            row = services.release(
                actor,
                dataset,
                kind="histogram",
                field=",".join(by),
                epsilon=epsilon,
                make=lambda: privacy.release_histogram(values, categories, epsilon),
                query={"by": by, "where": where},
            )
        except privacy.BudgetExceededError as error:
            raise CommandError(f"Refused: {error}") from error
        display = row.result["display"]
        rows = []
        for category in categories:
            line: dict[str, Any] = dict(zip(by, category.split(KEY_SEPARATOR), strict=True))
            line["noisy_count"] = max(0, round(display[category]))
            rows.append(line)
        return self._format(
            rows,
            options["format"],
            dataset=dataset.name,
            protection=f"differential privacy, ε = {epsilon:g} ({row.mechanism})",
            expected_error=plan.expected_error,
            release=row.pk,
        )

    def _format(self, rows: list[dict[str, Any]], fmt: str, **about: Any) -> str:
        if fmt == "json":
            return output.to_json(rows, **about)
        return output.to_csv(rows)
