"""Rebuild the country reference files Threefold ships (reference/countries/) from the published files.

    python manage.py build_country_reference [--from DIR] [--out DIR]

For maintainers: run it after putting newer published files in ``--from`` (by default THREEFOLD_SHARED_DATA,
../shared/data), read the diff, and commit. Nothing is written unless every file reads without a problem. The
hand-kept regional instruments (coe_cets_197.csv, asean_actip.csv) are left as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from threefold.countries.loaders.results import BadFileError
from threefold.countries.reference import build
from threefold.countries.services import REFERENCE_DIR


class Command(BaseCommand):
    help = (
        "Rebuild reference/countries/ from the published files (UNTC, GLOTIP, TIP tiers, Kelley, Walk Free)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="source", type=Path, default=None, help="folder of published files"
        )
        parser.add_argument(
            "--out", type=Path, default=REFERENCE_DIR, help="folder to write (reference/countries)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"] or Path(settings.SHARED_DATA_DIR)
        out: Path = options["out"]
        try:
            built = build(source, out, schema_dir=REFERENCE_DIR)
        except BadFileError as exc:
            raise CommandError(f"{exc} (nothing written)") from None
        for item in built:
            self.stdout.write(f"{item.kind}: {out / item.file}: {item.rows} rows")
