"""What the workspace keeps between calls, and the entity-limited panels the assessments use.

A panel is computed once per store state and arguments: every import and review step, made
through this workspace, another workspace or the store itself, empties the memo (a panel of
another state is never returned). The small group of tests/ingest/conftest.py: G above A, N
(from 2025-03), D (until 2025-04), E (from 2025-03). Figures in 万元; 1 万元 = 10 000 元.
"""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import guozi.workspace.memo as memo_module
from guozi.engine.panel import compute_panel
from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.store.base import User
from guozi.workspace import Workspace, paused_gc
from tests.ingest.conftest import TODAY, Desk, wan, write_rows

JUNE = Period(2025, 6)
FILER_A = User("filer_a", "filer", ("A",), "-")
SUPER_A = User("super_a", "supervisor", ("A",), "-")


def _revenue(ws: Workspace, entity: str = "A") -> Any:
    f = ws.indicators(JUNE, indicators=["revenue"], prior=False).frame
    (value,) = f.loc[f.entity_id == entity, "value"]
    return value


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the engine's runs behind Workspace.indicators (each run still computes for real)."""
    runs: list[int] = []
    real = compute_panel

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(memo_module, "compute_panel", counted)
    return runs


def test_a_repeated_panel_is_computed_once_and_each_caller_gets_its_own_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A's June revenue 100 万元 = 1 000 000 元, asked twice: one engine run; a caller changing its
    frame changes nobody else's."""
    desk = Desk(tmp_path)
    desk.seed(wan("A", "2025-06", revenue=100))
    runs = _counting(monkeypatch)
    first = desk.ws.indicators(JUNE, indicators=["revenue"], prior=False)
    first.frame["value"] = None
    first.frame["extra"] = 1
    second = desk.ws.indicators(JUNE, indicators=["revenue"], prior=False)
    assert len(runs) == 1
    assert "extra" not in second.frame.columns
    assert second.frame.loc[second.frame.entity_id == "A", "value"].tolist() == [Decimal("1000000")]
    desk.ws.indicators(JUNE, indicators=["revenue"], prior=True)  # other arguments: computed
    assert len(runs) == 2


def test_an_import_through_another_workspace_is_seen(tmp_path: Path) -> None:
    """A's revenue 100 万元, then restated to 150 万元 by another workspace over the same store:
    1 500 000 元 at once (the memo is keyed by the store's version, not by this object's calls)."""
    desk = Desk(tmp_path)
    desk.seed(wan("A", "2025-06", revenue=100))
    assert _revenue(desk.ws) == Decimal("1000000")
    other = Workspace(desk.ws.store, desk.ws.catalog)
    other.import_files([desk.file(wan("A", "2025-06", revenue=150))], user="seed", validate=False)
    assert _revenue(desk.ws) == Decimal("1500000")


def test_review_steps_are_seen(tmp_path: Path) -> None:
    """A draft of A's revenue (100 万元) counts nowhere; approved by a supervisor working in another
    workspace over the same store, it counts: 1 000 000 元."""
    desk = Desk(tmp_path)
    (sub,) = desk.ws.stage_upload([desk.file(wan("A", "2025-06", revenue=100))], FILER_A, today=TODAY).submissions
    desk.ws.submit(sub.id, FILER_A)
    assert _revenue(desk.ws) is None
    Workspace(desk.ws.store, desk.ws.catalog).review(sub.id, SUPER_A, approve=True)
    assert _revenue(desk.ws) == Decimal("1000000")


def test_new_entities_rebuild_the_tree(tmp_path: Path) -> None:
    """An entity X added under G by another workspace: the tree and the panels have it."""
    desk = Desk(tmp_path)
    desk.seed(wan("A", "2025-06", revenue=100))
    assert "X" not in set(desk.ws.tree().nodes.entity_id)
    desk.ws.indicators(JUNE, indicators=["revenue"], prior=False)
    rows = [{"entity_id": "X", "name": "新公司", "parent_id": "G", "valid_from": "", "valid_to": ""}]
    other = Workspace(desk.ws.store, desk.ws.catalog)
    (tmp_path / "more").mkdir()
    columns = ("entity_id", "name", "parent_id", "valid_from", "valid_to")
    entities = write_rows(tmp_path / "more" / "entities.csv", rows, columns)
    other.import_files([entities, desk.file(wan("X", "2025-06", revenue=7))], user="seed", validate=False)
    assert "X" in set(desk.ws.tree().nodes.entity_id)
    assert _revenue(desk.ws, "X") == Decimal("70000")


def test_a_panel_limited_to_entities_has_their_rows_of_the_full_panel(tmp_path: Path) -> None:
    """A 100 万元 and E 30 万元 of revenue in June, 80 and — a year before: the rows of A and E in
    the panel of every entity, and no others; growth of A (100 − 80) / 80 = 25 %."""
    desk = Desk(tmp_path)
    desk.seed([*wan("A", "2025-06", revenue=100), *wan("E", "2025-06", revenue=30), *wan("A", "2024-06", revenue=80)])
    full = desk.ws.indicators(JUNE, indicators=["revenue", "net_profit"]).frame
    part = desk.ws.indicators(JUNE, indicators=["revenue", "net_profit"], entities=["E", "A"]).frame
    expected = full[full.entity_id.isin(["A", "E"])].reset_index(drop=True)
    assert part.equals(expected)
    a = part[(part.entity_id == "A") & (part.indicator == "revenue")]
    assert a.value.tolist() == [Decimal("1000000")] and a.growth.tolist() == [25.0]
    with pytest.raises(GuoziError, match="reported"):
        desk.ws.indicators(JUNE, view="children", entities=["A"])


def test_warnings_of_a_subtree_are_those_of_the_whole_tree(tmp_path: Path) -> None:
    """A: net loss of 5 万元 in June 2025 and 2024, no figures for 2023 (the three-year check cannot
    be made: its gap carries the panel's own note); E: a profit. A's warnings and gaps alone are
    the same as A's part of the whole tree's."""
    desk = Desk(tmp_path)
    items = {"net_profit": -5, "total_profit": -5, "revenue": 50, "total_assets": 300, "total_liabilities": 200,
             "total_equity": 100, "operating_cash_flow": 3}  # fmt: skip
    desk.seed([*wan("A", "2025-06", **items), *wan("A", "2024-06", **items), *wan("E", "2025-06", net_profit=8)])
    whole = desk.ws.warnings(JUNE)
    alone = desk.ws.warnings(JUNE, entity="A", subtree=True)
    assert alone.warnings == tuple(w for w in whole.warnings if w.entity_id == "A")
    assert alone.gaps == tuple(g for g in whole.gaps if g.entity_id == "A")
    assert "loss" in {w.rule for w in alone.warnings}
    (gap,) = [g for g in alone.gaps if g.rule == "consecutive_losses"]
    f = desk.ws.indicators([Period(2023, 6)], indicators=["net_profit"], prior=True).frame
    (note,) = f.loc[f.entity_id == "A", "note_zh"]
    assert note and gap.note_zh.endswith(f"无法计算：{note}")


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    """Nested pauses: enabled again only after the outer one; a collector disabled before stays so."""
    assert gc.isenabled()
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
