"""The checked batch the store accepts: what a set of input files holds, normalised, and its problems.

The contract reader (:mod:`guozi.ingest.contract`) builds it; every store writes it. The store's
schema of entity rows is :data:`ENTITY_COLUMNS` plus :data:`STORE_COLUMNS` plus the attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from guozi.kernel.errors import Problem
from guozi.kernel.units import STORE_SCALE, VALUE_PRECISION
from guozi.store.limits import memory_limit, remove_orphans, spill_path

Kind = Literal["entities", "facts", "targets", "intercompany"]  # KINDS: the kinds the contract reads
KINDS: tuple[Kind, ...] = ("entities", "facts", "targets", "intercompany")
# report_type (schema 5, optional: empty means the default by tree position): single | consolidated | difference
ENTITY_COLUMNS = (
    "entity_id",
    "name",
    "parent_id",
    "industry",
    "category",
    "region",
    "valid_from",
    "valid_to",
    "report_type",
)
STORE_COLUMNS = ("submission_id",)  # the store's own column of entity rows, beside ENTITY_COLUMNS
IDENTIFIER_BYTES = 63  # the longest column name both stores keep whole: PostgreSQL cuts identifiers at 63 bytes
FACT_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("period", pa.int32()),
        ("item", pa.string()),
        ("value", pa.decimal128(VALUE_PRECISION, STORE_SCALE)),
        ("source", pa.string()),  # the input file's path: which submission the row belongs to
        ("sheet", pa.string()),  # the worksheet (xlsx), '' otherwise
        ("row", pa.int64()),  # the spreadsheet row number (header = 1)
    ]
)
# the checked facts as they stream to the store: the input file is ``source_id``, an index into the
# batch's sources (:meth:`Batch.fact_stream`), not its path repeated on every row
STAGED_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("period", pa.int32()),
        ("item", pa.string()),
        ("value", pa.decimal128(VALUE_PRECISION, STORE_SCALE)),
        ("source_id", pa.int32()),
        ("sheet", pa.string()),
        ("row", pa.int64()),
    ]
)
STREAM_ROWS = 100_000  # rows per record batch of a stream
IC_ITEMS = ("ic_revenue", "ic_receivable", "ic_payable")  # what an entity reports of its trade with a counterparty
INTERCOMPANY_SCHEMA = pa.schema(  # the rows of intercompany files, as FACT_SCHEMA with the counterparty
    [
        ("entity_id", pa.string()),
        ("counterparty_id", pa.string()),
        ("period", pa.int32()),
        ("item", pa.string()),
        ("value", pa.decimal128(VALUE_PRECISION, STORE_SCALE)),
        ("source", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int64()),
    ]
)


@dataclass(frozen=True)
class SourceFile:
    """One input file: what it is, its content hash and, for a report template, its form."""

    path: Path
    kind: Kind
    sha256: str
    rows: int
    template: bool = False
    value_column: str = "value"  # where a row's value is: the column name, or a template's letter


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class StagedFacts:
    """Checked facts waiting in a DuckDB file of their own until the store writes them: never all in memory.

    The file (under :func:`~guozi.store.limits.spill_directory`) holds one table ``facts`` in
    :data:`STAGED_SCHEMA`; ``source_id`` indexes :attr:`sources`, the input files' paths. The store
    reads it back as a stream of record batches (:meth:`reader`); :meth:`close` deletes the file.
    """

    def __init__(self, path: Path, sources: Sequence[str], num_rows: int) -> None:
        self.path = path
        self.sources = tuple(sources)
        self.num_rows = num_rows
        self.progress: Callable[[int], None] | None = None  # told the rows :meth:`reader` has handed out so far
        self._cons: list[duckdb.DuckDBPyConnection] = []

    @classmethod
    def save(cls, con: duckdb.DuckDBPyConnection, query: str, sources: Sequence[str]) -> StagedFacts:
        """The rows of ``query`` on ``con`` (the columns of :data:`STAGED_SCHEMA`) written to a new file."""
        remove_orphans(".duckdb")  # what imports killed part-way left
        path = spill_path(".duckdb")
        casts = ", ".join(f'cast("{f.name}" as {_DUCK_TYPES[f.name]}) as "{f.name}"' for f in STAGED_SCHEMA)
        con.execute(f"attach {_quoted(str(path))} as guozi_staged")
        try:
            con.execute(f"create table guozi_staged.facts as select {casts} from ({query})")
            row = con.execute("select count(*) from guozi_staged.facts").fetchone()
        except BaseException:
            con.execute("detach guozi_staged")
            _remove(path)
            raise
        con.execute("detach guozi_staged")
        return cls(path, sources, int(row[0]) if row else 0)

    def _query(self, sql: str, params: Sequence[object] = ()) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(str(self.path), read_only=True, config={"memory_limit": memory_limit()})
        self._cons.append(con)
        return con.execute(sql, list(params))

    def reader(self, batch_rows: int = STREAM_ROWS) -> pa.RecordBatchReader:
        """The rows as a stream of record batches in :data:`STAGED_SCHEMA` (each call reads the file anew)."""
        found = self._query("select * from facts").to_arrow_reader(batch_rows)
        progress = self.progress
        if progress is None:
            return found

        def counted() -> Iterator[pa.RecordBatch]:
            done = 0
            for part in found:
                done += part.num_rows
                progress(done)
                yield part

        return pa.RecordBatchReader.from_batches(found.schema, counted())

    def table(self) -> pa.Table:
        """Every row in :data:`FACT_SCHEMA`, in memory (what a consumer needing a whole table gets)."""
        found = self._query(
            """select entity_id, period, item, value, list_extract(?, source_id + 1) as source, sheet, row
               from facts""",
            [list(self.sources)],
        ).arrow()
        out: pa.Table = found.read_all() if hasattr(found, "read_all") else found
        return out.cast(FACT_SCHEMA)

    def keys(self) -> pa.Table:
        """The distinct (entity_id, period, source) of the rows."""
        found = self._query(
            "select distinct entity_id, period, list_extract(?, source_id + 1) as source from facts",
            [list(self.sources)],
        ).arrow()
        out: pa.Table = found.read_all() if hasattr(found, "read_all") else found
        return out

    def close(self) -> None:
        """Close what reads the file and delete it."""
        for con in self._cons:
            con.close()
        self._cons.clear()
        _remove(self.path)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


_DUCK_TYPES = {
    "entity_id": "varchar",
    "period": "integer",
    "item": "varchar",
    "value": f"decimal({VALUE_PRECISION}, {STORE_SCALE})",
    "source_id": "integer",
    "sheet": "varchar",
    "row": "bigint",
}


@dataclass
class Batch:
    """What a set of input files holds, normalised, and every problem found in it.

    Its facts are either a table in memory (:attr:`facts`) or, for a large import, rows waiting
    in a file (:attr:`staged`); a store reads either through :meth:`fact_stream`.
    """

    entities: pd.DataFrame | None = None
    facts: pa.Table | None = None  # in :data:`FACT_SCHEMA`
    targets: pd.DataFrame | None = None
    intercompany: pa.Table | None = None  # in :data:`INTERCOMPANY_SCHEMA`, written with the facts
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    staged: StagedFacts | None = None  # the facts kept in a file instead of :attr:`facts`

    @property
    def blocking(self) -> list[Problem]:
        """The problems that refuse the input."""
        return [p for p in self.problems if p.severity == "blocking"]

    @property
    def fact_rows(self) -> int:
        """How many facts the batch holds."""
        if self.staged is not None:
            return self.staged.num_rows
        return 0 if self.facts is None else self.facts.num_rows

    def fact_stream(self) -> tuple[pa.RecordBatchReader, tuple[str, ...]]:
        """The facts as a stream in :data:`STAGED_SCHEMA`, and the sources (input paths) ``source_id`` indexes."""
        if self.staged is not None:
            return self.staged.reader(), self.staged.sources
        facts = self.facts if self.facts is not None else FACT_SCHEMA.empty_table()
        sources = tuple(str(s) for s in pc.unique(facts.column("source")).to_pylist())
        ids = pc.index_in(facts.column("source"), value_set=pa.array(sources, pa.string())).cast(pa.int32())
        names = set(facts.column_names)  # where a row was read may be left out (sheet, row)
        columns = {
            f.name: facts.column(f.name) if f.name in names else pa.nulls(len(facts), f.type) for f in STAGED_SCHEMA
        }
        table = pa.table({**columns, "source_id": ids}).cast(STAGED_SCHEMA)
        return pa.RecordBatchReader.from_batches(STAGED_SCHEMA, table.to_batches(STREAM_ROWS)), sources

    def fact_keys(self) -> pa.Table | None:
        """The (entity_id, period, source) of the facts: every row, or each distinct one once."""
        if self.staged is not None:
            return self.staged.keys()
        return self.facts
