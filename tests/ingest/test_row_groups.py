"""A facts file checked in place reads only the row groups that may hold the months asked for (issue 18).

The row groups are chosen from the file's statistics (:func:`guozi.ingest.contract.staged._row_ranges`, from its footer):
a group is left out only when every one of its rows has one well-formed month that is not asked
for. The rows a check reads, and so its problems and good rows, are those of the same filter over
every row group.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from guozi.catalog import load_catalog
from guozi.ingest.contract.facts import FactChecker
from guozi.ingest.contract.staged import _row_ranges
from guozi.ingest.rules import load_rules
from guozi.kernel.errors import Problem
from guozi.workspace.inplace import rows_where, span_months

# Four row groups of two rows each (row numbers 0..7 in the file, 2..9 as the contract counts
# with the header as row 1):
#   group 0: 2025-11 twice        -> one month not asked for: left out (its bad value is not read)
#   group 1: 2025-12 twice        -> asked for: read
#   group 2: 2025-10 and "2025-13" -> two periods (min differs from max): read; "2025-13" is not a month
#   group 3: " 2025-09" twice     -> spaces around: read (the filter trims; the statistics do not)
#   group 4: a missing period, and a missing item in 2025-12 -> read (rows 10 and 11)
GROUPS: list[list[tuple[str | None, ...]]] = [
    [("A", "2025-11", "revenue", "1"), ("A", "2025-11", "total_assets", "x")],
    [("A", "2025-12", "revenue", "5"), ("A", "2025-12", "total_assets", "7")],
    [("A", "2025-10", "revenue", "2"), ("A", "2025-13", "revenue", "3")],
    [("A", " 2025-09", "revenue", "4"), ("A", " 2025-09", "total_assets", "y")],
    [("A", None, "revenue", "6"), ("A", "2025-12", None, "8")],  # missing cells: read as empty text
]


def _file(path: Path) -> Path:
    rows = [r for g in GROUPS for r in g]
    table = pa.table(
        {k: pa.array([r[j] for r in rows], pa.string()) for j, k in enumerate(("entity_id", "period", "item", "value"))}
    )
    pq.write_table(table, path, row_group_size=2)
    assert pq.ParquetFile(path).metadata.num_row_groups == len(GROUPS)
    return path


def test_groups_of_other_months_only_are_left_out(tmp_path: Path) -> None:
    path = _file(tmp_path / "facts.parquet")
    # 2025-12 asked for: group 0 (2025-11 only) left out; groups 1-4 are rows 2..9
    assert _row_ranges(pq.ParquetFile(path).metadata, {"2025-12"}) == [(2, 9)]
    # 2025-11 asked for: group 1 (2025-12 only) left out
    assert _row_ranges(pq.ParquetFile(path).metadata, {"2025-11"}) == [(0, 1), (4, 9)]
    # both: nothing left out
    assert _row_ranges(pq.ParquetFile(path).metadata, {"2025-11", "2025-12"}) is None


def _check(path: Path, months: set[str] | None) -> tuple[list[tuple[str, int | None]], list[tuple[object, ...]], int]:
    catalog = load_catalog()
    problems: list[Problem] = []
    spans = [(frozenset({"revenue", "total_assets"}), frozenset({202512}))]
    checker = FactChecker(catalog, {"A"}, load_rules(catalog), problems)
    try:
        n = checker.add_parquet(path, rows_where(spans, catalog), months)
        good = checker.con.execute("select entity_id, period, item, value from good_t order by row").fetchall()
    finally:
        checker.close()
    return [(p.rule, p.row) for p in problems], good, n


def test_the_check_finds_the_same_with_and_without_the_groups_left_out(tmp_path: Path) -> None:
    path = _file(tmp_path / "facts.parquet")
    catalog_spans = [(frozenset({"revenue"}), frozenset({202512}))]
    assert span_months(catalog_spans) == {"2025-12"}
    assert span_months([(None, None)]) is None
    pruned = _check(path, {"2025-12"})
    whole = _check(path, None)
    assert pruned == whole
    problems, good, n = pruned
    assert n == 10  # the file's rows, read or not
    # read: 2025-12 (rows 4, 5: good), "2025-13" (row 7: not a month), " 2025-09" (rows 8, 9: the
    # period is a month once trimmed, not asked for: not read), the missing period (row 10: not a
    # month) and the missing item in 2025-12 (row 11: an item the catalogue does not know, it may
    # be one asked for). Not read: group 0's "x" (row 3).
    assert problems == [("period.format", 7), ("period.format", 10), ("item.unknown", 11)]
    assert [g[:3] for g in good] == [("A", 202512, "revenue"), ("A", 202512, "total_assets")]
    assert [str(g[3]) for g in good] == ["5.0000", "7.0000"]
