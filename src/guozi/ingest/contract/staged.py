"""A Parquet facts file of text columns checked in place: DuckDB reads it, Python sees only the odd values.

The contract's facts (``entity_id, period, item, value[, unit]`` as text) are read by DuckDB
straight from the file, with each record's row number (the header is row 1, as for a csv file).
The bulk of the values, plain decimals (at most 14 digits before the point and 4 after) in a unit
worth one yuan or one person, are exact as DuckDB casts them to the store's decimal; only the
others (grouped thousands, exponents, other units, anything odd) are read by
:func:`~guozi.ingest.contract.numbers.parse_numbers`, as every value of a csv or xlsx file is,
so both give the same yuan, the same ``unit_key`` and the same problems.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from guozi.ingest.contract.numbers import parse_numbers
from guozi.ingest.readers import MAX_COLUMNS, ROW, SHEET
from guozi.kernel.units import ALL_UNITS, PERSON_UNITS, STORE_SCALE, VALUE_PRECISION

# A value DuckDB reads exactly as it is: an optional minus, 1–14 digits, at most STORE_SCALE
# decimals, nothing around it: it fits decimal(18, 4), which DuckDB reads from text some hundred
# times faster than the store's decimal(22, 4) (an int128), and widens exactly.
FAST_DIGITS = 18 - STORE_SCALE
FAST_NUMBER = rf"^-?[0-9]{{1,{FAST_DIGITS}}}(\.[0-9]{{1,{STORE_SCALE}}})?$"
ONE_UNITS = tuple(u for u, f in ALL_UNITS.items() if f == 1)  # units worth one yuan (or person): no shift
TEXT_COLUMNS = ("entity_id", "period", "item", "value")
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"  # a period the facts' checks read as a month (SQL and Python)
_MONTH = re.compile(MONTH_PATTERN)


def in_place(path: Path) -> bool:
    """Whether ``path`` is a Parquet file DuckDB can check in place: the contract's columns as text.

    Other Parquet files (a float or integer column, a reserved heading, an unreadable footer) go
    through the chunked reader, which turns every cell into text as the contract reads it.
    """
    if path.suffix.lower() != ".parquet":
        return False
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError, ValueError):
        return False
    names = set(schema.names)
    if len(schema.names) > MAX_COLUMNS or len(names) != len(schema.names):
        return False
    if any(str(n).startswith("__") for n in schema.names):
        return False
    wanted = [*TEXT_COLUMNS, *(("unit",) if "unit" in names else ())]
    if not all(c in names for c in TEXT_COLUMNS):
        return False
    return all(
        pa.types.is_string(schema.field(c).type) or pa.types.is_large_string(schema.field(c).type) for c in wanted
    )


def _row_ranges(meta: pq.FileMetaData, periods: Collection[str]) -> list[tuple[int, int]] | None:
    """The ranges of row numbers (first, last) of the row groups that may hold a row whose
    period is not one of ``periods`` months; ``None`` when no group can be left out.

    A row group is left out only when the file's statistics say every one of its rows has the
    same period (no null, minimum equal to maximum), a well-formed ``YYYY-MM`` month without
    spaces around it, that is not in ``periods``: none of its rows is read by a filter keeping
    ``periods`` and the rows whose period is not a month (:func:`guozi.workspace.inplace.rows_where`).
    """
    try:
        column = meta.schema.names.index("period")
    except ValueError:
        return None
    ranges: list[tuple[int, int]] = []
    start = 0
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        stats = group.column(column).statistics
        n = group.num_rows
        only = None
        if stats is not None and stats.has_min_max and stats.null_count == 0 and stats.min == stats.max:
            only = stats.min
        skip = isinstance(only, str) and _MONTH.fullmatch(only) is not None and only not in periods
        if not skip and n:
            if ranges and ranges[-1][1] == start - 1:
                ranges[-1] = (ranges[-1][0], start + n - 1)
            else:
                ranges.append((start, start + n - 1))
        start += n
    return None if ranges == [(0, start - 1)] else ranges


def _file_view(
    con: duckdb.DuckDBPyConnection, path: Path, meta: pq.FileMetaData, periods: Collection[str] | None
) -> None:
    """The view ``file_t``: the file's rows with their ``file_row_number``, only those of the row
    groups :func:`_row_ranges` keeps when ``periods`` are given (DuckDB skips the others unread)."""
    ranges = None if periods is None else _row_ranges(meta, periods)
    if ranges is None:
        con.read_parquet(str(path), file_row_number=True).create_view("file_t", replace=True)
        return
    name = "'" + str(path).replace("'", "''") + "'"
    scans = [
        f"select * from read_parquet({name}, file_row_number = true) where file_row_number between {a} and {b}"
        for a, b in ranges
    ]
    if not scans:  # no row group is read: the file's columns, no row
        scans = [f"select * from read_parquet({name}, file_row_number = true) limit 0"]
    con.execute("create or replace temp view file_t as " + " union all ".join(scans))


def stage_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, where: str | None = None, periods: Collection[str] | None = None
) -> int:
    """The view ``raw_t`` over the file at ``path`` (the columns the facts' checks read); its row count.

    ``where`` (SQL over the file's ``item`` and ``period`` columns, written by guozi, never from a
    file) keeps only the rows it holds for (``guozi indicators --data`` checks the rows the panel
    reads): it is judged once for each pair of an item and a period the file holds, and the rows
    of the pairs kept are joined to them (a filter of trims, lists and a pattern on every row cost
    ≈ 0.1 s of CPU per read of 1.1 M rows; the join, a few hundredths). ``periods``: the months (``YYYY-MM``) ``where`` keeps, beside the rows
    whose period is not a month: the row groups holding only other months are not read at all
    (:func:`_row_ranges`). The row count is the file's, filtered or not.

    The values DuckDB cannot read exactly by itself are read by :func:`parse_numbers` into the
    temp table ``slow_t`` (by row number), which ``raw_t`` joins.
    """
    meta = pq.ParquetFile(path).metadata  # the file's footer, read once: its columns, row groups and rows
    names = set(meta.schema.names)
    unit = "coalesce(unit, '')" if "unit" in names else "''"
    _file_view(con, path, meta, None if where is None else periods)
    units = ", ".join("'" + u.replace("'", "''") + "'" for u in ONE_UNITS)
    persons = ", ".join("'" + u.replace("'", "''") + "'" for u in PERSON_UNITS)
    source = "file_t"
    if where is not None:  # judged once per (item, period) the file holds, then rows joined to the pairs kept
        con.execute(
            f"""create or replace temp table wanted_t as
                select i.item, p.period from (select distinct item from file_t) i
                cross join (select distinct period from file_t) p where {where}"""
        )
        source = """file_t semi join wanted_t w
                    on file_t.item is not distinct from w.item and file_t.period is not distinct from w.period"""
    con.execute(
        f"""create or replace temp view cells_t as
            select file_row_number + 2 as rn, coalesce(entity_id, '') as entity_id, coalesce(period, '') as period,
                   coalesce(item, '') as item, coalesce(value, '') as value, {unit} as unit
            from {source}"""
    )
    fast = f"(regexp_full_match(value, '{FAST_NUMBER}') and unit in ('', {units}))"
    slow = con.execute(f"select rn, value, unit from cells_t where not {fast}").arrow()
    if hasattr(slow, "read_all"):
        slow = slow.read_all()
    parsed = parse_numbers(slow.column("value"), slow.column("unit"))
    con.register("slow_in", pa.table({"rn": slow.column("rn"), **{f"__{k}": v for k, v in parsed.items()}}))
    con.execute("create or replace temp table slow_t as select * from slow_in")
    con.unregister("slow_in")
    con.execute(
        f"""create or replace temp view raw_t as
            select c.rn as "{ROW}", '' as "{SHEET}", c.entity_id, c.period, c.item, c.value, c.unit,
                   case when s.rn is null then c.value else s.__vt end as __vt,
                   case when s.rn is null
                        then cast(try_cast(c.value as decimal(18, {STORE_SCALE})) as decimal({VALUE_PRECISION}, {STORE_SCALE}))
                        else s.__yuan end as __yuan,
                   case when s.rn is null then false else s.__too_big end as __too_big,
                   case when s.rn is null then nullif(c.unit, '') else s.__unit_key end as __unit_key,
                   case when s.rn is null then (case when c.unit = '' then null else c.unit in ({persons}) end)
                        else s.__unit_persons end as __unit_persons
            from cells_t c left join slow_t s on s.rn = c.rn"""
    )
    return int(meta.num_rows)
