"""Within-organisation de-duplication of person records: Fellegi-Sunter (Splink, DuckDB) tuned for trafficking data.

Pure Python (no Django import): records come in as ``DedupeRecord`` values, pairs come out with a match
probability and a band, for a person to review. Nothing is ever merged automatically.

* ``records``: one person record as dedupe sees it, and its preparation into comparison columns (transliterated,
  sorted name tokens and phonetic keys from ``threefold.vault.names``; birth year, month and day with how precise
  the date is; ONE combined address string, so that street, locality, postcode and region cannot vote separately).
* ``settings``: the Splink model: comparisons and blocking rules that never rely on an address (people move).
* ``run``: ``find_duplicates`` (train by EM, predict, band) and ``clusters``.
"""

from threefold.protect.dedupe.records import DedupeRecord, prepare
from threefold.protect.dedupe.run import Band, Pair, clusters, find_duplicates

__all__ = ["Band", "DedupeRecord", "Pair", "clusters", "find_duplicates", "prepare"]
