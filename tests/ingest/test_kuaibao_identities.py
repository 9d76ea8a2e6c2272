"""The 快报's statement identities of rules/validation.yaml (issue 19), on a hand-made statement.

The figures (万元) were added up by hand from the 2019 general-enterprise formats (财会〔2019〕6号):

资产负债表: 流动资产 100 + 10 + 0 + 20 + 150 + 5 + 15 + 25 + 200 + 30 + 0 + 10 + 35 = 600; 非流动资产
0 + 0 + 20 + 150 + 10 + 0 + 30 + 400 + 80 + 0 + 0 + 20 + 60 + 5 + 15 + 10 + 10 + 20 = 830; 资产总计 1 430.
流动负债 100 + 0 + 0 + 30 + 170 + 10 + 40 + 20 + 15 + 35 + 0 + 30 + 10 = 460; 非流动负债 200 + 100 + 15 +
20 + 5 + 10 + 5 + 5 = 360; 负债合计 820. 归母权益 300 + 0 + 80 − 10 + 5 + 5 + 50 + 0 + 120 = 550, 少数股东
权益 60, 所有者权益合计 610; 负债和所有者权益总计 820 + 610 = 1 430.
利润表: 营业利润 1 000 − (700 + 10 + 50 + 60 + 30 + 20) + (5 + 15 + 0 + 2 − 3 − 4 + 1) = 146; 利润总额
146 + 4 − 10 = 140; 净利润 140 − 35 = 105 = 90 + 15 = 105 + 0; 综合收益 105 + 5 = 110 = 94 + 16.
现金流量表: 经营 930 − 810 = 120 (930 = 900 + 10 + 20, 810 = 600 + 120 + 60 + 30); 投资 50 − 200 = −150;
筹资 300 − 250 = 50; 净增加 120 − 150 + 50 + 2 = 22.
"""

from __future__ import annotations

import pytest

from guozi.catalog import load_catalog
from guozi.ingest.rules import load_rules

from .conftest import Desk, wan

BALANCE = {
    "cash": 100, "trading_financial_assets": 10, "derivative_financial_assets": 0, "notes_receivable": 20,
    "accounts_receivable": 150, "receivables_financing": 5, "prepayments": 15, "other_receivables": 25,
    "inventory": 200, "contract_assets": 30, "held_for_sale_assets": 0, "non_current_assets_due_within_one_year": 10,
    "other_current_assets": 35, "current_assets": 600,
    "debt_investments": 0, "other_debt_investments": 0, "long_term_receivables": 20,
    "long_term_equity_investments": 150, "other_equity_instrument_investments": 10,
    "other_non_current_financial_assets": 0, "investment_property": 30, "fixed_assets": 400,
    "construction_in_progress": 80, "productive_biological_assets": 0, "oil_and_gas_assets": 0,
    "right_of_use_assets": 20, "intangible_assets": 60, "development_expenditure": 5, "goodwill": 15,
    "long_term_prepaid_expenses": 10, "deferred_tax_assets": 10, "other_non_current_assets": 20,
    "non_current_assets": 830, "total_assets": 1430,
    "short_term_borrowings": 100, "trading_financial_liabilities": 0, "derivative_financial_liabilities": 0,
    "notes_payable": 30, "accounts_payable": 170, "advances_from_customers": 10, "contract_liabilities": 40,
    "employee_benefits_payable": 20, "taxes_payable": 15, "other_payables": 35, "held_for_sale_liabilities": 0,
    "non_current_liabilities_due_within_one_year": 30, "other_current_liabilities": 10, "current_liabilities": 460,
    "long_term_borrowings": 200, "bonds_payable": 100, "lease_liabilities": 15, "long_term_payables": 20,
    "provisions": 5, "deferred_income": 10, "deferred_tax_liabilities": 5, "other_non_current_liabilities": 5,
    "non_current_liabilities": 360, "total_liabilities": 820,
    "paid_in_capital": 300, "other_equity_instruments": 0, "capital_reserve": 80, "treasury_stock": 10,
    "other_comprehensive_income": 5, "special_reserve": 5, "surplus_reserve": 50, "general_risk_reserve": 0,
    "undistributed_profit": 120, "equity_parent": 550, "minority_interests": 60, "total_equity": 610,
    "total_liabilities_and_equity": 1430,
}  # fmt: skip
INCOME = {
    "revenue": 1000, "operating_cost": 700, "taxes_and_surcharges": 10, "selling_expense": 50,
    "admin_expense": 60, "rd_expense": 30, "finance_expense": 20, "other_income": 5, "investment_income": 15,
    "net_exposure_hedging_gain": 0, "fair_value_gain": 2, "credit_impairment_loss": -3,
    "asset_impairment_loss": -4, "asset_disposal_gain": 1, "operating_profit": 146, "non_operating_income": 4,
    "non_operating_expense": 10, "total_profit": 140, "income_tax": 35, "net_profit": 105,
    "net_profit_parent": 90, "minority_profit": 15, "continuing_net_profit": 105, "discontinued_net_profit": 0,
    "other_comprehensive_income_net": 5, "total_comprehensive_income": 110,
}  # fmt: skip
CASH = {
    "cash_from_sales": 900, "tax_refunds_received": 10, "other_operating_cash_received": 20,
    "operating_cash_inflow": 930, "cash_paid_for_goods": 600, "cash_paid_to_employees": 120,
    "cash_paid_for_taxes": 60, "other_operating_cash_paid": 30, "operating_cash_outflow": 810,
    "operating_cash_flow": 120, "investing_cash_inflow": 50, "investing_cash_outflow": 200,
    "investing_cash_flow": -150, "financing_cash_inflow": 300, "financing_cash_outflow": 250,
    "financing_cash_flow": 50, "fx_effect_on_cash": 2, "net_increase_in_cash": 22,
}  # fmt: skip
ALL: dict[str, int] = {**BALANCE, **INCOME, **CASH}


def statement_problems(desk: Desk, figures: dict[str, object]) -> dict[str, tuple[str, str]]:
    """The statement.* problems of A's June 2025 figures: rule → (severity, message)."""
    found = desk.problems(wan("A", "2025-06", **figures))
    return {p.rule: (p.severity.value, p.message_zh) for p in found if p.rule.startswith("statement.")}


def test_a_whole_hand_made_statement_passes_every_identity(desk: Desk) -> None:
    problems = desk.problems(wan("A", "2025-06", **ALL))
    assert [p for p in problems if p.severity.value != "notice"] == []


def test_a_line_off_by_ten_is_named_with_its_entity_period_and_difference(desk: Desk) -> None:
    """存货 210 instead of 200: the lines add up to 610, not the 600 filed (核实, 差额 10.00 万元);
    the totals above it still hold, so nothing else fires."""
    found = statement_problems(desk, {**ALL, "inventory": 210})
    assert found == {
        "statement.current_assets": (
            "verify",
            "A 2025-06：流动资产合计 600.00 万元 不等于各流动资产项目之和 610.00 万元，差额 10.00 万元（允许 0.10 万元）",
        )
    }


def test_totals_are_blocking(desk: Desk) -> None:
    """非流动资产合计 840 (lines 830): 资产总计 1 430 ≠ 600 + 840 = 1 440 (强制) and the line sum 核实;
    营业外支出 12 instead of 10: 利润总额 140 + 12 = 152 ≠ 146 + 4 = 150 (强制); 经营活动现金流出小计
    800: 120 + 800 = 920 ≠ 930 (强制) and 600 + 120 + 60 + 30 = 810 ≠ 800 (核实)."""
    found = statement_problems(
        desk, {**ALL, "non_current_assets": 840, "non_operating_expense": 12, "operating_cash_outflow": 800}
    )
    assert {k: v[0] for k, v in found.items()} == {
        "statement.non_current_assets": "verify",
        "statement.total_assets": "blocking",
        "statement.total_profit": "blocking",
        "statement.operating_cash_net": "blocking",
        "statement.operating_cash_outflow": "verify",
    }
    assert found["statement.total_profit"][1] == (
        "A 2025-06：利润总额 + 营业外支出 152.00 万元 不等于 营业利润 + 营业外收入 150.00 万元，差额 2.00 万元（允许 0.01 万元）"
    )


def test_an_identity_with_a_line_not_filed_is_not_checked(desk: Desk) -> None:
    """Missing is not zero: without 衍生金融资产 the current-asset lines are not added up (存货 210
    goes unnoticed), without 终止经营净利润 net profit is not split; the other identities still hold."""
    figures = {k: v for k, v in ALL.items() if k not in ("derivative_financial_assets", "discontinued_net_profit")}
    assert statement_problems(desk, {**figures, "inventory": 210, "net_profit_parent": 95}) == {
        "statement.net_profit_owners": (
            "blocking",
            "A 2025-06：净利润 105.00 万元 不等于 归属于母公司所有者的净利润 + 少数股东损益 110.00 万元，差额 5.00 万元（允许 0.01 万元）",
        )
    }


STATEMENT_RULES = sorted(r for r in load_rules(load_catalog()).rules if r.startswith("statement."))


@pytest.mark.parametrize("rule", STATEMENT_RULES)
def test_each_identity_fires_when_its_total_is_off(desk: Desk, rule: str) -> None:
    """The hand-made statement with the first item of the rule's left side 7 万元 higher: the rule
    fires with a difference of 7.00 万元 (every identity of the statement is tested on its own)."""
    first = load_rules(load_catalog()).rules[rule].left[0]
    found = statement_problems(desk, {**ALL, first: ALL[first] + 7})
    assert rule in found and "差额 7.00 万元" in found[rule][1]
