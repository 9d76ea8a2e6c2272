"""``Panel.frame`` is made from the columnar result when first read, and is then the same frame.

On the hand-made group of ``test_panel.py``: G's debt ratio at 2025-06 is 2 550 / 4 000 = 63.75 %,
its total profit 80 元 against 64 a year before (change 16, growth 16 / 64 = 25 %).
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from guozi.engine.panel import Scope, compute_panels
from guozi.workspace import Workspace

from .test_panel import ENTITIES, JUNE, _facts


@pytest.fixture
def ws(workspace_of: Callable[..., Workspace]) -> Workspace:
    return workspace_of(entities=ENTITIES, facts=_facts())


def test_the_frame_is_made_when_first_read(ws: Workspace) -> None:
    (panel,) = compute_panels(
        ws.store.facts(),
        ws.tree(),
        ws.catalog,
        periods=[JUNE],
        indicators=["total_profit", "debt_ratio"],
        scopes=[Scope()],
    )
    columns = panel.columns
    assert isinstance(columns, pa.Table)  # columnar: no Python object per cell yet
    assert pa.types.is_decimal(columns.schema.field("v__total_profit").type)  # amounts stay exact decimals
    g = columns.filter(pc.equal(columns["key"], "G")).to_pylist()
    current = next(r for r in g if r["target"] == 202506)
    assert current["v__total_profit"] == Decimal(80) and current["p__total_profit"] == Decimal(64)
    assert current["v__debt_ratio"] == pytest.approx(63.75, rel=1e-12)
    frame = panel.frame  # made now, at the edge
    assert panel.columns is None and panel.frame is frame
    row = panel.row("G", JUNE, "total_profit")
    assert (row.value, row.prior_value, row.change) == (Decimal(80), Decimal(64), Decimal(16))
    assert row.growth == pytest.approx(25.0, rel=1e-12)
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)


def test_a_panel_copies_and_pickles_with_its_frame(ws: Workspace) -> None:
    facts, tree = ws.store.facts(), ws.tree()
    (panel,) = compute_panels(facts, tree, ws.catalog, periods=[JUNE], indicators=["total_profit"], scopes=[Scope()])
    (other,) = compute_panels(facts, tree, ws.catalog, periods=[JUNE], indicators=["total_profit"], scopes=[Scope()])
    restored = pickle.loads(pickle.dumps(panel))  # before its frame was read
    copied = dataclasses.replace(other, frame=other.frame.copy(deep=False))
    for p in (restored, copied):
        assert p.columns is None
        assert p.value("G", JUNE, "total_profit") == Decimal(80)
        assert p.frame.equals(panel.frame)
