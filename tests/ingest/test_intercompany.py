"""The contract's intercompany files (§2b) and the entities' report_type (§1): read exactly, every problem named."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from guozi.catalog import load_catalog
from guozi.ingest.contract import read_batch
from tests.ingest.conftest import ENTITIES, write_rows

CATALOG = load_catalog()
IC_COLUMNS = ("entity_id", "counterparty_id", "period", "item", "value", "unit")


def _entities(tmp_path: Path, **report_types: str) -> Path:
    rows = [{**e, "report_type": report_types.get(str(e["entity_id"]), "")} for e in ENTITIES]
    return write_rows(tmp_path / "entities.csv", rows, [*ENTITIES[0], "established", "report_type"])


def test_intercompany_rows_are_read_in_yuan_exactly(tmp_path: Path) -> None:
    ic = write_rows(
        tmp_path / "intercompany.csv",
        [
            {
                "entity_id": "A",
                "counterparty_id": "N",
                "period": "2025-06",
                "item": "ic_revenue",
                "value": "12.3456",
                "unit": "万元",
            },
            {
                "entity_id": "N",
                "counterparty_id": "A",
                "period": "2025-06",
                "item": "ic_payable",
                "value": "1,000.5",
                "unit": "",
            },
        ],
        IC_COLUMNS,
    )
    batch = read_batch([_entities(tmp_path, G="consolidated"), ic], CATALOG)
    assert batch.blocking == []
    assert batch.intercompany is not None
    got = batch.intercompany.to_pylist()
    # 12.3456 万元 = 123 456 yuan; 1,000.5 yuan as it is
    assert [(r["entity_id"], r["counterparty_id"], r["period"], r["item"], r["value"]) for r in got] == [
        ("A", "N", 202506, "ic_revenue", Decimal("123456.0000")),
        ("N", "A", 202506, "ic_payable", Decimal("1000.5000")),
    ]
    assert [(f.kind, f.rows) for f in batch.files if f.kind == "intercompany"] == [("intercompany", 2)]


def test_every_problem_of_an_intercompany_file_is_named(tmp_path: Path) -> None:
    rows = [
        # row 2: the counterparty is the entity itself
        {"entity_id": "A", "counterparty_id": "A", "period": "2025-06", "item": "ic_revenue", "value": "1"},
        # row 3: N exists only from 2025-03 on
        {"entity_id": "A", "counterparty_id": "N", "period": "2025-01", "item": "ic_receivable", "value": "1"},
        # row 4: an unknown counterparty and an unknown item
        {"entity_id": "A", "counterparty_id": "X", "period": "2025-06", "item": "ic_sales", "value": "1"},
        # row 5: a persons unit, row 6: not a number, row 7: a bad period
        {
            "entity_id": "A",
            "counterparty_id": "G",
            "period": "2025-06",
            "item": "ic_payable",
            "value": "1",
            "unit": "人",
        },
        {"entity_id": "A", "counterparty_id": "G", "period": "2025-06", "item": "ic_receivable", "value": "abc"},
        {"entity_id": "A", "counterparty_id": "G", "period": "2025-13", "item": "ic_receivable", "value": "1"},
        # rows 8 and 9: the same key twice
        {"entity_id": "G", "counterparty_id": "A", "period": "2025-06", "item": "ic_receivable", "value": "1"},
        {"entity_id": "G", "counterparty_id": "A", "period": "2025-06", "item": "ic_receivable", "value": "2"},
    ]
    ic = write_rows(tmp_path / "intercompany.csv", rows, IC_COLUMNS)
    batch = read_batch([_entities(tmp_path), ic], CATALOG)
    got = sorted((p.row, p.column, p.rule, p.found) for p in batch.problems)
    assert got == [
        (2, "counterparty_id", "intercompany.self", "A"),
        (3, "counterparty_id", "intercompany.not_in_tree", "N"),
        (4, "counterparty_id", "entity.unknown", "X"),
        (4, "item", "intercompany.item", "ic_sales"),
        (5, "unit", "unit.unknown", "人"),
        (6, "value", "value.not_numeric", "abc"),
        (7, "period", "period.format", "2025-13"),
        (9, "item", "intercompany.duplicate", "G A 2025-06 ic_receivable"),
    ]
    by_row = {p.row: p for p in batch.problems}
    assert by_row[3].message_zh == "交易对方 N 在 2025-01 不在股权树中（不在有效期内）"
    assert by_row[3].message_en == "the counterparty N is not in the tree in 2025-01 (outside its validity)"
    assert by_row[9].message_en.endswith("(first at intercompany.csv row 8)")
    assert batch.intercompany is not None and batch.intercompany.num_rows == 1  # row 8 alone is good


def test_a_report_type_outside_the_three_is_refused(tmp_path: Path) -> None:
    batch = read_batch([_entities(tmp_path, A="merged")], CATALOG)
    (p,) = batch.problems
    assert (p.rule, p.row, p.column, p.expected, p.found) == (
        "entity.report_type",
        3,
        "report_type",
        "single | consolidated | difference",
        "merged",
    )
    assert "报表类型无效：merged" in p.message_zh
    assert read_batch([_entities(tmp_path, G="consolidated", A="single", D="difference")], CATALOG).problems == []


def test_a_file_without_the_counterparty_column_is_refused(tmp_path: Path) -> None:
    ic = write_rows(tmp_path / "intercompany.csv", [], ("entity_id", "period", "item", "value"))
    batch = read_batch([_entities(tmp_path), ic], CATALOG)
    (p,) = batch.problems
    assert (p.rule, p.file, p.row) == ("file.columns", "intercompany.csv", 1)
    assert "counterparty_id" in p.message_en
