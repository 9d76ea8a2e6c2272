"""Several scopes in one call (:func:`compute_panels`) on the hand-made group of ``test_panel.py``.

The group, its figures and the hand-worked values are those of ``test_panel.py`` (amounts in 元)::

    G  集团 (C)         debt 2 550 / assets 4 000 at 2025-06; total profit 80 (2025-06), 64 (2024-06)
    ├── A  甲 (C26)     1 180 / 1 800
    │   ├── A1 甲一     780 / 1 200
    │   └── A2 甲二     350 / 500
    └── B  乙 (D44)     1 300 / 2 000, no rd_investment

Added here: B's total profit, 12.5 at 2025-06 against 0 at 2024-06 (a prior value of zero has a
change but no growth), and A1's, 7.25 against 10.5 (change −3.25, growth −3.25 / 10.5 = −30.952…%).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pandas as pd
import pytest

from guozi.engine.panel import Panel, Scope, compute_panel, compute_panels
from guozi.workspace import Workspace

from .test_panel import ENTITIES, JUNE, _facts

INDICATORS = ("debt_ratio", "total_profit", "rd_intensity")
SCOPES = (
    Scope(),
    Scope(view="level", level=1),
    Scope(view="level", level=2, by="industry"),
    Scope(view="children"),
    Scope(view="leaves"),
    Scope(view="children", same_basis=True),
)
FRAME_COLUMNS = [
    "entity_id",
    "period",
    "indicator",
    "value",
    "unit",
    "note_zh",
    "note_en",
    "prior_value",
    "change",
    "growth",
    "name",
    "view",
    "members",
    "prior_basis",
]


EXTRA = (("B", "2025-06", "12.5"), ("B", "2024-06", "0"), ("A1", "2025-06", "7.25"), ("A1", "2024-06", "10.5"))


def _extra() -> list[dict[str, object]]:
    return [{"entity_id": e, "period": p, "item": "total_profit", "value": v, "unit": "元"} for e, p, v in EXTRA]


@pytest.fixture
def ws(workspace_of: Callable[..., Workspace]) -> Workspace:
    return workspace_of(entities=ENTITIES, facts=_facts() + _extra())


def _panels(ws: Workspace) -> list[Panel]:
    return compute_panels(ws.store.facts(), ws.tree(), ws.catalog, periods=[JUNE], indicators=INDICATORS, scopes=SCOPES)


def test_each_scope_has_its_hand_worked_values(ws: Workspace) -> None:
    reported, level1, level2, children, leaves, same = _panels(ws)
    # every entity's own figures: G 2 550 / 4 000 = 63.75 %, A2 350 / 500 = 70 %
    assert reported.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
    assert reported.value("A2", JUNE, "debt_ratio") == pytest.approx(70.0, rel=1e-12)
    # level 1 is G alone; level 2 by industry: C26 = A (1 180 / 1 800), D44 = B (1 300 / 2 000)
    assert level1.value("level-1", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)
    assert level2.value("C26", JUNE, "debt_ratio") == pytest.approx(1180 / 1800 * 100, rel=1e-12)
    assert level2.value("D44", JUNE, "debt_ratio") == pytest.approx(65.0, rel=1e-12)
    # G's children A + B: 2 480 / 3 800; A's children A1 + A2: 1 130 / 1 700
    assert children.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)
    assert children.value("A", JUNE, "debt_ratio") == pytest.approx(1130 / 1700 * 100, rel=1e-12)
    assert children.row("G", JUNE, "debt_ratio").members == 2
    # G's leaves A1, A2, B: B lacks rd_investment, so the sum is empty and the note says 1 of 3
    row = leaves.row("G", JUNE, "rd_intensity")
    assert row.value is None and row.members == 3
    assert "1/3" in row.note_zh and "1 of 3" in row.note_en
    # G's children on the same basis: total profit A (none reported) is missing, so the sum is empty
    assert same.value("G", JUNE, "total_profit") is None
    assert {p.scope for p in (reported, level1, level2, children, leaves, same)} == set(SCOPES)


def test_amounts_changes_and_growths_of_the_reported_panel(ws: Workspace) -> None:
    """G 80 against 64: +16, +25 %; B 12.5 against 0: +12.5, no growth; A1 7.25 against 10.5: −3.25, −30.95…%."""
    reported = _panels(ws)[0]
    g = reported.row("G", JUNE, "total_profit")
    assert (g.value, g.prior_value, g.change) == (Decimal(80), Decimal(64), Decimal(16))
    assert g.growth == pytest.approx(25.0, rel=1e-12)
    b = reported.row("B", JUNE, "total_profit")
    assert (b.value, b.prior_value, b.change, b.growth) == (Decimal("12.5"), Decimal(0), Decimal("12.5"), None)
    a1 = reported.row("A1", JUNE, "total_profit")
    assert a1.change == Decimal("-3.25") and isinstance(a1.change, Decimal)
    assert a1.growth == pytest.approx(-3.25 / 10.5 * 100, rel=1e-12) and isinstance(a1.growth, float)
    # a ratio is a float; debt ratios have no prior year here (no 2024-06 balance sheet): all empty
    d = reported.row("A1", JUNE, "debt_ratio")
    assert isinstance(d.value, float) and d.value == pytest.approx(65.0, rel=1e-12)
    assert d.prior_value is None and d.change is None and d.growth is None
    # A has total profit at neither date: empty, with the reason
    a = reported.row("A", JUNE, "total_profit")
    assert a.value is None and a.change is None and a.note_en.startswith("missing:")


def test_the_frame_keeps_its_columns_order_and_types(ws: Workspace) -> None:
    """The Panel.frame contract: these columns, in this order; ids, names and notes are text."""
    reported = _panels(ws)[0]
    f = reported.frame
    assert list(f.columns) == FRAME_COLUMNS
    assert len(f) == 5 * len(INDICATORS)  # G, A, A1, A2, B × 3 indicators
    assert list(f.entity_id[:3]) == ["A"] * 3 and list(f.indicator[:3]) == list(INDICATORS)
    assert f.name[f.entity_id == "A2"].tolist() == ["甲二"] * 3
    assert set(f.view) == {"reported"} and set(f.prior_basis) == {"reported"} and set(f.period) == {"2025-06"}
    assert f.members.dtype == "int64" and set(f.members) == {1}
    assert all(isinstance(x, str) for x in [*f.note_zh, *f.note_en, *f.unit])


def test_several_scopes_give_what_separate_calls_give(ws: Workspace) -> None:
    together = _panels(ws)
    for scope, panel in zip(SCOPES, together, strict=True):
        alone = compute_panel(
            ws.store.facts(), ws.tree(), ws.catalog, periods=[JUNE], indicators=INDICATORS, scope=scope
        )
        pd.testing.assert_frame_equal(panel.frame, alone.frame)
        for column in ("value", "prior_value", "change", "growth"):
            assert [type(x) for x in panel.frame[column]] == [type(x) for x in alone.frame[column]]
        assert (panel.periods, panel.indicators, panel.scope, panel.basis) == (
            alone.periods,
            alone.indicators,
            alone.scope,
            alone.basis,
        )


def test_the_shared_pivot_is_dropped_afterwards(ws: Workspace) -> None:
    """Ibis names a cached table ``ibis_cached_…``: none is left once the panels are made."""
    con = ws.store.facts()._find_backend()
    assert len(_panels(ws)) == len(SCOPES)
    assert [t for t in con.list_tables() if t.startswith("ibis_cached_")] == []


def test_no_scope_gives_no_panel(ws: Workspace) -> None:
    assert (
        compute_panels(ws.store.facts(), ws.tree(), ws.catalog, periods=[JUNE], indicators=INDICATORS, scopes=[]) == []
    )
