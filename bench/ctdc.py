"""The statistics core on the real CTDC 2018 file, each step timed next to pandas doing the same work.

    .venv/bin/python bench/ctdc.py [--repeat 5] [--path FILE]

The file is ``ctdc_global_dataset_2018_sure2018.csv`` in ``$THREEFOLD_SHARED_DATA`` (by default
``../shared/data`` beside the repository); the script stops with a message when it is absent. Every step is run
``--repeat`` times (fast steps in loops of several calls, so that a run lasts at least a fifth of a second) and
the best and the median time of one call are printed. The ratio is ours over pandas, on the median.

1. Import. Ours: ``read_ctdc_path`` (every cell validated and normalised, every problem with its line number)
   then ``Frame.from_records`` and ``Frame.to_bytes`` (what is stored). Pandas: ``read_csv(dtype=str,
   keep_default_na=False)``, the same missing spellings turned into NA ("NA" left alone in the two country
   columns, where it is Namibia), then ``astype("category")`` per column. Pandas validates nothing, so the
   ratio is the price of validation and of the stored form.
2. A 5-way cross-tab (yearOfRegistration x gender x ageBroad x citizenship x isSexualExploit). Ours:
   ``tally`` on a loaded frame, and ``Frame.from_bytes`` + ``tally`` (a page on a cold cache). Pandas:
   ``groupby(observed=True, dropna=False).size()`` on the loaded dataframe, and end to end ``read_csv`` of the
   whole file + the missing spellings of the five columns + the same groupby. Both must give the same non-zero
   counts (pandas restricted to the records the reader accepted; missing is "" for us, NA for pandas): the
   script exits with status 1 if they do not. Target from the issue: within 2x of pandas.
3. Protection (``protect`` of a tally: primary suppression, then secondary suppression checked by maximum
   flows) of two-way tables: gender x isSexualExploit, citizenship x ageBroad and yearOfRegistration x
   CountryOfExploitation, which have no small count in this k-anonymised file, two with RecruiterRelationship,
   which do, and two three- and four-way tables with thousands of small counts: citizenship x ageBroad x
   RecruiterRelationship (153 x 16, 2,539 counts hidden; 44 s with one linear program per bound, the case that
   made the check a maximum flow), and the same by isForcedLabour, which is refused as too detailed
   (`threefold.disclosure.TooDetailedError`): the time printed is then the time to refuse. The work of the
   checks (`IntervalCheck.work`, bounded by `threefold.disclosure.suppression.MAX_CHECK_WORK`) is printed too.

This is a script run on demand, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from timing import ms, timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILE_NAME = "ctdc_global_dataset_2018_sure2018.csv"
CROSS_TAB = ("yearOfRegistration", "gender", "ageBroad", "citizenship", "isSexualExploit")
PROTECTED = (
    ("gender", "isSexualExploit"),
    ("citizenship", "ageBroad"),
    ("yearOfRegistration", "CountryOfExploitation"),
    # The file is k-anonymised: the three tables above have no count from 1 to 10, so nothing is suppressed and
    # no linear program runs. RecruiterRelationship is not among the anonymised fields: these two have small
    # counts and time the real work of suppression.
    ("ageBroad", "RecruiterRelationship"),
    ("citizenship", "RecruiterRelationship"),
    # Thousands of small counts in one entangled piece: protected in about a second, and refused.
    ("citizenship", "ageBroad", "RecruiterRelationship"),
    ("isForcedLabour", "citizenship", "ageBroad", "RecruiterRelationship"),
)


def row(label: str, times: tuple[float, float]) -> None:
    best, median = times
    print(f"  {label:<44} best {ms(best)}   median {ms(median)}")


def data_path(given: str | None) -> Path:
    if given:
        return Path(given)
    folder = Path(os.environ.get("THREEFOLD_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
    return folder / FILE_NAME


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--path", help=f"the CTDC 2018 file (default: $THREEFOLD_SHARED_DATA/{FILE_NAME})")
    args = parser.parse_args()
    path = data_path(args.path)
    if not path.is_file():
        print(
            f"bench/ctdc.py: the real data file {path} is absent; set THREEFOLD_SHARED_DATA to the folder "
            f"holding {FILE_NAME} (default ../shared/data beside the repository), or pass --path",
            file=sys.stderr,
        )
        return 2

    import numpy as np
    import pandas as pd

    from threefold.disclosure import CannotProtectError, Status, suppression
    from threefold.disclosure.intervals import IntervalCheck
    from threefold.insight.core.crosstab import layout, protect, tally
    from threefold.insight.core.ctdc import MISSING_SPELLINGS, read_ctdc_path
    from threefold.insight.core.frame import MISSING, Frame

    repeat = args.repeat
    folded = {spelling.casefold() for spelling in MISSING_SPELLINGS}
    countries = {"citizenship", "CountryOfExploitation"}

    def to_na(column: pd.Series) -> pd.Series:
        """The column with the reader's missing spellings as NA (any case, spaces around; NA is a country)."""
        missing = [v for v in column.unique() if isinstance(v, str) and v.strip().casefold() in folded]
        if column.name in countries:
            missing = [v for v in missing if v.strip() != "NA"]
        return column.mask(column.isin(missing)) if missing else column

    # 1. Import -------------------------------------------------------------------------------------------
    def ours_import() -> tuple[object, Frame, bytes]:
        read = read_ctdc_path(path)
        frame = Frame.from_records(read.columns, read.records)
        return read, frame, frame.to_bytes()

    def pandas_load() -> pd.DataFrame:
        return pd.read_csv(path, dtype=str, keep_default_na=False)

    def pandas_import() -> pd.DataFrame:
        df = pandas_load()
        return pd.DataFrame({name: to_na(df[name]).astype("category") for name in df.columns})

    read, frame, stored = ours_import()
    df_all = pandas_import()
    # The same records on both sides: pandas keeps the lines the reader rejects (two blank, two bogus years).
    df = df_all.drop(index=[line - 2 for line in read.rejected_lines]).reset_index(drop=True)
    import_ours = timed(ours_import, repeat)
    read_only = timed(lambda: read_ctdc_path(path), repeat)
    encode_only = timed(lambda: Frame.from_records(read.columns, read.records), repeat)
    store_only = timed(frame.to_bytes, repeat)
    import_pandas = timed(pandas_import, repeat)
    csv_only = timed(pandas_load, repeat)
    rate = len(read.records) / import_ours[1]

    # 2. Cross-tab ----------------------------------------------------------------------------------------
    by = list(CROSS_TAB)

    def pandas_groupby(data: pd.DataFrame) -> pd.Series:
        return data.groupby(by, observed=True, dropna=False).size()

    def pandas_end_to_end() -> pd.Series:
        data = pandas_load()
        return pandas_groupby(pd.DataFrame({name: to_na(data[name]) for name in by}))

    ours_counts = {keys: count for keys, count in tally(frame, by).nonzero()}
    peer = pandas_groupby(df)
    pandas_counts = {
        tuple(MISSING if pd.isna(value) else str(value) for value in keys): int(count)
        for keys, count in peer.items()
        if count
    }
    agree = ours_counts == pandas_counts
    # End to end pandas counts every line of the file: the same, plus the lines the reader rejects.
    whole = pandas_end_to_end()
    agree_whole = int(whole.sum()) == len(read.records) + len(read.rejected_lines) == len(df_all)

    tally_loaded = timed(lambda: tally(frame, by), repeat)
    tally_cold = timed(lambda: tally(Frame.from_bytes(stored), by), repeat)
    from_bytes = timed(lambda: Frame.from_bytes(stored), repeat)
    groupby_loaded = timed(lambda: pandas_groupby(df), repeat)
    groupby_cold = timed(pandas_end_to_end, repeat)

    # 3. Protection ---------------------------------------------------------------------------------------
    work: list[int] = []  # IntervalCheck.work of the primary suppressions, then of each check (untimed call)
    real_check = suppression._Budget.refuse_beyond

    def record(budget: suppression._Budget, check: IntervalCheck) -> IntervalCheck:
        work.append(check.work)
        return real_check(budget, check)

    def protect_or_refuse(counts: object) -> object:
        try:
            return protect(counts)  # type: ignore[arg-type]
        except CannotProtectError as error:
            return error

    protections = []
    for fields in PROTECTED:
        counts = tally(frame, list(fields))
        work.clear()
        suppression._Budget.refuse_beyond = record  # type: ignore[method-assign]
        try:
            published = protect_or_refuse(counts)
        finally:
            suppression._Budget.refuse_beyond = real_check  # type: ignore[method-assign]
        # The first figure is the primary suppressions' lower bound; the others are the checks (a refused one last).
        checks = list(work)
        counted = timed(lambda counts=counts: protect_or_refuse(counts), repeat)
        whole_step = timed(lambda fields=fields: protect_or_refuse(tally(frame, list(fields))), repeat)
        protections.append((fields, published, checks, counted, whole_step))

    # Report ----------------------------------------------------------------------------------------------
    size_mb = path.stat().st_size / 1e6
    print(f"CTDC 2018 file: {path}")
    print(
        f"  {size_mb:.1f} MB, {read.data_lines:,} data lines, {len(read.records):,} valid records, "
        f"{len(read.rejected_lines)} rejected lines ({len(read.problems)} problems), {len(read.columns)} columns"
    )
    print(
        f"  stored frame {len(stored) / 1e3:,.0f} kB; best and median of {repeat}; numpy {np.__version__}, "
        f"pandas {pd.__version__}, Python {sys.version.split()[0]}"
    )
    print()
    print("1. Import")
    row("ours: read_ctdc_path + from_records + to_bytes", import_ours)
    row("  of which read_ctdc_path alone", read_only)
    row("  of which Frame.from_records alone", encode_only)
    row("  of which Frame.to_bytes alone", store_only)
    row("pandas: read_csv + missing to NA + category", import_pandas)
    row("  of which read_csv alone", csv_only)
    print(f"  ours/pandas {import_ours[1] / import_pandas[1]:.2f}x; import rate {rate:,.0f} records/s")
    print()
    print(f"2. Cross-tab by {' x '.join(CROSS_TAB)}")
    print(f"  {len(ours_counts):,} non-empty combinations of {tally(frame, by).counts.size:,}")
    row("ours: tally on a loaded frame", tally_loaded)
    row("pandas: groupby on a loaded dataframe", groupby_loaded)
    row("ours: Frame.from_bytes + tally (cold cache)", tally_cold)
    row("  of which Frame.from_bytes alone", from_bytes)
    row("pandas: read_csv + missing to NA + groupby", groupby_cold)
    print(
        f"  loaded: ours/pandas {tally_loaded[1] / groupby_loaded[1]:.2f}x; "
        f"end to end: ours/pandas {tally_cold[1] / groupby_cold[1]:.2f}x"
    )
    print(
        f"  counts agree: {'yes' if agree else 'no'} ({len(ours_counts):,} combinations, "
        f"{sum(ours_counts.values()):,} records); pandas end to end counts every line of the file: "
        f"{'yes' if agree_whole else 'no'} ({int(whole.sum()):,})"
    )
    if not agree:
        only_ours = set(ours_counts.items()) - set(pandas_counts.items())
        only_pandas = set(pandas_counts.items()) - set(ours_counts.items())
        print(f"  only ours: {sorted(only_ours)[:5]}; only pandas: {sorted(only_pandas)[:5]}")
    print()
    print("3. Protection (k = 11; pandas has no suppression, so there is no peer: timed alone)")
    for fields, published, checks, counted, whole_step in protections:
        layout_table, _ = layout(tally(frame, list(fields)))
        cells = len(layout_table.rows) * len(layout_table.columns)
        shape = f"{len(layout_table.rows)} rows x {len(layout_table.columns)} columns = {cells} cells"
        if isinstance(published, Exception):
            print(f"  {' x '.join(fields)}: {shape}; refused: {published}")
            row("protect(tally), to refuse", counted)
        else:
            table = published.table  # type: ignore[attr-defined]
            print(
                f"  {' x '.join(fields)}: {shape}; suppressed {table.count(Status.PRIMARY)} primary, "
                f"{table.count(Status.SECONDARY)} secondary (cells and totals), "
                f"zeros {'shown' if table.publish_zeros else 'hidden'}"
            )
            row("protect(tally)", counted)
            row("tally + protect", whole_step)
        if checks:
            print(
                f"  work: primary suppressions alone {checks[0]:,}; checks "
                f"{', '.join(f'{w:,}' for w in checks[1:]) or 'none'} "
                f"(limit {suppression.MAX_CHECK_WORK:,})"
            )
    print()
    print("Summary (ours / pandas, on the median)")
    print(
        f"  import                  {import_ours[1] / import_pandas[1]:6.2f}x   "
        f"({rate:,.0f} records/s, every cell validated)"
    )
    loaded_ratio = tally_loaded[1] / groupby_loaded[1]
    cold_ratio = tally_cold[1] / groupby_cold[1]
    for label, ratio in (("loaded", loaded_ratio), ("cold  ", cold_ratio)):
        verdict = "met" if ratio <= 2 else "missed"
        print(f"  5-way cross-tab, {label} {ratio:6.2f}x   target within 2x: {verdict}")
    for fields, published, _, counted, _ in protections:
        refused = " (refused)" if isinstance(published, Exception) else ""
        print(f"  protect {' x '.join(fields):<66} {ms(counted[1])} (no peer){refused}")
    print(f"  counts agree: {'yes' if agree else 'no'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
