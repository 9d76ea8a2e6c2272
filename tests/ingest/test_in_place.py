"""A Parquet facts file of text columns is checked in place by DuckDB (issue 18): the same problems,
the same figures as when the same cells come chunk by chunk through the reader (a csv file).

Each case writes the same table twice, as ``facts.csv`` and as ``facts.parquet``, checks each on
its own against the same entities, and compares every problem (rule, row, column, expected,
found, both messages) and every figure read. The figures are worked out by hand in the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from guozi.catalog import load_catalog
from guozi.ingest.contract import read_batch
from guozi.ingest.contract.staged import in_place
from guozi.kernel.errors import Problem

ENTITIES = "entity_id,name\nA,甲公司\nB,乙公司\n"


def _both(tmp_path: Path, columns: Mapping[str, Sequence[str | None]]) -> tuple[Path, Path]:
    """The table ``columns`` as ``csv/facts.csv`` and ``pq/facts.parquet``, each beside the entities."""
    table = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
    out = []
    for folder, name in (("csv", "facts.csv"), ("pq", "facts.parquet")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "entities.csv").write_text(ENTITIES, encoding="utf-8")
        path = tmp_path / folder / name
        if name.endswith(".csv"):
            pacsv.write_csv(table.cast(pa.schema([(k, pa.string()) for k in columns])), path)
        else:
            pq.write_table(table, path)
        out.append(path.parent)
    return out[0], out[1]


def _key(p: Problem) -> tuple[object, ...]:
    """A problem as compared: every field, the file's name (facts.csv or facts.parquet) as FILE."""
    zh, en = (m.replace("facts.parquet", "FILE").replace("facts.csv", "FILE") for m in (p.message_zh, p.message_en))
    return (p.rule, p.row, p.column, p.expected, p.found, zh, en, str(p.severity))


def _read(folder: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    batch = read_batch([folder], load_catalog())
    records = (
        [] if batch.facts is None else batch.facts.select(["entity_id", "period", "item", "value", "row"]).to_pylist()
    )
    rows = sorted((tuple(r.values()) for r in records), key=repr)
    return [_key(p) for p in batch.problems], rows


def test_a_text_parquet_file_is_read_in_place(tmp_path: Path) -> None:
    _, folder = _both(tmp_path, {"entity_id": ["A"], "period": ["2025-01"], "item": ["revenue"], "value": ["1"]})
    assert in_place(folder / "facts.parquet")
    typed = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"entity_id": ["A"], "period": ["2025-01"], "item": ["revenue"], "value": [1.5]}), typed)
    assert not in_place(typed)  # a float value column: through the reader, which writes floats as text
    assert not in_place(tmp_path / "csv" / "facts.csv")


def test_good_values_give_the_same_exact_yuan(tmp_path: Path) -> None:
    """Plain values (in place, DuckDB's cast) and the odd ones (grouped, exponent, 万元, spaces,
    15 digits) read alike; by hand: 1,234.5 元 = 1234.5; 2.5e3 = 2500; 3 万元 = 30000;
    ' 7.25 ' = 7.25; 123456789012345.1 (15 digits, past the in-place cast) read exactly; 12 人 = 12."""
    csv_dir, pq_dir = _both(
        tmp_path,
        {
            "entity_id": ["A", "A", "A", "A", "B", "B", "B"],
            "period": ["2025-01"] * 7,
            "item": ["revenue", "operating_cost", "total_assets", "cash", "revenue", "total_profit", "employees"],
            "value": ["1,234.5", "2.5e3", "3", " 7.25 ", "123456789012345.1", "-42.0001", "12"],
            "unit": ["元", "", "万元", "", "元", "yuan", "人"],
        },
    )
    problems, rows = _read(pq_dir)
    assert (problems, rows) == _read(csv_dir)
    assert problems == []
    values = {(r[0], r[2]): r[3] for r in rows}
    assert values == {
        ("A", "revenue"): Decimal("1234.5000"),
        ("A", "operating_cost"): Decimal("2500.0000"),
        ("A", "total_assets"): Decimal("30000.0000"),
        ("A", "cash"): Decimal("7.2500"),
        ("B", "revenue"): Decimal("123456789012345.1000"),
        ("B", "total_profit"): Decimal("-42.0001"),
        ("B", "employees"): Decimal("12.0000"),
    }
    assert sorted(int(str(r[4])) for r in rows) == [2, 3, 4, 5, 6, 7, 8]  # the row numbers, the header being row 1


def test_bad_cells_give_the_same_problems(tmp_path: Path) -> None:
    """Every contract problem of a facts row, in place and through the reader: an empty and an
    unknown entity, a bad period, an unknown item, an empty and a non-numeric value, an unknown
    unit and a person's unit on money, too many decimals, a value beyond 10^16 yuan, a repeat."""
    csv_dir, pq_dir = _both(
        tmp_path,
        {
            "entity_id": ["", "Z", "A", "A", "A", "A", "A", "A", "A", "B", "B", "B"],
            "period": [*["2025-01"] * 2, "2025-13", *["2025-01"] * 3, *["2025-02"] * 2, "2025-03", "2025-01"]
            + ["2025-02"] * 2,
            "item": [
                *["revenue"] * 3,
                "nope",
                "revenue",
                "cash",
                "revenue",
                "cash",
                "revenue",
                "revenue",
                "cash",
                "cash",
            ],
            "value": ["1", "1", "1", "1", "", "abc", "1", "1", "1.23456", "1e16", "5", "6"],
            "unit": ["", "", "", "", "", "", "斤", "人", "", "", "", ""],
        },
    )
    problems, rows = _read(pq_dir)
    assert (problems, rows) == _read(csv_dir)
    rules = sorted((str(p[0]), int(str(p[1]))) for p in problems)
    assert rules == [
        ("entity.unknown", 3),
        ("fact.duplicate", 13),
        ("item.unknown", 5),
        ("period.format", 4),
        ("unit.unknown", 8),
        ("unit.unknown", 9),
        ("value.not_numeric", 7),
        ("value.precision", 10),
        ("value.range", 11),
        ("value.required", 2),
        ("value.required", 6),
    ]
    assert [(r[0], r[2], r[3]) for r in rows] == [("B", "cash", Decimal("5.0000")), ("B", "cash", Decimal("6.0000"))]
