"""The workspace is the one API the shells call: each assessment is reachable from it."""

from __future__ import annotations

from collections.abc import Callable

from guozi.eva import compute_eva
from guozi.losses import loss_makers
from guozi.periods import Period
from guozi.targets import evaluate_targets
from guozi.warnings import evaluate_warnings
from guozi.workspace import Workspace

JUNE = Period(2025, 6)


def test_workspace_methods_give_what_the_modules_give(workspace_of: Callable[..., Workspace]) -> None:
    """One loss-making entity: net profit −5 万元 against equity 100 万元."""
    items = {"net_profit": -5, "total_profit": -5, "revenue": 50, "total_assets": 300, "total_liabilities": 200,
             "total_equity": 100, "operating_cash_flow": 3}  # fmt: skip
    ws = workspace_of(
        entities=[
            {"entity_id": "E", "name": "例", "parent_id": "", "industry": "C26", "category": "commercial_competitive"}
        ],
        facts=[
            {"entity_id": "E", "period": "2025-06", "item": k, "value": v, "unit": "万元"} for k, v in items.items()
        ],
        targets=[{"entity_id": "E", "year": 2025, "indicator": "total_profit", "target": 1000000}],
    )
    assert ws.evaluate_targets(JUNE).frame.equals(evaluate_targets(ws, JUNE).frame)
    assert ws.loss_makers(JUNE).entities.equals(loss_makers(ws, JUNE).entities)
    assert [w.rule for w in ws.warnings(JUNE)] == [w.rule for w in evaluate_warnings(ws, JUNE)]
    assert "loss" in {w.rule for w in ws.warnings(JUNE)}
    assert ws.eva(JUNE).frame().equals(compute_eva(ws, JUNE).frame())
