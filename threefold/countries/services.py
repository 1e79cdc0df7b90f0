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
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction

from threefold.countries import citations
from threefold.countries.citations import Citation
from threefold.countries.loaders import shipped
from threefold.countries.loaders.criminalisation import CriminalisationRow, parse_criminalisation
from threefold.countries.loaders.glotip import GlotipRow, parse_glotip
from threefold.countries.loaders.regions import CountryRow, regions_from_glotip
from threefold.countries.loaders.results import BadFileError, Parsed, Problem
from threefold.countries.loaders.tiers import TierRow, parse_tip_tiers
from threefold.countries.loaders.treaties import Treaty as LoaderTreaty
from threefold.countries.loaders.treaties import TreatyRow, parse_treaty_status
from threefold.countries.loaders.walkfree import EDITION, WalkFreeRow, parse_walk_free
from threefold.countries.models import (
    Country,
    Criminalisation,
    GlotipFigure,
    ReferenceSource,
    SourceKind,
    TipTier,
    Treaty,
    TreatyStatus,
    WalkFreeEstimate,
)

# The reference data Threefold ships (see reference/countries/README.md and docs/adr/0024).
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference" / "countries"

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
    published: str = "",
    shipped: bool = False,
    complete: bool = True,
    allow_empty: bool = False,
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
    if not parsed.rows and not allow_empty:
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
            published=published,
            shipped=shipped,
            complete=complete,
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
            evidence=row.evidence,
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


def load_treaty(
    path: Path, treaty: Treaty | str, *, accept_valid: bool = False, published: str = ""
) -> LoadReport:
    """Load the UNTC status file of one treaty (``Treaty.PALERMO_PROTOCOL`` or ``Treaty.UNTOC``).
    ``published``: the date of the status ("2014-01"), which the file itself does not carry."""
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
        published=published,
    )


def load_tip_tiers(path: Path, *, accept_valid: bool = False, published: str = "") -> LoadReport:
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
        published=published or _years_published(parsed),
    )


def _years_published(parsed: Parsed[TierRow]) -> str:
    years = [row.year for row in parsed.rows]
    return f"{min(years)}-{max(years)}" if years else ""


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
        published=export_date(parsed.notes),
    )


def export_date(notes: tuple[str, ...]) -> str:
    """The export date the GLOTIP reader noted ("export dated 2025-04-14"), or ""."""
    return next(
        (note.removeprefix("export dated ") for note in notes if note.startswith("export dated ")), ""
    )


def _country(source: ReferenceSource, row: CountryRow) -> Country:
    return Country(
        source=source,
        alpha3=row.alpha3,
        alpha2=row.alpha2,
        numeric=row.numeric,
        name=row.name,
        region_code=row.region_code,
        region=row.region,
        subregion_code=row.subregion_code,
        subregion=row.subregion,
        line=row.line,
    )


def _criminalisation(source: ReferenceSource, row: CriminalisationRow) -> Criminalisation:
    return Criminalisation(
        source=source,
        country_alpha3=row.country.alpha3,
        country_alpha2=row.country.alpha2,
        year=row.year,
        level=row.level.value,
        line=row.line,
    )


def _walk_free(source: ReferenceSource, row: WalkFreeRow) -> WalkFreeEstimate:
    return WalkFreeEstimate(
        source=source,
        country_alpha3=row.country.alpha3,
        country_alpha2=row.country.alpha2,
        country_name=row.country_name,
        walk_free_region=row.region,
        edition=EDITION,
        population=row.population,
        prevalence_per_1000=row.prevalence_per_1000,
        estimated_number=row.estimated_number,
        line=row.line,
    )


def load_countries(path: Path, *, accept_valid: bool = False) -> LoadReport:
    """ISO countries with the M49 regions read from a UNODC GLOTIP export (.xlsx)."""
    started = time.monotonic()
    glotip = parse_glotip(path)
    return _store(
        SourceKind.COUNTRIES,
        path,
        regions_from_glotip(glotip),
        accept_valid=accept_valid,
        citation=citations.COUNTRIES,
        to_model=_country,
        model=Country,
        started=started,
        published=export_date(glotip.notes),
    )


def load_criminalisation(path: Path, *, accept_valid: bool = False) -> LoadReport:
    """Kelley's criminalisation snapshots (kelley_map_criminalization.csv layout)."""
    started = time.monotonic()
    return _store(
        SourceKind.CRIMINALISATION,
        path,
        parse_criminalisation(path),
        accept_valid=accept_valid,
        citation=citations.CRIMINALISATION,
        to_model=_criminalisation,
        model=Criminalisation,
        started=started,
    )


def load_walk_free(path: Path, *, accept_valid: bool = False) -> LoadReport:
    """Walk Free Global Slavery Index 2023 country summary."""
    started = time.monotonic()
    return _store(
        SourceKind.WALK_FREE,
        path,
        parse_walk_free(path),
        accept_valid=accept_valid,
        citation=citations.WALK_FREE,
        to_model=_walk_free,
        model=WalkFreeEstimate,
        started=started,
        published=str(EDITION),
    )


REGIONAL: dict[Treaty, tuple[SourceKind, Citation]] = {
    Treaty.CETS_197: (SourceKind.CETS_197, citations.CETS_197),
    Treaty.ACTIP: (SourceKind.ACTIP, citations.ACTIP),
}


def load_regional_treaty(
    path: Path, treaty: Treaty | str, *, accept_valid: bool = False, complete: bool = False
) -> LoadReport:
    """The status of a regional instrument from a file in the Threefold treaty layout (no body publishes one
    in a fixed layout); each row cites its own source. ``complete`` says the file lists every participant."""
    started = time.monotonic()
    chosen = Treaty(treaty)
    kind, citation = REGIONAL[chosen]
    return _store(
        kind,
        path,
        shipped.parse_treaty(path, LoaderTreaty(chosen.value)),
        accept_valid=accept_valid,
        citation=citation,
        to_model=_treaty_status(chosen),
        model=TreatyStatus,
        started=started,
        complete=complete,
    )


# --- the shipped reference data -------------------------------------------------------------------------------

# Kind -> (reader of the Threefold layout, row -> model instance, model).
SHIPPED_READERS: dict[SourceKind, tuple[Callable[[Path], Parsed[Any]], Callable[..., models.Model], type]] = {
    SourceKind.COUNTRIES: (shipped.parse_countries, _country, Country),
    SourceKind.PALERMO_PROTOCOL: (
        partial(shipped.parse_treaty, treaty=LoaderTreaty.PROTOCOL),
        _treaty_status(Treaty.PALERMO_PROTOCOL),
        TreatyStatus,
    ),
    SourceKind.UNTOC: (
        partial(shipped.parse_treaty, treaty=LoaderTreaty.UNTOC),
        _treaty_status(Treaty.UNTOC),
        TreatyStatus,
    ),
    SourceKind.CETS_197: (
        partial(shipped.parse_treaty, treaty=LoaderTreaty.CETS_197),
        _treaty_status(Treaty.CETS_197),
        TreatyStatus,
    ),
    SourceKind.ACTIP: (
        partial(shipped.parse_treaty, treaty=LoaderTreaty.ACTIP),
        _treaty_status(Treaty.ACTIP),
        TreatyStatus,
    ),
    SourceKind.TIP_TIERS: (shipped.parse_tiers, _tip_tier, TipTier),
    SourceKind.CRIMINALISATION: (shipped.parse_criminalisation, _criminalisation, Criminalisation),
    SourceKind.WALK_FREE: (shipped.parse_walk_free, _walk_free, WalkFreeEstimate),
    SourceKind.GLOTIP: (shipped.parse_glotip_totals, _glotip_figure, GlotipFigure),
}


def shipped_citation(entry: shipped.Entry) -> Citation:
    return Citation(
        text=f"{entry.citation} Shipped with Threefold as reference/countries/{entry.file} "
        f"(derived {entry.retrieved}).",
        terms=entry.terms,
    )


def load_shipped(
    directory: Path = REFERENCE_DIR, *, kinds: list[SourceKind] | None = None, only_missing: bool = False
) -> list[LoadReport]:
    """Load the reference data shipped with Threefold, each kind all or nothing (a shipped file with a
    problem is refused, with its lines, and leaves that kind as it was). ``only_missing`` leaves alone every kind
    already loaded, so data imported from newer files is never replaced by the older shipped data."""
    entries = shipped.read_manifest(directory)
    loaded = set(ReferenceSource.objects.values_list("kind", flat=True)) if only_missing else set()
    reports = []
    for kind, (read, to_model, model) in SHIPPED_READERS.items():
        entry = entries.get(kind.value)
        if entry is None or (kinds is not None and kind not in kinds) or kind.value in loaded:
            continue
        started = time.monotonic()
        path = directory / entry.file
        parsed = read(path)
        reports.append(
            _store(
                kind,
                path,
                Parsed(parsed.rows, parsed.problems, (*parsed.notes, *entry.notes), parsed.rows_read),
                accept_valid=False,
                citation=shipped_citation(entry),
                to_model=to_model,
                model=model,
                started=started,
                published=entry.published,
                shipped=True,
                complete=entry.complete,
                allow_empty=not entry.complete,
            )
        )
    return reports
