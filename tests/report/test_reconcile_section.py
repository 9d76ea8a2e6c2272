"""The report's appendix carries 内部往来对账 (issue 21), on the hand-worked CAS 33 group of
:mod:`tests.engine.test_consolidate` (G0's receivable from L 80 against L's payable 70: the one mismatch)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from guozi.catalog import load_catalog
from guozi.kernel.periods import Period
from guozi.report.model import Fig, Text
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace
from tests.workspace.test_consolidation import write_group


def test_the_appendix_lists_the_pairs_mismatch_first(tmp_path: Path) -> None:
    ws = Workspace(DuckDBStore(":memory:"), load_catalog())
    ws.import_files(write_group(tmp_path), user="test")
    report = ws.report(Period(2025, 6), entity="G")
    appendix = report.sections[-1]
    (t,) = [b for b in appendix.tables() if b.key == "appendix_reconcile"]
    assert [c.key for c in t.columns] == [
        "status",
        "creditor_name",
        "debtor_name",
        "receivable",
        "payable",
        "difference",
        "sales",
        "meet",
    ]
    first = t.rows[0]
    assert first[0] == Text("不符", "mismatch") and first[1:3] == ("集团本部", "下属")
    amounts = [c.value for c in first[3:7] if isinstance(c, Fig)]
    assert amounts == [Decimal(80), Decimal(70), Decimal(10), Decimal(200)]
    assert all(isinstance(c, Fig) and c.source == "reconcile" for c in first[3:7])
    assert [r[0] for r in t.rows[1:]] == [Text("相符", "match")] * 2
    assert "1 pairs do not match" in t.notes[0].en
