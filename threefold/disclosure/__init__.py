"""Statistical disclosure control for published two-way count tables. Pure Python: no Django here.

Why
---
A published table of screenings by setting by outcome must not let anyone work out that one, two or three
identifiable people are in a cell. Hiding the small cells is not enough: the totals printed beside the table let
a reader subtract the shown cells from a row total and get the hidden one back. This package decides which
counts a page may show, so that no hidden count can be worked out, exactly or nearly, from what is shown.

How (`suppress`)
----------------
1. Primary suppression. Every count with ``0 < count < k`` (default k = 11) is hidden: cells, row and column
   totals, and the grand total alike. Its status is PRIMARY; a page may print "fewer than 11".
2. Zeros. By default a true zero is shown: it points at nobody, and hiding every empty combination would hide
   much of a sparse table. Showing zeros has two costs, which is why ``publish_zeros=False`` exists. (a) With
   zeros shown, "fewer than 11" tells the reader "at least 1": someone is there. (b) A row whose counts are all
   0 but one tells the reader that everyone in that row had that outcome (group disclosure), however big the
   count. Pass ``publish_zeros=False`` when an outcome is itself sensitive; zeros are then PRIMARY too. When
   the table cannot be protected with zeros shown (a total "fewer than 3" over two "fewer than 3" cells: both
   cells must be 1), `suppress` hides the zeros by itself and says so in ``ProtectedTable.publish_zeros``.
   A page should print the rule it was given there: with zeros hidden, "fewer than 11" includes 0.
3. Complementary (secondary) suppression. More counts are hidden, status SECONDARY ("suppressed to protect
   another cell"), until no hidden count can be narrowed down. Candidates are cells first, the smallest
   counts first; a total is hidden only when no choice of cells alone protects. Candidates come in
   rectangles: four hidden counts at the corners of two rows and two columns (a totals row or column
   included) can be shifted, two up and two down, without changing any sum, so the reader cannot tell the
   real table from the shifted ones.
4. The check that decides. Then, for every hidden count, the smallest and the largest value it can take in any
   table that matches everything published is computed (`threefold.disclosure.intervals`: the table with its
   totals is a network, the tables matching what is published are its flows, and each bound is one maximum
   flow; the same numbers as linear programming, which the tests check). More counts are hidden until every
   such interval is at least ``protection`` wide (``highest - lowest >= protection``; default ``(k - 1) // 2``,
   so 5 for k = 11: a "fewer than 11" cell is never narrowed to fewer than six possible values). The answer is
   returned only once this check passes.

What the reader is assumed to know: every shown count and total, the status of every hidden count (so
"fewer than k" means ``[1, k-1]``, or ``[0, k-1]`` when zeros are hidden, and "to protect another cell" means
at least k), that every row and column adds up to its total, and that counts are whole and non-negative.
Whole numbers cannot make an interval misleading: the extreme points of the flows are whole-number tables (see
`threefold.disclosure.intervals`). A 20 x 10 table takes about a hundredth of a second, two when nearly every
count in it is small; the CTDC 2018 cross-tab of citizenship x age x recruiter (153 x 16, 2,539 counts hidden)
about a second.

Limits
------
- One table against its own totals. Tables published elsewhere from the same records (the same settings by
  sex, last month's table, a table sharing a total) can be subtracted from this one: linked tables need joint
  protection, which this package does not do. Publish each population once, or protect the linked set together.
- The reader is assumed not to reason about the choices of the algorithm itself ("this cell was picked as the
  cheapest partner, so its neighbours are larger"). Results are deterministic, which prevents differencing two
  runs on the same table, but not that reasoning.
- Group disclosure (everyone in a row has the same outcome) is only avoided by hiding zeros, see 2.
- Protection is an interval width, not a probability: it does not cover releases over time (a count that
  grows from 9 to 12 between two months reveals 3 newcomers).
- `CannotProtectError` is raised when no pattern protects the table; the caller must then publish nothing of
  it. In testing this happened only when ``protection`` asked for the whole band (``k - 1`` with zeros
  hidden: every hidden count anywhere from 0 to k - 1), which k = 2 always does.
- Time. The check grows with the square of the number of hidden counts that share rows and columns. A table
  whose check would exceed `threefold.disclosure.suppression.MAX_CHECK_WORK` (about two seconds) raises
  `TooDetailedError`, a `CannotProtectError`: at once when its small counts alone are too many, otherwise before
  the check that would go over. Count by fewer or coarser fields.
"""

from threefold.disclosure.suppression import (
    DEFAULT_K,
    CannotProtectError,
    TooDetailedError,
    default_protection,
    suppress,
)
from threefold.disclosure.table import Cell, CountTable, ProtectedTable, Status

__all__ = [
    "DEFAULT_K",
    "CannotProtectError",
    "Cell",
    "CountTable",
    "ProtectedTable",
    "Status",
    "TooDetailedError",
    "default_protection",
    "suppress",
]
