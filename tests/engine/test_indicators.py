"""Every indicator of the catalogue against values worked out by hand.

Part one uses listed central-enterprise companies' published figures (src/guozi/demo/public,
converted from ../shared/data/public_companies.csv with each row's source in sources.csv),
in the units they were printed in. Part two covers the indicators those figures cannot reach
with one made-up enterprise whose inputs are round numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

PUBLIC = Path(str(resources.files("guozi.demo") / "public"))
FY2023, FY2024 = Period(2023, 12), Period(2024, 12)


@pytest.fixture(scope="module")
def public() -> Workspace:
    return Workspace.from_data([PUBLIC])


def test_revenue_profit_margin_china_state_construction_2023(public: Workspace) -> None:
    """中国建筑 (601668) FY2023, Yahoo Finance HK income statement, RMB thousand:
    利润总额 92 995 473 千元, 营业总收入 2 265 529 244 千元 → 92 995 473 / 2 265 529 244 = 4.1048 %."""
    panel = public.indicators(FY2023, indicators=["revenue_profit_margin", "total_profit"], entity="601668")
    assert panel.value("601668", FY2023, "total_profit") == Decimal("92995473000")
    assert panel.value("601668", FY2023, "revenue_profit_margin") == pytest.approx(
        92995473 / 2265529244 * 100, rel=1e-12
    )
    assert panel.value("601668", FY2023, "revenue_profit_margin") == pytest.approx(4.1048, abs=5e-5)


def test_operating_cash_ratio_cccc_2023_matches_the_published_figure(public: Workspace) -> None:
    """中国交建 (601800) FY2023, 光大证券 annual-report review: 经营活动现金流 12 074 百万元 and
    营业收入 7 586.8 亿元 (two units) → 12 074 000 000 / 758 680 000 000 = 1.5914 %; the same review
    prints 营业现金比率 1.59 %."""
    panel = public.indicators(FY2023, indicators=["operating_cash_ratio"], entity="601800")
    value = panel.value("601800", FY2023, "operating_cash_ratio")
    assert value == pytest.approx(12_074_000_000 / 758_680_000_000 * 100, rel=1e-12)
    assert round(value, 2) == 1.59


def test_revenue_growth_china_mobile_2023_across_units(public: Workspace) -> None:
    """中国移动 (600941) revenue: FY2022 937 259 百万元 (HK annual report), FY2023 1 009.3 十亿元 (HK annual
    results) → 1 009 300 000 000 − 937 259 000 000 = 72 041 000 000 元, growth 7.686 % ("+7.7 %" in the source)."""
    row = public.indicators(FY2023, indicators=["revenue"], entity="600941").row("600941", FY2023, "revenue")
    assert row.value == Decimal("1009300000000")
    assert row.prior_value == Decimal("937259000000")
    assert row.change == Decimal("72041000000")
    assert row.growth == pytest.approx(72041 / 937259 * 100, rel=1e-12)
    assert round(row.growth, 1) == 7.7


def test_total_profit_fall_sinopec_2024(public: Workspace) -> None:
    """中国石化 (600028) 利润总额 (10086hxa, 元): FY2024 70 513 000 000 against FY2023 86 116 000 000:
    change −15 603 000 000 元, growth −18.119 %."""
    row = public.indicators(FY2024, indicators=["total_profit"], entity="600028").row("600028", FY2024, "total_profit")
    assert row.change == Decimal("-15603000000")
    assert row.growth == pytest.approx(-15603 / 86116 * 100, rel=1e-12)


def test_net_profit_in_ten_thousand_yuan_crcc(public: Workspace) -> None:
    """中国铁建 (601186) FY2023 净利润 3 232 900.00 万元 (askci) = 32 329 000 000 元 exactly."""
    panel = public.indicators(FY2023, indicators=["net_profit"], entity="601186")
    assert panel.value("601186", FY2023, "net_profit") == Decimal("32329000000")


def test_missing_public_figure_says_which(public: Workspace) -> None:
    """中国建筑 published no 负债合计 in the data set: its debt ratio is empty, naming the item."""
    row = public.indicators(FY2023, indicators=["debt_ratio"], entity="601668").row("601668", FY2023, "debt_ratio")
    assert row.value is None
    assert "负债合计" in row.note_zh


JUNE = Period(2025, 6)
E_FACTS = {  # entity E, 2025-06, amounts in 万元 (one unit for all, converted to yuan on the way in)
    "revenue": 2000, "total_profit": 120, "net_profit": 90, "rd_investment": 50, "value_added": 400,
    "operating_cash_flow": 160, "cash_from_sales": 1900, "operating_cash_inflow": 2100, "interest_expense": 20, "taxes_paid": 70,
    "sei_revenue": 300, "total_assets": 1000, "total_liabilities": 650, "total_equity": 350,
    "current_assets": 600, "current_liabilities": 400, "accounts_receivable": 150, "inventory": 250,
    "interest_bearing_debt": 260,
    "operating_cost": 1500, "taxes_and_surcharges": 20, "selling_expense": 100, "admin_expense": 150,
    "rd_expense": 40, "finance_expense": 30,
}  # fmt: skip
E_OPENING = {"total_assets": 800, "total_liabilities": 500, "total_equity": 300}  # 2024-12, 万元
E_EMPLOYEES = {"2024-12": 90, "2025-06": 110}  # persons → average 100


@pytest.fixture(scope="module")
def made_up(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("e")
    rows = ["entity_id,period,item,value,unit"]
    rows += [f"E,2025-06,{k},{v},万元" for k, v in E_FACTS.items()]
    rows += [f"E,2024-12,{k},{v},万元" for k, v in E_OPENING.items()]
    rows += [f"E,{p},employees,{v},人" for p, v in E_EMPLOYEES.items()]
    # F gives value added only as its four components, and its own average employees
    rows += ["F,2025-06,labor_compensation,200,万元", "F,2025-06,depreciation,50,万元"]
    rows += ["F,2025-06,net_production_tax,30,万元", "F,2025-06,operating_surplus,120,万元"]
    rows += ["F,2025-06,employees_avg,80,人", "F,2025-06,employees,500,人", "F,2024-12,employees,10,人"]
    (folder / "facts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "entities.csv").write_text("entity_id,name\nE,例一\nF,例二\n", encoding="utf-8")
    return Workspace.from_data([folder])


# indicator: (entity, expected value, the working)
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
    "cash_collection_ratio_inflow": ("E", 105.0, "经营活动现金流入小计 2 100 / 营业收入 2 000"),
    "revenue_profit_margin": ("E", 6.0, "120 / 2 000"),
    "two_funds": ("E", Decimal("4000000"), "150 + 250 = 400 万元"),
    "two_funds_share": ("E", 400 / 600 * 100, "400 / 600"),
    "interest_bearing_debt": ("E", Decimal("2600000"), "260 万元"),
    "interest_bearing_debt_ratio": ("E", 40.0, "260 / 650"),
    "interest_coverage": ("E", 7.0, "(120 + 20) / 20"),
    "current_ratio": ("E", 1.5, "600 / 400"),
    "sei_revenue_share": ("E", 15.0, "300 / 2 000"),
    "cost_expense_total": ("E", Decimal("18400000"), "1 500 + 20 + 100 + 150 + 40 + 30 = 1 840 万元"),
    "cost_expense_profit_margin": ("E", 120 / 1840 * 100, "利润总额 120 / 成本费用总额 1 840"),
}


@pytest.mark.parametrize("code", sorted(HAND_WORKED))
def test_each_indicator_by_hand(made_up: Workspace, code: str) -> None:
    entity, expected, _working = HAND_WORKED[code]
    value = made_up.indicators(JUNE, indicators=[code], entity=entity, prior=False).value(entity, JUNE, code)
    if isinstance(expected, Decimal):
        assert value == expected
    else:
        assert value == pytest.approx(expected, rel=1e-12)


def test_every_formula_indicator_is_worked_by_hand() -> None:
    """Every indicator of indicators.yaml (EVA's helper quantities are checked by tests/risk/test_eva.py)."""
    catalog = load_catalog()
    main = {c for c in catalog.computable() if catalog.indicators[c].origin.endswith("/indicators.yaml")}
    assert set(HAND_WORKED) == main


def test_reported_employees_average_wins_over_opening_and_closing(made_up: Workspace) -> None:
    """F reports 平均从业人员 80 (not (10 + 500) / 2 = 255): 400 万元 / 80 人 = 5 万元/人."""
    panel = made_up.indicators(JUNE, indicators=["labor_productivity"], entity="F", prior=False)
    assert panel.value("F", JUNE, "labor_productivity") == pytest.approx(5.0, rel=1e-12)


def test_value_added_aggregates_entity_by_entity(made_up: Workspace, workspace_of: Callable[..., Workspace]) -> None:
    """E reports value added (400 万元), F its components (400 万元): together 800 万元."""
    panel = made_up.indicators(JUNE, indicators=["value_added"], view="level", level=1, prior=False)
    assert panel.value("level-1", JUNE, "value_added") == Decimal("8000000")
