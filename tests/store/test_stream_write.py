"""The store writes a batch's facts as a stream (issue 18), on DuckDB and PostgreSQL alike.

A batch's facts reach the store either as a table in memory or as rows waiting in a file of their
own (:class:`StagedFacts`, what an import makes); both are read through ``Batch.fact_stream`` and
must land exactly the same rows: each file's facts under its own submission, values to the cent.
The expected rows below are the hand-made input itself, typed out once more: nothing is computed.
A stream that breaks part-way leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from guozi.store import Store
from guozi.store.batch import FACT_SCHEMA, STAGED_SCHEMA, Batch, SourceFile, StagedFacts
from guozi.store.limits import remove_orphans

# two input files: (entity, period, item, value as filed in yuan) — the store must keep these exactly
FILE_A = [
    ("A", 202506, "revenue", "1234567.89"),
    ("A", 202506, "total_profit", "-0.01"),
    ("B", 202506, "revenue", "9999999999999.99"),  # ten trillion less a fen: 13 digits before the point
]
FILE_B = [
    ("A", 202507, "revenue", "0.05"),
    ("C", 202507, "revenue", "-123456789012.34"),
]


def _source(folder: Path, name: str, rows: list[tuple[str, int, str, str]]) -> SourceFile:
    path = folder / name
    path.write_text("\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")  # only its hash matters
    return SourceFile(path, "facts", hashlib.sha256(path.read_bytes()).hexdigest(), len(rows))


def _table(files: list[tuple[SourceFile, list[tuple[str, int, str, str]]]]) -> pa.Table:
    rows = [
        {"entity_id": e, "period": p, "item": i, "value": Decimal(v), "source": str(f.path), "sheet": "", "row": k + 2}
        for f, data in files
        for k, (e, p, i, v) in enumerate(data)
    ]
    return pa.Table.from_pylist(rows, schema=FACT_SCHEMA)


def _staged(table: pa.Table, sources: list[str]) -> StagedFacts:
    """``table``'s rows waiting in a file, as an import's checker leaves them."""
    con = duckdb.connect()
    try:
        con.register("t", table)
        ids = ", ".join(f"('{s}', {k})" for k, s in enumerate(sources))  # test paths: no quote in them
        return StagedFacts.save(
            con,
            f"select entity_id, period, item, value, k as source_id, sheet, row from t"
            f" join (values {ids}) as m(s, k) on t.source = m.s order by source_id, row",
            sources,
        )
    finally:
        con.close()


def _stored(store: Store, sid: int) -> list[tuple[str, int, str, Decimal]]:
    t = store.submission_facts(sid)
    return [
        (str(e), int(p), str(i), Decimal(v))
        for e, p, i, v in zip(*(t.column(c).to_pylist() for c in ("entity_id", "period", "item", "value")), strict=True)
    ]


def _expected(rows: list[tuple[str, int, str, str]]) -> list[tuple[str, int, str, Decimal]]:
    return sorted((e, p, i, Decimal(v)) for e, p, i, v in rows)


@pytest.mark.parametrize("way", ["memory", "staged"])
def test_each_file_lands_its_own_facts_to_the_cent(store: Store, tmp_path: Path, way: str) -> None:
    a, b = _source(tmp_path, "a.csv", FILE_A), _source(tmp_path, "b.csv", FILE_B)
    table = _table([(a, FILE_A), (b, FILE_B)])
    batch = Batch(files=[a, b])
    if way == "memory":
        batch.facts = table
    else:
        batch.staged = _staged(table, [str(a.path), str(b.path)])
        assert batch.staged.num_rows == 5  # 3 + 2 rows typed above
        assert batch.facts is None
    try:
        result = store.write(batch, user="t")
    finally:
        if batch.staged is not None:
            batch.staged.close()
    sid = {s.source: s.id for s in result.submissions}
    assert _stored(store, sid[str(a.path)]) == _expected(FILE_A)
    assert _stored(store, sid[str(b.path)]) == _expected(FILE_B)
    assert batch.staged is None or not batch.staged.path.exists()  # the file is gone once closed


def test_the_staged_file_reads_back_as_the_table_it_was_made_from(tmp_path: Path) -> None:
    a, b = _source(tmp_path, "a.csv", FILE_A), _source(tmp_path, "b.csv", FILE_B)
    table = _table([(a, FILE_A), (b, FILE_B)])
    staged = _staged(table, [str(a.path), str(b.path)])
    try:
        assert staged.table().equals(table)
        streamed = staged.reader().read_all()
        assert streamed.schema.equals(STAGED_SCHEMA)
        assert streamed.column("source_id").to_pylist() == [0, 0, 0, 1, 1]  # file a, then file b
        assert "source" not in streamed.column_names  # the path is not repeated on every row
        found = staged.keys()  # once: a distinct's rows come in no set order, so three calls need not line up
        keys = sorted(zip(*(found.column(c).to_pylist() for c in ("entity_id", "period", "source")), strict=True))
        assert keys == [
            ("A", 202506, str(a.path)),
            ("A", 202507, str(b.path)),
            ("B", 202506, str(a.path)),
            ("C", 202507, str(b.path)),
        ]
    finally:
        staged.close()
    assert not staged.path.exists()


class _BrokenError(Exception):
    """The stream fails part-way (a disk error, a kill of the reading side)."""


def test_a_stream_broken_part_way_leaves_the_store_as_it_was(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _source(tmp_path, "a.csv", FILE_A)
    store.write(Batch(facts=_table([(a, FILE_A)]), files=[a]), user="t")
    before = (store.version(), store.submissions(), store.periods())
    b = _source(tmp_path, "b.csv", FILE_B)
    batch = Batch(facts=_table([(b, FILE_B)]), files=[b])
    whole, sources = batch.fact_stream()
    parts = whole.read_all().to_batches(max_chunksize=1)

    def broken() -> Iterator[pa.RecordBatch]:
        yield parts[0]  # the first row goes through, then the stream breaks
        raise _BrokenError

    stream = pa.RecordBatchReader.from_batches(STAGED_SCHEMA, broken())
    monkeypatch.setattr(batch, "fact_stream", lambda: (stream, sources))
    with pytest.raises(Exception) as caught:  # each driver wraps the error its own way
        store.write(batch, user="t")
    assert "_BrokenError" in repr(caught.value) or isinstance(caught.value, _BrokenError)
    assert (store.version(), store.submissions(), store.periods()) == before
    assert [s.id for s in store.submissions()] == [before[1][0].id]
    assert _stored(store, before[1][0].id) == _expected(FILE_A)


def test_staged_files_of_killed_imports_are_removed_and_live_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GUOZI_TEMP_DIR", str(tmp_path))
    dead = subprocess.Popen(["true"])  # a process that has ended: its pid is free
    dead.wait()
    killed = [tmp_path / f"{dead.pid}-0123456789ab.duckdb", tmp_path / f"{dead.pid}-0123456789ab.duckdb.wal"]
    mine = tmp_path / f"{os.getpid()}-0123456789ab.duckdb"
    other = tmp_path / f"{dead.pid}-0123456789ab"  # a spill folder's name, not a staged file
    for p in [*killed, mine]:
        p.write_bytes(b"x")
    other.mkdir()
    remove_orphans(".duckdb")
    assert [p.exists() for p in killed] == [False, False]
    assert mine.exists()
    assert other.exists()
