"""The workspace's consolidation through the store: imported files, ``indicators(view="consolidated")``, ``reconcile``.

The group and its figures are the hand-worked CAS 33 example of :mod:`tests.engine.test_consolidate`
(its docstring works every figure out); here they go through the contract, the store and the
workspace, and the same figures must come out.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.periods import Period
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace
from tests.engine.test_consolidate import FILED, INTERCOMPANY, ITEMS, SINGLE

JUNE = Period(2025, 6)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_group(tmp_path: Path) -> list[Path]:
    """The hand-worked group's entities, facts (single and filed 合并) and intercompany files."""
    tree = [
        ("G", "", "集团"),
        ("G0", "G", "集团本部"),
        ("S", "G", "子集团"),
        ("S0", "S", "子集团本部"),
        ("L", "S", "下属"),
        ("T", "G", "兄弟"),
    ]
    ents = _write(tmp_path / "entities.csv", ["entity_id", "name", "parent_id"], [[e, n, p] for e, p, n in tree])
    facts = _write(
        tmp_path / "facts.csv",
        ["entity_id", "period", "item", "value", "unit"],
        [[e, "2025-06", i, v, "元"] for e, vs in {**SINGLE, **FILED}.items() for i, v in zip(ITEMS, vs, strict=True)],
    )
    ic = _write(
        tmp_path / "intercompany.csv",
        ["entity_id", "counterparty_id", "period", "item", "value"],
        [[e, c, "2025-06", i, v] for e, c, i, v in INTERCOMPANY],
    )
    return [ents, facts, ic]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = Workspace(DuckDBStore(":memory:"), load_catalog())
    report = w.import_files(write_group(tmp_path), user="test")
    assert not report.problems or all(p.severity != "blocking" for p in report.problems)
    return w


def test_consolidated_view_through_the_store(ws: Workspace) -> None:
    panel = ws.indicators(JUNE, indicators=["revenue", "total_assets", "debt_ratio"], view="consolidated", prior=False)
    assert panel.value("S", JUNE, "revenue") == Decimal(680)
    assert panel.value("G", JUNE, "revenue") == Decimal(1880)
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(2180 / 4270 * 100, rel=1e-12)
    assert panel.value("S", JUNE, "debt_ratio") == pytest.approx(950 / 1650 * 100, rel=1e-12)
    row = panel.row("G", JUNE, "total_assets")
    assert (row.reported_value, row.difference, row["name"]) == (Decimal(4300), Decimal(30), "集团")
    one = ws.indicators(JUNE, indicators=["total_assets"], entity="S", view="consolidated", prior=False)
    assert list(one.frame.entity_id) == ["S"] and one.frame.value.tolist() == [Decimal(1650)]


def test_reconcile_through_the_store(ws: Workspace) -> None:
    report = ws.reconcile(JUNE, entity="G")
    assert report.tolerance.value == Decimal("0.01") and report.tolerance.year == 2026
    assert report.mismatches == 1
    first = report.pairs.iloc[0]
    assert (first.creditor_id, first.debtor_id, first.difference, first.meet_id) == ("G0", "L", Decimal(10), "G")
    assert ws.reconcile(JUNE, entity="S").pairs.creditor_id.tolist() == ["L"]
    assert ws.reconcile(JUNE, entity="G", tolerance=Decimal(10)).mismatches == 0
