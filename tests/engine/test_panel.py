"""The panel engine on a small hand-made group whose every figure is worked out by hand.

The group (amounts in 元)::

    G  集团 (C)                 reported 合并 figures of its own
    ├── A  甲 (C26)             reported 合并 figures of its own
    │   ├── A1 甲一 (C26)       leaf
    │   └── A2 甲二 (C26)       leaf
    └── B  乙 (D44)             leaf

Stocks at 2024-12 (opening) → 2025-06 (closing):

=====  ============  =================  ============
       total_assets  total_liabilities  total_equity
=====  ============  =================  ============
A1     1000 → 1200   600 → 780          400 → 420
A2      500 →  500   300 → 350          200 → 150
A      1600 → 1800   950 → 1180         650 → 620
B      2000 → 2000   1400 → 1300        600 → 700
G      3700 → 4000   2400 → 2550        1300 → 1450
=====  ============  =================  ============

Flows year to date at 2025-06 (and revenue at 2025-05): net_profit A1 30, A2 −20, A 15, B 40,
G 60; revenue A1 500 (400), A2 100 (80), A 650 (520), B 800 (650), G 1500 (1200);
total_profit G 80, and 64 at 2024-06.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

JUNE = Period(2025, 6)

ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
    {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26"},
    {"entity_id": "A1", "name": "甲一", "parent_id": "A", "industry": "C26"},
    {"entity_id": "A2", "name": "甲二", "parent_id": "A", "industry": "C26"},
    {"entity_id": "B", "name": "乙", "parent_id": "G", "industry": "D44"},
]
STOCKS = {  # entity: (assets, liabilities, equity) at opening and closing
    "A1": ((1000, 600, 400), (1200, 780, 420)),
    "A2": ((500, 300, 200), (500, 350, 150)),
    "A": ((1600, 950, 650), (1800, 1180, 620)),
    "B": ((2000, 1400, 600), (2000, 1300, 700)),
    "G": ((3700, 2400, 1300), (4000, 2550, 1450)),
}
FLOWS = {"A1": (30, 500, 400), "A2": (-20, 100, 80), "A": (15, 650, 520), "B": (40, 800, 650), "G": (60, 1500, 1200)}


def _facts() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(e: str, p: str, item: str, v: object) -> None:
        rows.append({"entity_id": e, "period": p, "item": item, "value": v, "unit": "元"})

    for e, (opening, closing) in STOCKS.items():
        for p, (a, li, eq) in (("2024-12", opening), ("2025-06", closing)):
            add(e, p, "total_assets", a)
            add(e, p, "total_liabilities", li)
            add(e, p, "total_equity", eq)
    for e, (np_, rev, rev_may) in FLOWS.items():
        add(e, "2025-06", "net_profit", np_)
        add(e, "2025-06", "revenue", rev)
        add(e, "2025-05", "revenue", rev_may)
        if e != "B":
            add(e, "2025-06", "rd_investment", 10)
    add("G", "2025-06", "total_profit", 80)
    add("G", "2024-06", "total_profit", 64)
    return rows


@pytest.fixture
def ws(workspace_of: Callable[..., Workspace]) -> Workspace:
    return workspace_of(entities=ENTITIES, facts=_facts())


def test_reported_figure_of_a_parent_is_its_own_consolidated_one(ws: Workspace) -> None:
    """G's debt ratio as reported: 2 550 / 4 000 = 63.75 %."""
    panel = ws.indicators(JUNE, indicators=["debt_ratio"], entity="G")
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)


def test_children_sum_differs_from_leaves_sum_and_from_reported(ws: Workspace) -> None:
    """节点汇总 of G = A + B: (1 180 + 1 300) / (1 800 + 2 000) = 2 480 / 3 800 = 65.263157…%;
    完全汇总 of G = A1 + A2 + B: (780 + 350 + 1 300) / (1 200 + 500 + 2 000) = 2 430 / 3 700 = 65.675675…%."""
    children = ws.indicators(JUNE, indicators=["debt_ratio"], entity="G", view="children")
    leaves = ws.indicators(JUNE, indicators=["debt_ratio"], entity="G", view="leaves")
    assert children.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)
    assert leaves.value("G", JUNE, "debt_ratio") == pytest.approx(2430 / 3700 * 100, rel=1e-12)
    assert children.row("G", JUNE, "debt_ratio").members == 2
    assert leaves.row("G", JUNE, "debt_ratio").members == 3


def test_children_of_a_middle_node(ws: Workspace) -> None:
    """节点汇总 of A = A1 + A2: 1 130 / 1 700 = 66.470588…%; a leaf has no children to sum."""
    panel = ws.indicators(JUNE, indicators=["debt_ratio"], view="children")
    assert set(panel.frame.entity_id) == {"G", "A"}
    assert panel.value("A", JUNE, "debt_ratio") == pytest.approx(1130 / 1700 * 100, rel=1e-12)


def test_roe_uses_average_equity_and_sums_before_dividing(ws: Workspace) -> None:
    """G reported: 60 / ((1 300 + 1 450) / 2) = 60 / 1 375 = 4.363636…%.
    G leaves: (30 − 20 + 40) / (((400 + 200 + 600) + (420 + 150 + 700)) / 2) = 50 / 1 235 = 4.048583…%,
    not the mean of the three entities' ROEs (7.317 %, −11.429 %, 6.154 %: mean 0.681 %)."""
    reported = ws.indicators(JUNE, indicators=["roe"], entity="G")
    leaves = ws.indicators(JUNE, indicators=["roe"], entity="G", view="leaves")
    assert reported.value("G", JUNE, "roe") == pytest.approx(60 / 1375 * 100, rel=1e-12)
    assert leaves.value("G", JUNE, "roe") == pytest.approx(50 / 1235 * 100, rel=1e-12)


def test_annualised_roe_scales_year_to_date_by_twelve_over_month(ws: Workspace) -> None:
    """G: 4.363636…% × 12 / 6 = 8.727272…%."""
    panel = ws.indicators(JUNE, indicators=["roe_annualized"], entity="G")
    assert panel.value("G", JUNE, "roe_annualized") == pytest.approx(60 / 1375 * 100 * 2, rel=1e-12)


def test_single_month_is_the_difference_of_year_to_date_figures(ws: Workspace) -> None:
    """June revenue of G: 1 500 − 1 200 = 300; of A2: 100 − 80 = 20."""
    panel = ws.indicators(JUNE, indicators=["revenue"], basis="month")
    assert panel.value("G", JUNE, "revenue") == Decimal(300)
    assert panel.value("A2", JUNE, "revenue") == Decimal(20)


def test_amounts_are_exact_decimals(ws: Workspace) -> None:
    panel = ws.indicators(JUNE, indicators=["revenue"], entity="G")
    value = panel.value("G", JUNE, "revenue")
    assert isinstance(value, Decimal)
    assert value == Decimal(1500)


def test_prior_year_change_and_growth(ws: Workspace) -> None:
    """G total profit 80 against 64 a year before: change 16, growth 16 / 64 = 25 %."""
    row = ws.indicators(JUNE, indicators=["total_profit"], entity="G").row("G", JUNE, "total_profit")
    assert row.prior_value == Decimal(64)
    assert row.change == Decimal(16)
    assert row.growth == pytest.approx(25.0)


def test_level_grouped_by_an_entity_column(ws: Workspace) -> None:
    """Level 3 (A1, A2) grouped by industry: one group C26, 1 130 / 1 700 = 66.47 %.
    Level 2 (A, B) by industry: C26 is A alone (1 180 / 1 800), D44 is B alone (1 300 / 2 000)."""
    l3 = ws.indicators(JUNE, indicators=["debt_ratio"], view="level", level=3, by="industry")
    assert list(l3.frame.entity_id) == ["C26"]
    assert l3.value("C26", JUNE, "debt_ratio") == pytest.approx(1130 / 1700 * 100, rel=1e-12)
    l2 = ws.indicators(JUNE, indicators=["debt_ratio"], view="level", level=2, by="industry")
    assert l2.value("C26", JUNE, "debt_ratio") == pytest.approx(1180 / 1800 * 100, rel=1e-12)
    assert l2.value("D44", JUNE, "debt_ratio") == pytest.approx(65.0, rel=1e-12)


def test_a_level_without_grouping_is_one_total(ws: Workspace) -> None:
    """Level 2 together: A + B = 2 480 / 3 800, the same entities as G's children."""
    panel = ws.indicators(JUNE, indicators=["debt_ratio"], view="level", level=2)
    assert panel.value("level-2", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)


def test_missing_input_gives_no_value_and_says_what_is_missing(ws: Workspace) -> None:
    """B reported no rd_investment: its R&D intensity is empty, and so is every sum that includes B."""
    panel = ws.indicators(JUNE, indicators=["rd_intensity"])
    b = panel.row("B", JUNE, "rd_intensity")
    assert b.value is None
    assert "研发经费投入" in b.note_zh and "R&D investment" in b.note_en
    assert panel.value("A", JUNE, "rd_intensity") == pytest.approx(10 / 650 * 100, rel=1e-12)
    leaves = ws.indicators(JUNE, indicators=["rd_intensity"], entity="G", view="leaves").row("G", JUNE, "rd_intensity")
    assert leaves.value is None
    assert "1/3" in leaves.note_zh and "1 of 3" in leaves.note_en


def test_a_month_without_figures_says_for_each_row_what_is_missing(ws: Workspace) -> None:
    """July 2025 has no figures: every row is empty, and each note counts that row's own members.

    Rows alike share one worked-out note (the engine caches notes by pattern), so rows that differ
    only in their member count must still get their own: G has 3 leaves (A1, A2, B), A has 2.
    """
    july = Period(2025, 7)
    reported = ws.indicators(july, indicators=["debt_ratio"]).frame
    assert reported.value.isna().all() and len(reported) == len(ENTITIES)
    assert set(reported.note_zh) == {"缺少：负债合计（期末）；资产总计（期末）"}
    assert set(reported.note_en) == {"missing: Total liabilities (closing); Total assets (closing)"}
    leaves = ws.indicators(july, indicators=["debt_ratio"], view="leaves")
    assert "（3/3 家企业未报）" in leaves.row("G", july, "debt_ratio").note_zh
    assert "(2 of 2 entities lack it)" in leaves.row("A", july, "debt_ratio").note_en
    assert "3 of 3" not in leaves.row("A", july, "debt_ratio").note_en


def test_missing_prior_year_leaves_change_empty(ws: Workspace) -> None:
    row = ws.indicators(JUNE, indicators=["debt_ratio"], entity="G").row("G", JUNE, "debt_ratio")
    assert row.prior_value is None and row.change is None and row.growth is None


def test_zero_denominator_is_named(workspace_of: Callable[..., Workspace]) -> None:
    ws = workspace_of(
        entities=[{"entity_id": "Z", "name": "零", "parent_id": ""}],
        facts=[
            {"entity_id": "Z", "period": "2025-06", "item": "revenue", "value": "0", "unit": "元"},
            {"entity_id": "Z", "period": "2025-06", "item": "total_profit", "value": "5", "unit": "元"},
        ],
    )
    row = ws.indicators(JUNE, indicators=["revenue_profit_margin"]).row("Z", JUNE, "revenue_profit_margin")
    assert row.value is None
    assert row.note_zh.startswith("分母为零") and "营业收入" in row.note_zh
    assert row.note_en.startswith("zero denominator")


def test_unknown_entity_is_an_error(ws: Workspace) -> None:
    with pytest.raises(NotFoundError):
        ws.indicators(JUNE, indicators=["debt_ratio"], entity="NOPE")


def test_tree_in_force_in_each_period_is_used(workspace_of: Callable[..., Workspace]) -> None:
    """X moves from P to Q in 2025-01: P's children sum holds X in 2024-06 but not in 2025-06."""
    entities = [
        {"entity_id": "P", "name": "P", "parent_id": "", "valid_from": "", "valid_to": ""},
        {"entity_id": "Q", "name": "Q", "parent_id": "", "valid_from": "", "valid_to": ""},
        {"entity_id": "Y", "name": "Y", "parent_id": "P", "valid_from": "", "valid_to": ""},
        {"entity_id": "X", "name": "X", "parent_id": "P", "valid_from": "", "valid_to": "2024-12"},
        {"entity_id": "X", "name": "X", "parent_id": "Q", "valid_from": "2025-01", "valid_to": ""},
    ]
    facts = [
        {"entity_id": e, "period": p, "item": "revenue", "value": v, "unit": "元"}
        for p in ("2024-06", "2025-06")
        for e, v in (("P", 1), ("Q", 1), ("X", 100), ("Y", 10))
    ]
    ws = workspace_of(entities=entities, facts=facts)
    panel = ws.indicators([Period(2024, 6), JUNE], indicators=["revenue"], view="children", prior=False)
    assert panel.value("P", Period(2024, 6), "revenue") == Decimal(110)
    assert panel.value("P", JUNE, "revenue") == Decimal(10)
    assert panel.value("Q", JUNE, "revenue") == Decimal(100)
    with pytest.raises(KeyError):
        panel.value("Q", Period(2024, 6), "revenue")  # Q had no children then
