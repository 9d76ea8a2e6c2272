"""The report body's 合并口径核对 (issue 21): the filed 合并 beside the computed one, on the
hand-worked CAS 33 group of :mod:`tests.engine.test_consolidate` (its docstring works out the figures).

G's figures, worked by hand:

- revenue: filed 1880; computed (1000 + 500 + 300 + 400) − internal sales (120 + 200) = 1880; 差额 0;
- total profit (added here, summed without elimination): single G0 100, S0 50, L 30, T 40, so computed
  220; filed 210; 差额 210 − 220 = −10;
- debt ratio: filed 2180 / 4300 = 50.6977 %, computed 2180 / 4270 = 51.0539 %, 差额 −0.3562 pp.

A group without intercompany data gets no such section.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.periods import Period
from guozi.report.model import Fig, Text
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace
from tests.workspace.test_consolidation import write_group

PROFIT = {"G0": 100, "S0": 50, "L": 30, "T": 40, "G": 210, "S": 80}


def profit_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts_profit.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["entity_id", "period", "item", "value", "unit"])
        w.writerows([e, "2025-06", "total_profit", v, "元"] for e, v in PROFIT.items())
    return path


def test_the_body_compares_the_filed_with_the_computed_consolidation(tmp_path: Path) -> None:
    ws = Workspace(DuckDBStore(":memory:"), load_catalog())
    ws.import_files([*write_group(tmp_path), profit_file(tmp_path)], user="test")
    report = ws.report(Period(2025, 6), entity="G")
    (section,) = [s for s in report.sections if s.key == "consolidation"]
    assert section.number == 2  # right after 总体情况
    (t,) = section.tables()
    rows = {r[0].zh: r[1:] for r in t.rows if isinstance(r[0], Text)}
    assert list(rows) == ["营业收入", "利润总额", "资产负债率"]
    values = {k: [c.value for c in v if isinstance(c, Fig)] for k, v in rows.items()}
    assert values["营业收入"] == [Decimal(1880), Decimal(1880), Decimal(0)]
    assert values["利润总额"] == [Decimal(210), Decimal(220), Decimal(-10)]
    filed, computed, diff = (float(v) for v in values["资产负债率"] if v is not None)
    assert [filed, computed] == pytest.approx([2180 / 4300 * 100, 2180 / 4270 * 100], rel=1e-12)
    assert diff == pytest.approx((2180 / 4300 - 2180 / 4270) * 100)
    assert [c.unit for c in rows["资产负债率"] if isinstance(c, Fig)] == ["%", "%", "pp"]


def test_no_intercompany_data_no_section(tmp_path: Path) -> None:
    ws = Workspace(DuckDBStore(":memory:"), load_catalog())
    ents, facts, _ic = write_group(tmp_path)
    ws.import_files([ents, facts], user="test")
    report = ws.report(Period(2025, 6), entity="G")
    assert "consolidation" not in [s.key for s in report.sections]
