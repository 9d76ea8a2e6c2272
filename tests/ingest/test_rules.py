"""Every validation rule of ``rules/validation.yaml``: an input that triggers it and one that does not.

Source of the rules, their severities and thresholds: src/guozi/catalog/data/rules/validation.yaml
(guozi's defaults for issue 3: balance tolerance 100 元 = 0.01 万元, debt ratio 0–300 %, unit
slips at 1 000× and 10 000× within a factor 2, jumps above 50 % on a base of at least 100 万元).
Every figure below is worked by hand; amounts in messages are in 万元 with two decimals and a thin
space (U+2009) between thousands, e.g. 1 250.00 万元 = 12 500 000 元.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.ingest.rules import load_rules
from guozi.kernel.errors import CatalogError, Severity

from .conftest import Desk, wan
from .emptystore import empty_context

T = "\u2009"  # the thousands separator of messages


# ---------------------------------------------------------------------------------- identities


def test_balance_identity_says_what_differs_by_how_much_in_wan_yuan(desk: Desk) -> None:
    """资产 1 250.00 万元; 负债 748.30 + 权益 500.00 = 1 248.30 万元; 差额 1.70 万元 > 0.01 万元.

    The message is the one the issue gives as its example.
    """
    (p,) = desk.rules(
        wan("A", "2025-06", total_assets=1250, total_liabilities=748.30, total_equity=500), "balance.identity"
    )
    assert p.severity == Severity.BLOCKING
    assert p.message_zh == (
        f"A 2025-06：资产总计 与 负债和所有者权益总计 不等：资产总计 1{T}250.00 万元，负债+所有者权益 1{T}248.30 万元，"
        "差额 1.70 万元（允许 0.01 万元）"
    )
    assert p.message_en == (
        f"A 2025-06: total assets and total liabilities and equity differ: total assets 1{T}250.00 10k yuan, "
        f"liabilities + equity 1{T}248.30 10k yuan, difference 1.70 10k yuan (tolerance 0.01 10k yuan)"
    )
    assert (p.file, p.row, p.column) == ("facts_1.csv", 2, "value")  # the total_assets row
    assert p.found == "12500000 ≠ 12483000"


def test_balance_identity_holds_within_its_tolerance(desk: Desk) -> None:
    """748.995 + 500 = 1 248.995 万元 against 1 249 万元: 0.005 万元 = 50 元 ≤ 100 元; and with equity
    missing there is nothing to compare."""
    ok = wan("A", "2025-06", total_assets=1249, total_liabilities=748.995, total_equity=500)
    assert desk.rules(ok, "balance.identity") == []
    assert desk.rules(wan("A", "2025-06", total_assets=1249, total_liabilities=748), "balance.identity") == []


def test_balance_identity_uses_the_stored_figures_of_the_period(desk: Desk) -> None:
    """Stored 2025-06: 负债 748.30, 权益 500. A file giving only 资产总计 1 250 is off by 1.70 万元;
    a file giving only revenue touches none of the three lines, so nothing is reported."""
    desk.seed(wan("A", "2025-06", total_liabilities=748.30, total_equity=500))
    (p,) = desk.rules(wan("A", "2025-06", total_assets=1250), "balance.identity")
    assert "差额 1.70 万元" in p.message_zh
    assert desk.rules(wan("A", "2025-06", revenue=100), "balance.identity") == []


def test_the_tolerance_is_a_parameter_a_user_file_sets(desk: Desk, tmp_path: Path) -> None:
    """With tolerance 20 000 元 (2.00 万元) the 1.70 万元 difference passes."""
    own = tmp_path / "mine.yaml"
    own.write_text("rules:\n  - id: balance.identity\n    params: {tolerance: 20000}\n", encoding="utf-8")
    bad = wan("A", "2025-06", total_assets=1250, total_liabilities=748.30, total_equity=500)
    assert desk.rules(bad, "balance.identity", rules=[own]) == []


# ---------------------------------------------------------------------------------- sub-totals


@pytest.mark.parametrize(
    ("rule", "bad", "good", "words"),
    [
        (
            "subtotal.current_assets",
            {"current_assets": 1300, "total_assets": 1250},
            {"current_assets": 1250, "total_assets": 1250},
            f"A 2025-06：流动资产合计 1{T}300.00 万元 大于 资产总计 1{T}250.00 万元，超出 50.00 万元（允许 0.01 万元）",
        ),
        (
            "subtotal.current_asset_lines",
            {"cash": 100, "accounts_receivable": 200, "inventory": 300, "current_assets": 550},
            {"cash": 100, "accounts_receivable": 200, "current_assets": 550},
            "A 2025-06：货币资金、应收账款、存货 之和 600.00 万元 大于 流动资产合计 550.00 万元，超出 50.00 万元（允许 0.01 万元）",
        ),
        (
            "subtotal.current_liabilities",
            {"current_liabilities": 800, "total_liabilities": 700},
            {"current_liabilities": 699.99, "total_liabilities": 700},
            "A 2025-06：流动负债合计 800.00 万元 大于 负债合计 700.00 万元，超出 100.00 万元（允许 0.01 万元）",
        ),
        (
            "subtotal.interest_bearing_debt",
            {"interest_bearing_debt": 701, "total_liabilities": 700},
            {"interest_bearing_debt": 700.01, "total_liabilities": 700},
            "A 2025-06：带息负债 701.00 万元 大于 负债合计 700.00 万元，超出 1.00 万元（允许 0.01 万元）",
        ),
    ],
)
def test_a_part_cannot_exceed_its_total(
    desk: Desk, rule: str, bad: dict[str, float], good: dict[str, float], words: str
) -> None:
    """Parts given add up above their total: 1 300 > 1 250; 100 + 200 + 300 = 600 > 550; 800 > 700;
    701 > 700. The good cases are equal, missing a part (100 + 200 = 300 ≤ 550) or 0.01 万元 = 100 元
    over, which is the tolerance."""
    (p,) = desk.rules(wan("A", "2025-06", **bad), rule)
    assert p.severity == Severity.BLOCKING
    assert p.message_zh == words
    assert desk.rules(wan("A", "2025-06", **good), rule) == []


# -------------------------------------------------------------------------------------- signs


def test_assets_and_employees_cannot_be_negative(desk: Desk) -> None:
    """-5 人 is refused (强制); 0 人 is a figure, not a problem."""
    (p,) = desk.rules(wan("A", "2025-06", employees=-5), "sign.balance")
    assert (p.severity, p.message_zh, p.message_en) == (
        Severity.BLOCKING,
        "A 2025-06：从业人员不能为负数：-5 人",
        "A 2025-06: Employees at period end cannot be negative: -5 persons",
    )
    assert desk.rules(wan("A", "2025-06", employees=0), "sign.balance") == []


def test_negative_revenue_is_to_be_verified(desk: Desk) -> None:
    """营业收入 -1 万元 year to date: 核实; 0 passes."""
    (p,) = desk.rules(wan("A", "2025-06", revenue=-1), "sign.revenue")
    assert p.severity == Severity.VERIFY
    assert p.message_zh.startswith("A 2025-06：营业收入为负数：-1.00 万元")
    assert desk.rules(wan("A", "2025-06", revenue=0), "sign.revenue") == []


# ------------------------------------------------------------------------------------- ratios


def test_debt_ratio_beyond_300_percent_is_to_be_verified(desk: Desk) -> None:
    """3 100 / 1 000 = 310.00 % > 300 %; 3 000 / 1 000 = 300 % is still in range (bounds included)."""
    (p,) = desk.rules(wan("A", "2025-06", total_liabilities=3100, total_assets=1000), "ratio.debt_ratio")
    assert p.severity == Severity.VERIFY
    assert p.message_zh == (
        f"A 2025-06：资产负债率 310.00% 超出 0%–300% 的合理范围（负债合计 3{T}100.00 万元，资产总计 1{T}000.00 万元）"
    )
    assert desk.rules(wan("A", "2025-06", total_liabilities=3000, total_assets=1000), "ratio.debt_ratio") == []


# --------------------------------------------------------------------- against earlier periods


def test_a_year_to_date_flow_falling_is_to_be_verified(desk: Desk) -> None:
    """May 300 万元 year to date, June 250: down 50.00 万元. June 300 (equal) passes, and January
    (300) below the previous December (3 600) is a new year, not a fall."""
    desk.seed(wan("A", "2025-05", revenue=300) + wan("A", "2024-12", revenue=3600))
    (p,) = desk.rules(wan("A", "2025-06", revenue=250), "flow.ytd_decrease")
    assert p.severity == Severity.VERIFY
    assert p.message_zh == (
        "A 2025-06：营业收入 本年累计数较上月下降：2025-06 累计 250.00 万元，2025-05 累计 300.00 万元，"
        "减少 50.00 万元（本年累计数通常只增不减）"
    )
    assert desk.rules(wan("A", "2025-06", revenue=300), "flow.ytd_decrease") == []
    assert desk.rules(wan("A", "2025-01", revenue=300), "flow.ytd_decrease") == []


def test_restating_an_earlier_month_above_the_next_is_caught_too(desk: Desk) -> None:
    """Stored May 300, June 350; May restated to 400 makes June (350) fall by 50 against it. The
    problem is reported at the restated May row, since June is not in the input."""
    desk.seed(wan("A", "2025-05", revenue=300) + wan("A", "2025-06", revenue=350))
    (p,) = desk.rules(wan("A", "2025-05", revenue=400), "flow.ytd_decrease", reason="审计调整")
    assert p.row == 2
    assert "2025-06 累计 350.00 万元，2025-05 累计 400.00 万元，减少 50.00 万元" in p.message_zh


def test_a_balance_a_thousand_times_its_previous_is_a_unit_slip(desk: Desk) -> None:
    """A 2025-06：从业人员 100 in May, 100 000 in June: ×1 000 (within 500–2 000). Not also reported as a jump."""
    desk.seed(wan("A", "2025-05", employees=100))
    problems = desk.problems(wan("A", "2025-06", employees=100_000))
    assert [p.rule for p in problems] == ["value.unit_slip"]
    assert problems[0].severity == Severity.VERIFY
    assert problems[0].message_zh == (
        f"A 2025-06：从业人员 100{T}000 人 约为上期（2025-05）100 人 的 1{T}000.0 倍（按期末余额比较），"
        "疑为单位错误（如元、千元、万元混用）"
    )


def test_a_flow_is_compared_by_its_monthly_average(desk: Desk) -> None:
    """May year to date 500 万元 = 100 万元 a month. June 6 000 000 万元 (yuan typed into a 万元
    form) = 1 000 000 万元 a month: ×10 000. June 720 万元 = 120 a month: ×1.2, nothing."""
    desk.seed(wan("A", "2025-05", revenue=500))
    (p,) = desk.rules(wan("A", "2025-06", revenue=6_000_000), "value.unit_slip")
    assert p.message_zh.startswith(
        f"A 2025-06：营业收入 6{T}000{T}000.00 万元 约为上期（2025-05）500.00 万元 的 10{T}000.0 倍（按本年累计月均数比较）"
    )
    assert desk.rules(wan("A", "2025-06", revenue=720), "value.unit_slip") == []


def test_a_figure_a_thousandth_of_its_previous_is_a_unit_slip(desk: Desk) -> None:
    """货币资金 2 000 万元 in May, 2 万元 in June (a 万元 figure typed as 千万?): ×1/1 000."""
    desk.seed(wan("A", "2025-05", cash=2000))
    (p,) = desk.rules(wan("A", "2025-06", cash=2), "value.unit_slip")
    assert f"的 1/1{T}000 倍" in p.message_zh


def test_a_jump_over_the_threshold_is_a_notice(desk: Desk) -> None:
    """货币资金 1 000 → 1 600 万元: +60.00 % > 50 % (提示). 1 000 → 1 400: +40 %, nothing. 50 → 100
    万元 is +100 % but on a base below 100 万元, nothing."""
    desk.seed(wan("A", "2025-05", cash=1000) + wan("D", "2025-03", cash=50))
    (p,) = desk.rules(wan("A", "2025-06", cash=1600), "value.jump")
    assert p.severity == Severity.NOTICE
    assert p.message_zh == (
        f"A 2025-06：货币资金 较上期变动 +60.00%（按期末余额比较：本期 1{T}600.00 万元，2025-05 1{T}000.00 万元），超过 50%"
    )
    assert desk.rules(wan("A", "2025-06", cash=1400), "value.jump") == []
    assert desk.rules(wan("D", "2025-04", cash=100), "value.jump") == []


# ------------------------------------------------------------------------------------ periods


def test_a_future_period_is_refused(desk: Desk) -> None:
    """Checked on 2025-07-15: 2025-08 is the future, 2025-07 is not."""
    (p,) = desk.rules(wan("A", "2025-08", revenue=1), "period.future")
    assert p.severity == Severity.BLOCKING
    assert p.message_zh == "期间 2025-08 晚于当前月份 2025-07，不能报送未来期间的数据"
    assert desk.rules(wan("A", "2025-07", revenue=1), "period.future") == []


def test_a_period_before_the_entity_existed_is_refused(desk: Desk) -> None:
    """N holds from 2025-03: 2025-02 is refused, 2025-03 accepted. E joined the group in 2025-03 but
    was established in 2020-01 (its ``established`` column): 2025-02 is fine, 2019-12 is not."""
    (p,) = desk.rules(wan("N", "2025-02", revenue=1), "period.before_entity")
    assert p.message_zh == "期间 2025-02 早于企业 N 的设立（或纳入）期间 2025-03"
    assert desk.rules(wan("N", "2025-03", revenue=1), "period.before_entity") == []
    assert desk.rules(wan("E", "2025-02", revenue=1), "period.before_entity") == []
    (q,) = desk.rules(wan("E", "2019-12", revenue=1), "period.before_entity")
    assert "2020-01" in q.message_zh


def test_a_period_after_the_entity_left_is_to_be_verified(desk: Desk) -> None:
    """D holds until 2025-04: figures for 2025-05 need an explanation, 2025-04 do not."""
    (p,) = desk.rules(wan("D", "2025-05", revenue=1), "period.after_entity")
    assert p.severity == Severity.VERIFY
    assert "自 2025-04 后已不在集团内" in p.message_zh
    assert desk.rules(wan("D", "2025-04", revenue=1), "period.after_entity") == []


def test_restating_a_closed_period_needs_a_reason(desk: Desk) -> None:
    """May is closed once June is stored. Changing May's revenue 300 → 310 needs a reason; the same
    figure again changes nothing, and June (the latest) is open."""
    desk.seed(wan("A", "2025-05", revenue=300) + wan("A", "2025-06", revenue=350))
    (p,) = desk.rules(wan("A", "2025-05", revenue=310), "period.closed")
    assert p.severity == Severity.BLOCKING
    assert p.message_zh == (
        "A 的 2025-05 已关账（已报送 2025-06 的数据），本次更改其中 1 项（营业收入）：重报已关账期间须用 --reason 说明原因"
    )
    assert desk.rules(wan("A", "2025-05", revenue=310), "period.closed", reason="审计调整") == []
    assert desk.rules(wan("A", "2025-05", revenue=300), "period.closed") == []
    assert desk.rules(wan("A", "2025-06", revenue=360), "period.closed") == []


# --------------------------------------------------------------------- the contract's own rules

GOOD = {"entity_id": "A", "period": "2025-06", "item": "revenue", "value": "100", "unit": "万元"}


@pytest.mark.parametrize(
    ("change", "rule", "column", "message"),
    [
        ({"entity_id": "X"}, "entity.unknown", "entity_id", "未知企业：X（不在企业名录中，请先导入企业名录 entities）"),
        ({"item": "revenu"}, "item.unknown", "item", "未知项目代码：revenu（见 items.yaml）"),
        ({"value": ""}, "value.required", "value", "数值为空（缺失不等于零：请填写数值或删除此行）"),
        ({"value": "12a"}, "value.not_numeric", "value", "数值不是数字：'12a'"),
        ({"unit": "美元"}, "unit.unknown", "unit", "计量单位 '美元' 不适用于项目 revenue"),
        (  # the store's limit is 10^16 元 (issue 16): 1e16 is just beyond it
            {"value": "1e16", "unit": "元"},
            "value.range",
            "value",
            "数值超出范围：1e16 元（折合 10000000000000000 元），应为绝对值小于 10^16 元",
        ),
        ({"value": "0.00001", "unit": "元"}, "value.precision", "value", "数值小数位过多：0.00001 元 折合 0.00001 元"),
        ({"period": "2025-6"}, "period.format", "period", "期间格式错误：'2025-6'，应为 YYYY-MM"),
    ],
)
def test_each_contract_rule_names_row_column_and_what_was_found(
    desk: Desk, change: dict[str, str], rule: str, column: str, message: str
) -> None:
    """One bad row (row 3) after a good one (row 2): exactly one problem, located at row 3."""
    problems = desk.problems([{**GOOD, "item": "operating_cost"}, {**GOOD, **change}])
    (p,) = [q for q in problems if q.severity == Severity.BLOCKING]
    assert (p.rule, p.row, p.column) == (rule, 3, column)
    assert p.message_zh.startswith(message)


def test_a_good_row_raises_no_contract_problem(desk: Desk) -> None:
    """100 万元 of revenue for A in 2025-06: nothing to say (no earlier figures to compare with)."""
    assert desk.problems([GOOD]) == []


def test_a_duplicate_row_names_the_first(desk: Desk) -> None:
    """Rows 2 and 4 give A 2025-06 revenue: row 4 is the duplicate; distinct items are not."""
    rows = [GOOD, {**GOOD, "item": "operating_cost"}, {**GOOD, "value": "101"}]
    (p,) = desk.rules(rows, "fact.duplicate")
    assert (p.row, p.column) == (4, "item")
    assert p.message_zh == "重复的数据行：A 2025-06 revenue 已在 facts_1.csv 第2行出现"
    assert desk.rules(rows[:2], "fact.duplicate") == []


def test_large_grouped_and_exponent_numbers_are_read_exactly(desk: Desk) -> None:
    """'1,234.5' 万元 = 12 345 000 元; '1.23456e3' 元 = 1 234.56 元; '+5' 亿元 = 500 000 000 元."""
    rows = [
        {**GOOD, "value": "1,234.5"},
        {**GOOD, "item": "operating_cost", "value": "1.23456e3", "unit": "元"},
        {**GOOD, "item": "cash", "value": "+5", "unit": "亿元"},
    ]
    result = desk.ws.check([desk.file(rows)])
    assert result.problems == []
    assert result.batch.facts is not None
    got = {r["item"]: r["value"] for r in result.batch.facts.to_pylist()}
    assert got == {
        "revenue": Decimal("12345000.0000"),
        "operating_cost": Decimal("1234.5600"),
        "cash": Decimal("500000000.0000"),
    }


# ------------------------------------------------------------------------------ the rule file


def test_every_shipped_rule_is_tested_here() -> None:
    """The shipped file's rule ids are exactly those this module exercises (add a test with a rule)."""
    tested = {
        "entity.unknown", "item.unknown", "fact.duplicate", "value.required", "value.not_numeric",
        "value.formula", "unit.unknown", "value.range", "value.precision", "period.format",
        "template.invalid", "balance.identity", "subtotal.current_assets", "subtotal.current_asset_lines",
        "subtotal.current_liabilities", "subtotal.interest_bearing_debt", "sign.balance", "sign.revenue",
        "ratio.debt_ratio", "flow.ytd_decrease", "value.unit_slip", "value.jump", "period.future",
        "period.before_entity", "period.after_entity", "period.closed",
        "profit.net_identity", "persons.whole", "value.loose_number",
        "opening.prior_year_end", "opening.unchecked",
    }  # fmt: skip
    # value.formula, template.invalid: test_template.py; profit.net_identity, persons.whole: test_statement_rules.py;
    # value.loose_number: test_loose_numbers.py; opening.*: test_kuaibao_form.py; statement.* (the 快报's
    # identities): test_kuaibao_identities.py, each one
    shipped = set(load_rules(load_catalog()).rules)
    assert {r for r in shipped if not r.startswith("statement.")} == tested


def _rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "rules:\n  - id: x\n    kind: identity\n    severity: 强制\n    left: [total_assets]\n    right: [nope]\n    message_zh: m\n",
            "nope",
        ),
        ("rules:\n  - id: entity.unknown\n    severity: 提示\n", "强制"),
        ("rules:\n  - id: value.jump\n    message_zh: '{nonsense}'\n", "nonsense"),
        ("rules:\n  - id: value.jump\n    params: {speed: 3}\n", "speed"),
        ("rules:\n  - id: x\n    kind: magic\n    severity: 强制\n    message_zh: m\n", "kind"),
    ],
)
def test_a_malformed_rule_file_is_refused_naming_the_fault(tmp_path: Path, text: str, words: str) -> None:
    """Unknown item, a contract check made a notice, an unknown placeholder or parameter, an unknown kind."""
    with pytest.raises(CatalogError) as info:
        load_rules(load_catalog(), [_rules_file(tmp_path, text)])
    assert words in info.value.message_en + info.value.message_zh


def test_a_user_file_changes_a_severity_or_switches_a_rule_off(desk: Desk, tmp_path: Path) -> None:
    """balance.identity made 核实; value.jump switched off (1 000 → 1 600 万元 is +60 %)."""
    own = _rules_file(
        tmp_path, "rules:\n  - id: balance.identity\n    severity: 核实\n  - id: value.jump\n    enabled: false\n"
    )
    (p,) = desk.rules(
        wan("A", "2025-06", total_assets=1250, total_liabilities=748.30, total_equity=500),
        "balance.identity",
        rules=[own],
    )
    assert p.severity == Severity.VERIFY
    desk.seed(wan("A", "2025-05", cash=1000))
    assert desk.rules(wan("A", "2025-06", cash=1600), "value.jump", rules=[own]) == []


def test_messages_are_bilingual(desk: Desk, rows: Callable[..., list[dict[str, object]]]) -> None:
    """Every problem of a mixed input has a Chinese and a different English message."""
    problems = desk.problems(rows("A", "2025-08", total_assets=-1, revenue=-1))
    assert {p.rule for p in problems} == {"period.future", "sign.balance", "sign.revenue"}
    assert all(p.message_zh and p.message_en and p.message_zh != p.message_en for p in problems)


# ------------------------------------------------------------------ trillions of yuan (issue 16)
# The rules form products and sums of amounts; with the store's limit of 10^16 yuan (units.py)
# none of them may overflow. 1 万亿元 = 10^12 元 = 10^8 万元.


def test_a_debt_ratio_of_trillions_is_tested_without_overflow(desk: Desk) -> None:
    """负债 2.5 万亿 (250 000 000 万元) / 资产 3.6 万亿 (360 000 000 万元) = 69.44 %: within 0–300 %,
    no finding (before issue 16: DuckDB overflowed on 负债 × 100 and check exited 1). 负债 4 万亿 /
    资产 1 万亿 = 400.00 % > 300 %: the finding, its amounts shown in full."""
    ok = wan("A", "2025-06", total_liabilities=250_000_000, total_assets=360_000_000)
    assert desk.rules(ok, "ratio.debt_ratio") == []
    (p,) = desk.rules(wan("A", "2025-06", total_liabilities=400_000_000, total_assets=100_000_000), "ratio.debt_ratio")
    assert p.message_zh == (
        f"A 2025-06：资产负债率 400.00% 超出 0%–300% 的合理范围（负债合计 400{T}000{T}000.00 万元，资产总计 100{T}000{T}000.00 万元）"
    )
    assert p.found == "400.0000%"


def test_a_debt_ratio_near_the_store_limit_is_compared_exactly(desk: Desk) -> None:
    """Near 10^16 元 the ratio needs more than a float64's 16 digits (values in 元):

    8 999 999 999 999 999.9999 / 2 999 999 999 999 999.9999 = 3.000 000 000 000 000 000 033… → 300.000…% > 300 %:
    found, though a float64 rounds both to 9e15 and 3e15 and sees exactly 300 %.
    3 × 2 999 999 999 999 999.9999 = 8 999 999 999 999 999.9997, so that liability is exactly 300 %: in range.
    """
    big = "2999999999999999.9999"
    over = [*_yuan("A", "2025-06", total_liabilities="8999999999999999.9999", total_assets=big)]
    (p,) = desk.rules(over, "ratio.debt_ratio")
    # Decimal: 8999999999999999.9999 × 100 / 2999999999999999.9999 = 300.00000000000000000333… → 300.0000 %
    assert p.found == "300.0000%"
    assert "资产负债率 300.00% 超出 0%–300% 的合理范围" in p.message_zh
    # 8 999 999 999 999 999.9999 元 = 899 999 999 999.99999999 万元 → 900 000 000 000.00 万元 (two places, half up)
    assert f"负债合计 900{T}000{T}000{T}000.00 万元" in p.message_zh
    exact = _yuan("A", "2025-06", total_liabilities="8999999999999999.9997", total_assets=big)
    assert desk.rules(exact, "ratio.debt_ratio") == []


def test_sums_near_the_store_limit_do_not_overflow(desk: Desk) -> None:
    """负债 9 000 000 000 000 000 + 权益 9 000 000 000 000 000 = 18 000 000 000 000 000 元 (above 10^16, as a sum
    may be) against 资产 9 900 000 000 000 000 元: off by 8 100 000 000 000 000 元 = 810 000 000 000.00 万元."""
    rows = _yuan(
        "A", "2025-06", total_assets="9900000000000000", total_liabilities="9e15", total_equity="9000000000000000"
    )
    (p,) = desk.rules(rows, "balance.identity")
    assert f"差额 810{T}000{T}000{T}000.00 万元" in p.message_zh
    assert p.found == "9900000000000000 ≠ 18000000000000000"


def test_a_jump_of_trillions_is_measured(desk: Desk) -> None:
    """Cash 1 万亿 (100 000 000 万元) in May, 1.6 万亿 in June: +60.00 % > 50 % (a notice)."""
    desk.seed(wan("A", "2025-05", cash=100_000_000))
    (p,) = desk.rules(wan("A", "2025-06", cash=160_000_000), "value.jump")
    assert "+60.00%" in p.message_zh


def _yuan(entity: str, period: str, **items: str) -> list[dict[str, object]]:
    return [{"entity_id": entity, "period": period, "item": k, "value": v, "unit": "元"} for k, v in items.items()]


@pytest.mark.parametrize(
    ("params", "words"),
    [("{min: 0, max: 1e20}", "max"), ("{min: 0.00001, max: 300}", "min")],
)
def test_a_ratio_bound_the_rules_cannot_compare_exactly_is_refused(tmp_path: Path, params: str, words: str) -> None:
    """Bounds and tolerances are compared as decimal(38, 4): more than 4 decimals would be rounded
    silently, and 10^20 % times an amount near 10^16 元 would overflow; both are refused at load."""
    own = _rules_file(tmp_path, f"rules:\n  - id: ratio.debt_ratio\n    params: {params}\n")
    with pytest.raises(CatalogError) as info:
        load_rules(load_catalog(), [own])
    assert words in info.value.message_en and words in info.value.message_zh


def test_the_rules_widen_amounts_whatever_decimal_they_are_given() -> None:
    """Figures typed as the store's former decimal(18, 4) (an older store's lookups, a caller's
    table): 负债 2.5 万亿元 × 100 = 2.5 × 10^14 needs 19 digits at scale 4, more than 18. The rules
    widen every amount first, so the debt ratio 2.5 / 1 = 250 % is in range and 4 / 1 = 400 % is found
    (before issue 16: OutOfRangeException, exit 1)."""
    import pyarrow as pa

    from guozi.ingest.rules import evaluate

    catalog = load_catalog()
    ruleset = load_rules(catalog)

    def facts(liabilities: str) -> pa.Table:
        return pa.table(
            {
                "entity_id": ["A", "A"],
                "period": pa.array([202506, 202506], pa.int32()),
                "item": ["total_liabilities", "total_assets"],
                "value": pa.array([Decimal(liabilities), Decimal("1000000000000")], pa.decimal128(18, 4)),
                "source": ["f.csv", "f.csv"],
                "sheet": ["", ""],
                "row": pa.array([2, 3], pa.int64()),
            }
        )

    ctx = empty_context(date(2025, 7, 15), value_type=pa.decimal128(18, 4))
    assert [f.problem.rule for f in evaluate(ruleset, catalog, facts("2500000000000"), ctx)] == []
    (found,) = evaluate(ruleset, catalog, facts("4000000000000"), ctx)
    assert (found.problem.rule, found.problem.found) == ("ratio.debt_ratio", "400.0000%")
