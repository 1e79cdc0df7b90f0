"""Print a protected table of a dataset:
``python manage.py stats DATASET --by gender,isSexualExploit [--k 11 | --epsilon 1.0] --format csv|json``,
or a differentially private mean: ``python manage.py stats DATASET --mean yearOfRegistration --bounds
2000,2025 --epsilon 0.5 --user EMAIL``.

By default the table is protected by cell suppression (k = 11). ``--epsilon`` makes a differentially private
release instead, spending that much of the dataset's budget in the name of ``--user`` (an analyst), refused
past the budget. ``--mean`` releases the mean of a numeric field that way, its values clamped into
``--bounds``. ``--raw`` prints true counts, only for a ``--user`` with an explicit raw-counts allowance.
Every table printed is audited.
"""

from __future__ import annotations

import itertools
import math
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
from threefold.insight.releases import MEAN_ERROR_EXAMPLES, numeric_levels, numeric_values

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


def parse_bounds(option: str) -> tuple[float, float]:
    """``--bounds LOWER,UPPER``: two finite numbers, the lower below the upper."""
    lower_text, sep, upper_text = option.partition(",")
    try:
        if not sep:
            raise ValueError(option)
        lower, upper = float(lower_text), float(upper_text)
    except ValueError:
        lower = upper = math.nan
    if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
        raise CommandError(
            f"--bounds takes two numbers LOWER,UPPER with LOWER below UPPER, for example 2000,2025; "
            f"not {option!r}."
        )
    return lower, upper


class Command(BaseCommand):
    help = "Print a protected (suppressed or differentially private) table of a dataset as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", help="The dataset's name or id.")
        parser.add_argument(
            "--table",
            default="",
            help="For a dataset of linked tables (US prosecutions): cases (the default), defendants or judges.",
        )
        parser.add_argument("--by", help="Fields to count by, comma-separated (or --mean).")
        parser.add_argument(
            "--mean", metavar="FIELD", help="Release the mean of a numeric field instead (needs --epsilon)."
        )
        parser.add_argument(
            "--bounds",
            metavar="LOWER,UPPER",
            help=(
                "For --mean: values are clamped into this range, chosen without looking at the data "
                "(write --bounds=-5,5 when the lower bound is negative)."
            ),
        )
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
        self._check_choice(options)
        by = [field.strip() for field in (options["by"] or "").split(",") if field.strip()]
        where = parse_where(options["where"])
        try:
            frame = access.frame_of(dataset, options["table"])
        except FrameError as error:
            tables = ", ".join(access.tables_of(dataset))
            raise CommandError(f"{error}: this dataset has {tables}.") from error
        source = f"{dataset.pk}/{options['table']}" if options["table"] else str(dataset.pk)
        first = next(iter(access.tables_of(dataset)))
        private = options["epsilon"] is not None or options["mean"] is not None
        if private and options["table"] and options["table"] != first:
            # The ledger records a release by field: it would not say which table the field was of.
            raise CommandError(f"Differentially private releases are made from the {first} table only.")
        try:
            for name in [*by, *where]:
                frame.column(name)
            if options["mean"] is not None:
                text = self._mean(dataset, frame, where, options)
            elif options["epsilon"] is not None:
                text = self._private(dataset, frame, by, where, options)
            elif options["raw"]:
                actor = self._actor(options, organisation.pk)
                counts = access.raw_table(actor, frame, by, where=where, source=source)
                rows = output.tally_rows(counts)
                text = self._format(
                    rows, options["format"], dataset=dataset.name, protection="none (raw counts)"
                )
            else:
                reader = access.CommandReader(organisation.pk, system_actor_label("stats"))
                published = access.protected_table(
                    reader, frame, by, where=where, k=options["k"], source=source
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

    def _check_choice(self, options: dict[str, Any]) -> None:
        """Either a table (--by) or a mean (--mean with --bounds and --epsilon), and nothing of the other."""
        if options["mean"] is None:
            if options["bounds"] is not None:
                raise CommandError("--bounds goes with --mean FIELD.")
            if not (options["by"] or "").strip(","):
                raise CommandError(
                    "Say what to count by (--by FIELD[,FIELD...]) or what to average (--mean FIELD)."
                )
            return
        if options["by"] is not None:
            raise CommandError("Give --by for a table or --mean for a mean, not both.")
        if options["raw"]:
            raise CommandError("A mean is released with differential privacy only: --raw does not apply.")
        if options["epsilon"] is None:
            raise CommandError(
                "A mean is released with differential privacy only: give --epsilon (and --user)."
            )
        if options["bounds"] is None:
            raise CommandError(
                "--mean needs --bounds LOWER,UPPER: the range the field's values can plausibly take, chosen "
                "without looking at the data (values outside it are clamped)."
            )

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

    def _mean(
        self, dataset: Dataset, frame: Frame, where: dict[str, list[str]], options: dict[str, Any]
    ) -> str:
        field: str = options["mean"].strip()
        lower, upper = parse_bounds(options["bounds"])
        column = frame.column(field)
        if numeric_levels(column) is None:
            raise CommandError(
                f"{field} is not a numeric field: a mean needs a field whose every known value is a number "
                "(such as yearOfRegistration)."
            )
        actor = self._actor(options, dataset.organisation_id)
        epsilon: float = options["epsilon"]
        plan = privacy.plan_mean(lower, upper, epsilon)
        examples = ", ".join(f"±{plan.mean_error(n):.4g} over {n:,} values" for n in MEAN_ERROR_EXAMPLES)
        self.stderr.write(
            f"The number of known values will be within ±{plan.count_error:g} of the true number and the mean "
            f"within {examples}, each {plan.confidence:.0%} of the time (ε = {epsilon:g}, values clamped into "
            f"[{lower:g}, {upper:g}])."
        )
        mask = frame.mask(where) if where else None

        def values() -> list[float]:
            numbers = numeric_values(column)
            if mask is None:
                return numbers
            return [number for number, kept in zip(numbers, mask, strict=True) if kept]

        try:
            row = services.release(
                actor,
                dataset,
                kind="mean",
                field=field,
                epsilon=epsilon,
                make=lambda: privacy.release_mean(values(), lower, upper, epsilon),
                query={"lower": lower, "upper": upper, "where": where},
            )
        except privacy.BudgetExceededError as error:
            raise CommandError(f"Refused: {error}") from error
        display = row.result["display"]
        rows = [{"field": field, "noisy_mean": display["mean"], "noisy_count": display["count"]}]
        return self._format(
            rows,
            options["format"],
            dataset=dataset.name,
            protection=f"differential privacy, ε = {epsilon:g} ({row.mechanism})",
            bounds=[lower, upper],
            release=row.pk,
        )

    def _format(self, rows: list[dict[str, Any]], fmt: str, **about: Any) -> str:
        if fmt == "json":
            return output.to_json(rows, **about)
        return output.to_csv(rows)
