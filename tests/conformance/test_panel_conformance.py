"""The engine's hand-worked cases on every backend, and every panel value equal to the DuckDB store's.

The cases are those of tests/engine/test_panel.py (a small group worked out by hand; the figures
are in that file's docstring and in conftest.py) and tests/engine/test_indicators.py (listed
central-enterprise companies' published figures, and one made-up enterprise with round inputs).
Each test runs once per backend (``engine`` is parametrised by name); the backend reads the
data itself (an exported lake, or the contract folder with its mixed units) and computes with
the same engine code.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pytest

from guozi.engine.backends import read_facts_dir, to_arrow
from guozi.engine.panel import Panel, Scope, compute_panel, compute_panels
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period

from .conftest import FY2023, FY2024, JUNE, QUERIES, Engine, differences, write_csv

# --- every value, every query --------------------------------------------------------------------


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_every_panel_value_equals_the_duckdb_store(engine: Engine, reference: Mapping[str, Panel], query: str) -> None:
    """Value, type (Decimal amounts, float ratios), prior-year value, change, growth, notes,
    members and names: exactly equal, cell by cell, to the panel of the same files imported
    into the DuckDB store."""
    got = engine.panel(query)
    want = reference[query]
    assert len(want.frame) > 0
    assert differences(got, want) == []


def test_several_scopes_in_one_call_equal_their_separate_panels(engine: Engine, reference: Mapping[str, Panel]) -> None:
    """compute_panels pivots the facts once and keeps the result in the backend (a cached table on
    each backend, registered first on Spark): each scope's panel equals the DuckDB store's panel of
    the same query computed alone."""
    names = ["group-reported", "group-children", "group-leaves", "group-children-same-basis"]
    queries = [QUERIES[n] for n in names]
    facts, tree = engine.read("group")
    panels = compute_panels(
        facts,
        tree,
        engine.data.reference["group"].catalog,
        periods=queries[0].periods,
        indicators=queries[0].indicators,
        scopes=[q.scope for q in queries],
    )
    assert [differences(got, reference[n]) for got, n in zip(panels, names, strict=True)] == [[]] * len(names)


# --- the group (tests/engine/test_panel.py) ------------------------------------------------------


def test_reported_figure_of_a_parent_is_its_own_consolidated_one(engine: Engine) -> None:
    """G's debt ratio as reported: 2 550 / 4 000 = 63.75 %."""
    assert engine.panel("group-reported").value("G", JUNE, "debt_ratio") == pytest.approx(63.75, rel=1e-12)


def test_children_sum_differs_from_leaves_sum_and_from_reported(engine: Engine) -> None:
    """节点汇总 of G = A + B: (1 180 + 1 300) / (1 800 + 2 000) = 2 480 / 3 800 = 65.263157…%;
    完全汇总 of G = A1 + A2 + B: (780 + 350 + 1 300) / (1 200 + 500 + 2 000) = 2 430 / 3 700 = 65.675675…%."""
    children, leaves = engine.panel("group-children"), engine.panel("group-leaves")
    assert children.value("G", JUNE, "debt_ratio") == pytest.approx(2480 / 3800 * 100, rel=1e-12)
    assert leaves.value("G", JUNE, "debt_ratio") == pytest.approx(2430 / 3700 * 100, rel=1e-12)
    assert children.row("G", JUNE, "debt_ratio").members == 2
    assert leaves.row("G", JUNE, "debt_ratio").members == 3


def test_children_of_a_middle_node(engine: Engine) -> None:
    """节点汇总 of A = A1 + A2: 1 130 / 1 700 = 66.470588…%; a leaf has no children to sum."""
    panel = engine.panel("group-children")
    assert set(panel.frame.entity_id) == {"G", "A"}
    assert panel.value("A", JUNE, "debt_ratio") == pytest.approx(1130 / 1700 * 100, rel=1e-12)


def test_roe_uses_average_equity_and_sums_before_dividing(engine: Engine) -> None:
    """G reported: 60 / ((1 300 + 1 450) / 2) = 60 / 1 375 = 4.363636…%.
    G leaves: (30 − 20 + 40) / (((400 + 200 + 600) + (420 + 150 + 700)) / 2) = 50 / 1 235 = 4.048583…%."""
    assert engine.panel("group-reported").value("G", JUNE, "roe") == pytest.approx(60 / 1375 * 100, rel=1e-12)
    assert engine.panel("group-leaves").value("G", JUNE, "roe") == pytest.approx(50 / 1235 * 100, rel=1e-12)


def test_annualised_roe_scales_year_to_date_by_twelve_over_month(engine: Engine) -> None:
    """G: 4.363636…% × 12 / 6 = 8.727272…%."""
    value = engine.panel("group-reported").value("G", JUNE, "roe_annualized")
    assert value == pytest.approx(60 / 1375 * 100 * 2, rel=1e-12)


def test_single_month_is_the_difference_of_year_to_date_figures(engine: Engine) -> None:
    """June revenue of G: 1 500 − 1 200 = 300; of A2: 100 − 80 = 20."""
    panel = engine.panel("group-month")
    assert panel.value("G", JUNE, "revenue") == Decimal(300)
    assert panel.value("A2", JUNE, "revenue") == Decimal(20)


def test_amounts_are_exact_decimals(engine: Engine) -> None:
    """G's revenue 1 500 元 comes back as a Decimal, not a float."""
    value = engine.panel("group-reported").value("G", JUNE, "revenue")
    assert isinstance(value, Decimal)
    assert value == Decimal(1500)


def test_prior_year_change_and_growth(engine: Engine) -> None:
    """G total profit 80 against 64 a year before: change 16, growth 16 / 64 = 25 %."""
    row = engine.panel("group-reported").row("G", JUNE, "total_profit")
    assert row.prior_value == Decimal(64)
    assert row.change == Decimal(16)
    assert row.growth == pytest.approx(25.0)


def test_level_grouped_by_an_entity_column(engine: Engine) -> None:
    """Level 3 (A1, A2) grouped by industry: one group C26, 1 130 / 1 700 = 66.47 %.
    Level 2 (A, B) by industry: C26 is A alone (1 180 / 1 800), D44 is B alone (1 300 / 2 000)."""
    l3 = engine.panel("group-level3-industry")
    assert list(l3.frame.entity_id) == ["C26"]
    assert l3.value("C26", JUNE, "debt_ratio") == pytest.approx(1130 / 1700 * 100, rel=1e-12)
    l2 = engine.panel("group-level2-industry")
    assert l2.value("C26", JUNE, "debt_ratio") == pytest.approx(1180 / 1800 * 100, rel=1e-12)
    assert l2.value("D44", JUNE, "debt_ratio") == pytest.approx(65.0, rel=1e-12)


def test_a_level_without_grouping_is_one_total(engine: Engine) -> None:
    """Level 2 together: A + B = 2 480 / 3 800, the same entities as G's children."""
    value = engine.panel("group-level2").value("level-2", JUNE, "debt_ratio")
    assert value == pytest.approx(2480 / 3800 * 100, rel=1e-12)


def test_missing_input_gives_no_value_and_says_what_is_missing(engine: Engine) -> None:
    """B reported no rd_investment: its R&D intensity is empty, and so is every sum that includes B;
    A's is 10 / 650 = 1.538461…%."""
    panel = engine.panel("group-reported")
    b = panel.row("B", JUNE, "rd_intensity")
    assert b.value is None
    assert "研发经费投入" in b.note_zh and "R&D investment" in b.note_en
    assert panel.value("A", JUNE, "rd_intensity") == pytest.approx(10 / 650 * 100, rel=1e-12)
    leaves = engine.panel("group-leaves").row("G", JUNE, "rd_intensity")
    assert leaves.value is None
    assert "1/3" in leaves.note_zh and "1 of 3" in leaves.note_en


def test_missing_prior_year_leaves_change_empty(engine: Engine) -> None:
    """No 2024-06 balance sheet: G's debt ratio has no prior value, change or growth."""
    row = engine.panel("group-reported").row("G", JUNE, "debt_ratio")
    assert row.prior_value is None and row.change is None and row.growth is None


def test_unknown_grouping_column_is_an_error(engine: Engine) -> None:
    """Grouping by a column the entities do not have is refused before anything runs."""
    facts, tree = engine.read("group")
    with pytest.raises(NotFoundError):
        compute_panel(
            facts,
            tree,
            engine.data.reference["group"].catalog,
            periods=[JUNE],
            indicators=["debt_ratio"],
            scope=Scope(view="level", level=2, by="no_such_column"),
        )


# --- edge cases ------------------------------------------------------------------------------------


def test_zero_denominator_is_named(engine: Engine) -> None:
    """Z: total profit 5 over revenue 0: no margin, and the note names revenue as the zero divisor."""
    row = engine.panel("edge-reported").row("Z", JUNE, "revenue_profit_margin")
    assert row.value is None
    assert row.note_zh.startswith("分母为零") and "营业收入" in row.note_zh
    assert row.note_en.startswith("zero denominator")


def test_sums_of_amounts_stay_exact_decimals(engine: Engine) -> None:
    """P's children: 9 876 543 210 987.6543 + 0.0001 + 1 234 567 890 123.4567 = 11 111 111 101 111.1111 元
    exactly (17 significant digits: a float64 sum would round it)."""
    value = engine.panel("edge-children").value("P", JUNE, "revenue")
    assert isinstance(value, Decimal)
    assert value == Decimal("11111111101111.1111")
    assert float(value) != value  # the check above is not one a float could pass


def test_tree_in_force_in_each_period_is_used(engine: Engine) -> None:
    """X moves from P to Q in 2025-01: P's children sum holds X in 2024-06 (100 + 10 = 110) but not in
    2025-06 (10); Q's is X alone (100) and Q had no children in 2024-06."""
    panel = engine.panel("moved-children")
    assert panel.value("P", Period(2024, 6), "revenue") == Decimal(110)
    assert panel.value("P", JUNE, "revenue") == Decimal(10)
    assert panel.value("Q", JUNE, "revenue") == Decimal(100)
    with pytest.raises(KeyError):
        panel.value("Q", Period(2024, 6), "revenue")


# --- trillions of yuan (issue 16; figures in conftest.TRILLIONS) -----------------------------------


def test_a_trillion_yuan_debt_ratio_is_exact_to_a_float(engine: Engine) -> None:
    """SG: 负债 2 500 000 000 000 / 资产 3 600 000 000 000 × 100 = 625 / 9 = 69.444…%; the float64
    nearest to it is 69.44444444444444, and 2.5e12 / 3.6e12 × 100 in float64 gives exactly that."""
    assert engine.panel("trillions-reported").value("SG", JUNE, "debt_ratio") == float(Decimal(625) / Decimal(9))
    assert engine.panel("trillions-reported").value("SG", JUNE, "total_assets") == Decimal(3_600_000_000_000)


def test_sums_beyond_the_store_limit_stay_exact(engine: Engine) -> None:
    """T's children (T1, T2, SG), each below 10^16 元, add up beyond it, exactly:
    资产 9 500 000 000 000 000 + 9 000 000 000 000 000 + 3 600 000 000 000 = 18 503 600 000 000 000;
    营业收入 9 000 000 000 000 000 + 8 765 432 109 876 543.2109 + 1 800 000 000 000 = 17 767 232 109 876 543.2109;
    负债 8 999 999 999 999 999.9999 + 6 000 000 000 000 000 + 2 500 000 000 000 = 15 002 499 999 999 999.9999,
    so the debt ratio is 15 002 499 999 999 999.9999 / 18 503 600 000 000 000 × 100 = 81.0789… %."""
    panel = engine.panel("trillions-children")
    assert panel.value("T", JUNE, "total_assets") == Decimal("18503600000000000")
    revenue = panel.value("T", JUNE, "revenue")
    assert isinstance(revenue, Decimal)
    assert revenue == Decimal("17767232109876543.2109")
    ratio = Decimal("15002499999999999.9999") * 100 / Decimal("18503600000000000")
    assert panel.value("T", JUNE, "debt_ratio") == pytest.approx(float(ratio), rel=1e-15)


def test_a_change_of_trillions_is_an_exact_decimal(engine: Engine) -> None:
    """T2's revenue 8 765 432 109 876 543.2109 against 7 000 000 000 000 000.0001 a year before: change
    1 765 432 109 876 543.2108 exactly (20 digits), growth 1 765 432 109 876 543.2108 / 7 000 000 000 000 000.0001
    × 100 = 25.2204… %. T1's roe: 123 456 789 012 345.6789 / ((400 000 000 000 000 + 500 000 000 000 000.0001) / 2)
    × 100 = 27.4348… %."""
    row = engine.panel("trillions-reported").row("T2", JUNE, "revenue")
    assert row.change == Decimal("1765432109876543.2108")
    growth = Decimal("1765432109876543.2108") * 100 / Decimal("7000000000000000.0001")
    assert row.growth == pytest.approx(float(growth), rel=1e-15)
    roe = Decimal("123456789012345.6789") * 100 / ((Decimal("400000000000000") + Decimal("500000000000000.0001")) / 2)
    assert engine.panel("trillions-reported").value("T1", JUNE, "roe") == pytest.approx(float(roe), rel=1e-15)


# --- published figures (tests/engine/test_indicators.py), read with their mixed units ------------


def test_revenue_profit_margin_china_state_construction_2023(engine: Engine) -> None:
    """中国建筑 (601668) FY2023, Yahoo Finance HK income statement, RMB thousand:
    利润总额 92 995 473 千元, 营业总收入 2 265 529 244 千元 → 4.1048 %."""
    panel = engine.panel("public")
    assert panel.value("601668", FY2023, "total_profit") == Decimal("92995473000")
    assert panel.value("601668", FY2023, "revenue_profit_margin") == pytest.approx(
        92995473 / 2265529244 * 100, rel=1e-12
    )


def test_operating_cash_ratio_cccc_2023_matches_the_published_figure(engine: Engine) -> None:
    """中国交建 (601800) FY2023, 光大证券 review: 经营活动现金流 12 074 百万元 over 营业收入 7 586.8 亿元
    → 12 074 000 000 / 758 680 000 000 = 1.5914 % (printed 1.59 %)."""
    value = engine.panel("public").value("601800", FY2023, "operating_cash_ratio")
    assert value == pytest.approx(12_074_000_000 / 758_680_000_000 * 100, rel=1e-12)
    assert round(value, 2) == 1.59


def test_revenue_growth_china_mobile_2023_across_units(engine: Engine) -> None:
    """中国移动 (600941): FY2022 937 259 百万元, FY2023 1 009.3 十亿元 → change 72 041 000 000 元, growth 7.686 %."""
    row = engine.panel("public").row("600941", FY2023, "revenue")
    assert row.value == Decimal("1009300000000")
    assert row.prior_value == Decimal("937259000000")
    assert row.change == Decimal("72041000000")
    assert row.growth == pytest.approx(72041 / 937259 * 100, rel=1e-12)


def test_total_profit_fall_sinopec_2024(engine: Engine) -> None:
    """中国石化 (600028) 利润总额: FY2024 70 513 000 000 against FY2023 86 116 000 000 元:
    change −15 603 000 000 元, growth −18.119 %."""
    row = engine.panel("public").row("600028", FY2024, "total_profit")
    assert row.change == Decimal("-15603000000")
    assert row.growth == pytest.approx(-15603 / 86116 * 100, rel=1e-12)


def test_net_profit_in_ten_thousand_yuan_crcc(engine: Engine) -> None:
    """中国铁建 (601186) FY2023 净利润 3 232 900.00 万元 = 32 329 000 000 元 exactly."""
    assert engine.panel("public").value("601186", FY2023, "net_profit") == Decimal("32329000000")


def test_missing_public_figure_says_which(engine: Engine) -> None:
    """中国建筑 published no 负债合计 in the data set: its debt ratio is empty, naming the item."""
    row = engine.panel("public").row("601668", FY2023, "debt_ratio")
    assert row.value is None
    assert "负债合计" in row.note_zh


# --- every indicator by hand (E and F, amounts in 万元) -------------------------------------------

HAND_WORKED: dict[str, tuple[str, object, str]] = {
    "total_profit": ("E", Decimal("1200000"), "120 万元 = 1 200 000 元"),
    "net_profit": ("E", Decimal("900000"), "90 万元"),
    "revenue": ("E", Decimal("20000000"), "2 000 万元"),
    "taxes_paid": ("E", Decimal("700000"), "70 万元"),
    "total_assets": ("E", Decimal("10000000"), "1 000 万元"),
    "operating_cash_flow": ("E", Decimal("1600000"), "160 万元"),
    "debt_ratio": ("E", 65.0, "650 / 1 000"),
    "roe": ("E", 90 / 325 * 100, "90 / ((300 + 350) / 2)"),
    "roe_annualized": ("E", 90 / 325 * 100 * 12 / 6, "27.6923 % × 12 / 6"),
    "rd_intensity": ("E", 2.5, "50 / 2 000"),
    "value_added": ("F", Decimal("4000000"), "200 + 50 + 30 + 120 = 400 万元 (components)"),
    "average_employees": ("E", Decimal(100), "(90 + 110) / 2"),
    "labor_productivity": ("E", 4.0, "400 万元 / 100 人"),
    "labor_productivity_annualized": ("E", 8.0, "4 × 12 / 6"),
    "operating_cash_ratio": ("E", 8.0, "160 / 2 000"),
    "cash_collection_ratio": ("E", 95.0, "1 900 / 2 000"),
    "revenue_profit_margin": ("E", 6.0, "120 / 2 000"),
    "two_funds": ("E", Decimal("4000000"), "150 + 250 = 400 万元"),
    "two_funds_share": ("E", 400 / 600 * 100, "400 / 600"),
    "interest_bearing_debt": ("E", Decimal("2600000"), "260 万元"),
    "interest_bearing_debt_ratio": ("E", 40.0, "260 / 650"),
    "interest_coverage": ("E", 7.0, "(120 + 20) / 20"),
    "current_ratio": ("E", 1.5, "600 / 400"),
    "sei_revenue_share": ("E", 15.0, "300 / 2 000"),
}


@pytest.mark.parametrize("code", sorted(HAND_WORKED))
def test_each_indicator_by_hand(engine: Engine, code: str) -> None:
    """The working of each value is beside it in HAND_WORKED."""
    entity, expected, _working = HAND_WORKED[code]
    value = engine.panel("made_up").value(entity, JUNE, code)
    if isinstance(expected, Decimal):
        assert isinstance(value, Decimal)
        assert value == expected
    else:
        assert value == pytest.approx(expected, rel=1e-12)


def test_reported_employees_average_wins_over_opening_and_closing(engine: Engine) -> None:
    """F reports 平均从业人员 80 (not (10 + 500) / 2 = 255): 400 万元 / 80 人 = 5 万元/人."""
    assert engine.panel("made_up").value("F", JUNE, "labor_productivity") == pytest.approx(5.0, rel=1e-12)


def test_value_added_aggregates_entity_by_entity(engine: Engine) -> None:
    """E reports value added (400 万元), F its components (400 万元): together 800 万元."""
    assert engine.panel("made_up-level1").value("level-1", JUNE, "value_added") == Decimal("8000000")


# --- reading contract text ---------------------------------------------------------------------------


def test_contract_text_converts_exactly_on_each_engine(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each backend reads contract text itself: " 1,234.5 " 万元 = 12 345 000 元; 0.000001 亿元 = 100 元;
    "7" in 十亿元 = 7 000 000 000 元; 1.2345 千元 = 1 234.5 元; 3 in "10K" (case ignored) = 30 000 元;
    an empty unit is 元 (0.0001 stays 0.0001); "vf" and "fv" keep their v and f; " 2025-06 " is 202506."""
    folder = tmp_path_factory.mktemp(f"text-{engine.name}")
    write_csv(folder / "entities.csv", [{"entity_id": "vf", "name": "x"}, {"entity_id": "fv", "name": "y"}])
    rows = [
        ("vf", " 2025-06 ", " revenue ", " 1,234.5 ", " 万元 "),
        ("vf", "2025-06", "net_profit", "0.000001", "亿元"),
        ("fv", "2025-06", "revenue", "7", "十亿元"),
        ("fv", "2025-06", "net_profit", "1.2345", "千元"),
        ("fv", "2025-06", "total_profit", "3", "10K"),
        ("fv", "2025-06", "taxes_paid", "0.0001", ""),
    ]
    keys = ("entity_id", "period", "item", "value", "unit")
    write_csv(folder / "facts.csv", [dict(zip(keys, r, strict=True)) for r in rows])
    facts, entities = read_facts_dir(engine.con, folder)
    got = {(r["entity_id"], r["period"], r["item"]): r["value"] for r in to_arrow(facts).to_pylist()}
    assert got == {
        ("vf", 202506, "revenue"): Decimal("12345000.0000"),
        ("vf", 202506, "net_profit"): Decimal("100.0000"),
        ("fv", 202506, "revenue"): Decimal("7000000000.0000"),
        ("fv", 202506, "net_profit"): Decimal("1234.5000"),
        ("fv", 202506, "total_profit"): Decimal("30000.0000"),
        ("fv", 202506, "taxes_paid"): Decimal("0.0001"),
    }
    assert sorted(entities.entity_id) == ["fv", "vf"]


def test_contract_text_near_the_store_limit_converts_exactly_on_each_engine(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Values below the limit of 10^16 元 in each unit, exactly (issue 16; each needs more than 18
    digits in its unit, so the engine parses it a second time, wide):
    9 999 999 999 999 999.9999 元; 89 999 999.999 999 999 999 亿元 = 8 999 999 999 999 999.9999 元;
    "9,999,999,999,999.9999999" 千元 = 9 999 999 999 999 999.9999 元; -9 999 999.999 999 999 999 十亿元 =
    -9 999 999 999 999 999.999 元; "1e15" 元 = 10^15 元; and 123.45 元 (the fast path) beside them."""
    folder = tmp_path_factory.mktemp(f"limit-{engine.name}")
    write_csv(folder / "entities.csv", [{"entity_id": "A", "name": "x"}])
    rows = [
        ("revenue", "9999999999999999.9999", "元"),
        ("net_profit", "89999999.999999999999", "亿元"),
        ("total_assets", "9,999,999,999,999.9999999", "千元"),
        ("total_profit", "-9999999.999999999999", "十亿元"),
        ("taxes_paid", "1e15", "元"),
        ("total_equity", "123.45", "元"),
    ]
    keys = ("entity_id", "period", "item", "value", "unit")
    write_csv(folder / "facts.csv", [dict(zip(keys, ("A", "2025-06", *r), strict=True)) for r in rows])
    facts, _ = read_facts_dir(engine.con, folder)
    got = {r["item"]: r["value"] for r in to_arrow(facts).to_pylist()}
    assert got == {
        "revenue": Decimal("9999999999999999.9999"),
        "net_profit": Decimal("8999999999999999.9999"),
        "total_assets": Decimal("9999999999999999.9999"),
        "total_profit": Decimal("-9999999999999999.9990"),
        "taxes_paid": Decimal("1000000000000000.0000"),
        "total_equity": Decimal("123.4500"),
    }
