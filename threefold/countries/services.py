"""Loading the country reference files into the database: all or nothing, one current file per kind.

Each ``load_*`` reads a file with its pure reader (``threefold.countries.loaders``), then:

- if the reader found problems and ``accept_valid`` is False, stores nothing and returns a refused report
  listing every problem with its line, so the file can be fixed;
- otherwise, in one transaction, deletes the previous load of the same kind (its ``ReferenceSource`` and, by
  cascade, its rows), records the new ``ReferenceSource`` (file name, SHA-256, counts, citation) and stores the
  valid rows. An error half-way leaves the previous data in place.

A file that is not of the expected kind at all raises ``BadFileError`` (from the reader); so does a file that
would leave no rows, which would otherwise silently wipe the loaded data of its kind.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.db import models, transaction

from threefold.countries import citations
from threefold.countries.citations import Citation
from threefold.countries.loaders.glotip import GlotipRow, parse_glotip
from threefold.countries.loaders.results import BadFileError, Parsed, Problem
from threefold.countries.loaders.tiers import TierRow, parse_tip_tiers
from threefold.countries.loaders.treaties import Treaty as LoaderTreaty
from threefold.countries.loaders.treaties import TreatyRow, parse_treaty_status
from threefold.countries.models import (
    GlotipFigure,
    ReferenceSource,
    SourceKind,
    TipTier,
    Treaty,
    TreatyStatus,
)

BATCH_SIZE = 2_000
RowT = TypeVar("RowT")
ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class LoadReport:
    kind: str  # a SourceKind value
    file_name: str
    rows_read: int
    rows_loaded: int
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    loaded: bool  # False: refused because of problems, nothing changed in the database
    seconds: float

    def lines(self, max_problems: int = 50) -> list[str]:
        """The report as text lines, for the management command and logs (problems capped at max_problems)."""
        verdict = "loaded" if self.loaded else "REFUSED, nothing loaded"
        out = [
            f"{self.kind}: {self.file_name}: {verdict}; {self.rows_read} rows read, {self.rows_loaded} loaded, "
            f"{len(self.problems)} problems ({self.seconds:.1f} s)"
        ]
        out += [f"  note: {note}" for note in self.notes]
        out += [f"  problem: {problem}" for problem in self.problems[:max_problems]]
        if len(self.problems) > max_problems:
            out.append(f"  ... and {len(self.problems) - max_problems} more problems")
        return out


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _store(
    kind: SourceKind,
    path: Path,
    parsed: Parsed[RowT],
    *,
    accept_valid: bool,
    citation: Citation,
    to_model: Callable[[ReferenceSource, RowT], ModelT],
    model: type[ModelT],
    started: float,
) -> LoadReport:
    def report(loaded: bool) -> LoadReport:
        return LoadReport(
            kind=kind.value,
            file_name=path.name,
            rows_read=parsed.rows_read,
            rows_loaded=len(parsed.rows) if loaded else 0,
            problems=parsed.problems,
            notes=parsed.notes,
            loaded=loaded,
            seconds=time.monotonic() - started,
        )

    if parsed.problems and not accept_valid:
        return report(loaded=False)
    if not parsed.rows:
        raise BadFileError(
            f"{path.name}: no valid data rows ({parsed.rows_read} read, {len(parsed.problems)} with problems); "
            "refusing to replace the loaded data with nothing"
        )
    sha256 = sha256_of(path)
    # The reading above (15 s for the GLOTIP workbook) stays outside the transaction: only the writes hold it.
    with transaction.atomic():
        ReferenceSource.objects.filter(kind=kind).delete()
        source = ReferenceSource.objects.create(
            kind=kind,
            file_name=path.name,
            sha256=sha256,
            rows_read=parsed.rows_read,
            row_count=len(parsed.rows),
            rows_refused=parsed.rows_read - len(parsed.rows),
            citation=citation.text,
            terms=citation.terms,
            notes=list(parsed.notes),
        )
        model._default_manager.bulk_create(
            (to_model(source, row) for row in parsed.rows), batch_size=BATCH_SIZE
        )
    return report(loaded=True)


def _treaty_status(treaty: Treaty) -> Callable[[ReferenceSource, TreatyRow], TreatyStatus]:
    def build(source: ReferenceSource, row: TreatyRow) -> TreatyStatus:
        return TreatyStatus(
            source=source,
            treaty=treaty,
            country_alpha3=row.country.alpha3,
            country_alpha2=row.country.alpha2,
            participant=row.participant,
            signed_on=row.signed_on,
            ratified_on=row.ratified_on,
            action=row.action.value if row.action else "",
            line=row.line,
        )

    return build


def _tip_tier(source: ReferenceSource, row: TierRow) -> TipTier:
    return TipTier(
        source=source,
        country_alpha3=row.country.alpha3,
        country_alpha2=row.country.alpha2,
        country_name=row.country_name,
        year=row.year,
        tier=row.tier.value,
        line=row.line,
    )


def _glotip_figure(source: ReferenceSource, row: GlotipRow) -> GlotipFigure:
    return GlotipFigure(
        source=source,
        line=row.line,
        country_alpha3=row.country.alpha3,
        country_alpha2=row.country.alpha2,
        country_name=row.country_name,
        region=row.region,
        subregion=row.subregion,
        year=row.year,
        indicator=row.indicator.value,
        dimension=row.dimension.value,
        category=row.category,
        sex=row.sex.value,
        age=row.age.value,
        unit=row.unit,
        value=row.value,
        censored_below=row.censored_below,
        published_value=row.published_value,
    )


def load_treaty(path: Path, treaty: Treaty | str, *, accept_valid: bool = False) -> LoadReport:
    """Load the UNTC status file of one treaty (``Treaty.PALERMO_PROTOCOL`` or ``Treaty.UNTOC``)."""
    started = time.monotonic()
    chosen = Treaty(treaty)
    parsed = parse_treaty_status(path, LoaderTreaty(chosen.value))
    kind, citation = {
        Treaty.PALERMO_PROTOCOL: (SourceKind.PALERMO_PROTOCOL, citations.PALERMO_PROTOCOL),
        Treaty.UNTOC: (SourceKind.UNTOC, citations.UNTOC),
    }[chosen]
    return _store(
        kind,
        path,
        parsed,
        accept_valid=accept_valid,
        citation=citation,
        to_model=_treaty_status(chosen),
        model=TreatyStatus,
        started=started,
    )


def load_tip_tiers(path: Path, *, accept_valid: bool = False) -> LoadReport:
    started = time.monotonic()
    parsed = parse_tip_tiers(path)
    return _store(
        SourceKind.TIP_TIERS,
        path,
        parsed,
        accept_valid=accept_valid,
        citation=citations.TIP_TIERS,
        to_model=_tip_tier,
        model=TipTier,
        started=started,
    )


def load_glotip(
    path: Path, *, accept_valid: bool = False, on_progress: Callable[[int], None] | None = None
) -> LoadReport:
    """Load the UNODC GLOTIP export. ``on_progress(rows_read)`` is called every 10,000 rows while reading."""
    started = time.monotonic()
    parsed = parse_glotip(path, on_progress=on_progress)
    return _store(
        SourceKind.GLOTIP,
        path,
        parsed,
        accept_valid=accept_valid,
        citation=citations.GLOTIP,
        to_model=_glotip_figure,
        model=GlotipFigure,
        started=started,
    )
