"""Risk warnings: every rule triggered just past its threshold and silent at it, with its reasons.

Figures are in 万元 unless said otherwise. Debt lines are the shipped defaults of
``params/debt_lines.yaml`` (central-enterprise lines for 2017, guozi spec indicators.md):
industrial (B, C, D) 65% / 70%, non-industrial 70% / 75%, research (M) 65% / 70%; a line is
crossed only when the ratio is above it, never when equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.analyses.warnings import (
    Gap,
    RiskWarning,
    WarningReport,
    evaluate_warnings,
    load_debt_lines,
    load_rules,
    warning_records,
)
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

MakeWorkspace = Callable[..., Workspace]
WriteFile = Callable[[str, str], Path]

P = Period.parse("2025-06")


def one(report: WarningReport, rule: str, entity: str = "A") -> RiskWarning | None:
    """The warning of ``rule`` for ``entity``, or None."""
    found = [w for w in report.warnings if w.rule == rule and w.entity_id == entity]
    assert len(found) <= 1
    return found[0] if found else None


def gap(report: WarningReport, rule: str, entity: str = "A") -> Gap | None:
    """The gap of ``rule`` for ``entity``, or None."""
    found = [g for g in report.gaps if g.rule == rule and g.entity_id == entity]
    return found[0] if found else None


def entity(industry: str = "C", eid: str = "A", **extra: object) -> dict[str, object]:
    return {"entity_id": eid, "name": "甲公司", "industry": industry, **extra}


# --- one shared workspace for the cases at and past each threshold -------------------------
# case -> (industry, {period: {item: value}}); every case is its own entity, so the rules of one
# case never see another's figures. Each test below reads its case from the one report.
DEBT_LINE_CASES = [
    # industrial (C): warning 65, supervision 70
    ("C", "6500", None, None),  # 65.00% equals the warning line: not above it
    ("C", "6501", "medium", "65"),  # 65.01% > 65
    ("C", "7000", "medium", "65"),  # 70.00% equals the supervision line: still only the warning
    ("C", "7001", "high", "70"),  # 70.01% > 70
    # non-industrial (E47 construction): warning 70, supervision 75
    ("E47", "7000", None, None),
    ("E47", "7001", "medium", "70"),
    ("E47", "7500", "medium", "70"),
    ("E47", "7501", "high", "75"),
    # research (M): 60 / 65, unconfirmed: the EVA bands start at its key-supervision line, 65 (issue 20)
    ("M", "6000", None, None),
    ("M", "6001", "medium", "60"),
    ("M", "6500", "medium", "60"),
    ("M", "6501", "high", "65"),
    # power (D44) is industrial
    ("D44", "6501", "medium", "65"),
]
RISING_CASES = [
    ("66", "66.01", True),  # above 65 and up 0.01 pp on the year end
    ("66", "66", False),  # above 65 but not rising
    ("60", "65", False),  # rising by 5 pp but equal to the 65% line, not above it
    ("70", "65.5", False),  # above the line, falling
]
LOSS_CASES = [("-0.01", True), ("0", False), ("0.01", False)]
YEARS_CASES = [("-1", True), ("0", False)]
MONTHS_CASES = [("19", True), ("20", False)]
GREW_CASES = [("-3.01", True), ("-3", False), ("-2", False)]
CASH_CASES = [("0.01", "-0.01", True), ("0.01", "0", False), ("0", "-5", False), ("-1", "-5", False)]
FUNDS_CASES = [("220", False), ("219", True)]
COVER_CASES = [("100", False), ("99", True)]
CURRENT_CASES = [("100", False), ("99.99", True)]
IBD_CASES = [("45", False), ("45.01", True)]


def _zoo() -> dict[str, tuple[str, dict[str, dict[str, object]]]]:
    z: dict[str, tuple[str, dict[str, dict[str, object]]]] = {}
    for ind, liab, _, _ in DEBT_LINE_CASES:
        z[f"line {ind} {liab}"] = (ind, {"2025-06": {"total_assets": 10000, "total_liabilities": liab}})
    for o, c, _ in RISING_CASES:
        z[f"rising {o} {c}"] = (
            "C",
            {
                "2024-12": {"total_assets": 100, "total_liabilities": o},
                "2025-06": {"total_assets": 100, "total_liabilities": c},
            },
        )
    for np_, _ in LOSS_CASES:
        z[f"loss {np_}"] = ("C", {"2025-06": {"net_profit": np_}})
    for first, _ in YEARS_CASES:
        z[f"years {first}"] = (
            "C",
            {"2023-06": {"net_profit": first}, "2024-06": {"net_profit": -2}, "2025-06": {"net_profit": -3}},
        )
    for april, _ in MONTHS_CASES:
        z[f"months {april}"] = (
            "C",
            {
                "2025-03": {"net_profit": 20},
                "2025-04": {"net_profit": april},
                "2025-05": {"net_profit": 17},
                "2025-06": {"net_profit": 14},
            },
        )
    for cur, _ in GREW_CASES:
        z[f"grew {cur}"] = ("C", {"2024-06": {"net_profit": -3}, "2025-06": {"net_profit": cur}})
    for pr, ca, _ in CASH_CASES:
        z[f"cash {pr} {ca}"] = ("C", {"2025-06": {"net_profit": pr, "operating_cash_flow": ca}})
    for rev, _ in FUNDS_CASES:
        z[f"funds {rev}"] = (
            "C",
            {
                "2024-06": {"accounts_receivable": 60, "inventory": 40, "revenue": 200},
                "2025-06": {"accounts_receivable": 66, "inventory": 44, "revenue": rev},
            },
        )
    for tp, _ in COVER_CASES:
        z[f"cover {tp}"] = ("C", {"2025-06": {"total_profit": tp, "interest_expense": 100}})
    for ca, _ in CURRENT_CASES:
        z[f"current {ca}"] = ("C", {"2025-06": {"current_assets": ca, "current_liabilities": 100}})
    for d, _ in IBD_CASES:
        z[f"ibd {d}"] = (
            "C",
            {
                "2024-12": {"interest_bearing_debt": 40, "total_liabilities": 100},
                "2025-06": {"interest_bearing_debt": d, "total_liabilities": 100},
            },
        )
    return z


ZOO = _zoo()
ZOO_IDS = {case: f"Z{n:03d}" for n, case in enumerate(ZOO)}


@pytest.fixture(scope="module")
def zoo(module_ws: MakeWorkspace) -> WarningReport:
    """Every shipped rule evaluated once over one entity per case."""
    entities = [{"entity_id": ZOO_IDS[c], "name": c, "industry": ind} for c, (ind, _) in ZOO.items()]
    figures = {(ZOO_IDS[c], p): items for c, (_, by_period) in ZOO.items() for p, items in by_period.items()}
    return evaluate_warnings(module_ws(entities, figures), P)


def case(report: WarningReport, rule: str, name: str) -> RiskWarning | None:
    """The warning of ``rule`` for the zoo case ``name``."""
    return one(report, rule, ZOO_IDS[name])


# --- debt ratio above the warning / key-supervision line ------------------------------------


@pytest.mark.parametrize(("industry", "liabilities", "severity", "line"), DEBT_LINE_CASES)
def test_debt_ratio_line_at_and_past_each_line(
    zoo: WarningReport, industry: str, liabilities: str, severity: str | None, line: str | None
) -> None:
    """Debt ratio = liabilities / 10 000 of assets: 6 500 → 65.00%, 6 501 → 65.01%, …"""
    w = case(zoo, "debt_ratio_line", f"line {industry} {liabilities}")
    if severity is None:
        assert w is None
        return
    assert w is not None
    assert w.severity == severity
    assert w.threshold == Decimal(line or "")
    assert w.value == pytest.approx(float(liabilities) / 100)
    assert w.confirmed is (industry != "M")  # section M's lines are the EVA bands, marked unconfirmed


def test_debt_ratio_line_sentence_in_both_languages(risk_ws: MakeWorkspace) -> None:
    """7 250 / 10 000 = 72.50% for a manufacturer: above the 70% key-supervision line (baseline 60 + 10)."""
    ws = risk_ws([entity("C")], {("A", "2025-06"): {"total_assets": 10000, "total_liabilities": 7250}})
    w = one(evaluate_warnings(ws, P, only=["debt_ratio_line"]), "debt_ratio_line")
    assert w is not None
    assert w.message_zh == "资产负债率72.50%，超过工业企业重点监管线70.00%（2017年基准线60.00%）"
    assert w.message_en == (
        "debt ratio 72.50% is above the key-supervision line of 70.00% for industrial enterprises "
        "(baseline 60.00%, 2017)"
    )
    assert w.figures["industry_class"] == "industrial"
    assert w.figures["line_name"] == "supervision"


def test_debt_ratio_line_of_a_real_company(risk_ws: MakeWorkspace) -> None:
    """中国建筑 (601668), industry E47 (src/guozi/demo/public/entities.csv): non-industrial, 70% / 75%.

    /work/shared/data/public_companies.csv rows
    ``中国建筑 China State Construction,601668,2023,%,debt_ratio_资产负债率,74.820`` and
    ``…,601668,2024,%,debt_ratio_资产负债率,75.811`` (etnet, vendor-computed): fed as 74.820 and
    75.811 亿元 of liabilities per 100 亿元 of assets.
    2023: 74.82% > 70 (warning line) and ≤ 75 → a warning-line warning (medium).
    2024: 75.811% > 75 → the key-supervision line (high).
    """
    ws = risk_ws(
        [{"entity_id": "601668", "name": "中国建筑", "industry": "E47", "category": "commercial_competitive"}],
        {
            ("601668", "2023-12"): {"total_assets": 100, "total_liabilities": "74.820"},
            ("601668", "2024-12"): {"total_assets": 100, "total_liabilities": "75.811"},
        },
        unit="亿元",
    )
    w23 = one(evaluate_warnings(ws, Period.parse("2023-12"), only=["debt_ratio_line"]), "debt_ratio_line", "601668")
    w24 = one(evaluate_warnings(ws, Period.parse("2024-12"), only=["debt_ratio_line"]), "debt_ratio_line", "601668")
    assert w23 is not None and w24 is not None
    assert (w23.severity, w23.threshold) == ("medium", Decimal(70))
    assert (w24.severity, w24.threshold) == ("high", Decimal(75))
    assert w23.message_zh == "资产负债率74.82%，超过非工业企业预警线70.00%（2017年基准线65.00%）"


def test_debt_lines_loaded_per_industry_and_year_override_the_default(
    risk_ws: MakeWorkspace, write_file: WriteFile
) -> None:
    """A user baseline of 55% for C37 from 2024 gives lines 60 / 65 for C37 only.

    A C37 entity at 61% is above 60 (warning); a C38 entity at 61% keeps the industrial 65 line.
    In 2023 the 2024 baseline does not apply yet: C37 falls back to the industrial 2017 line.
    """
    lines = load_debt_lines([write_file("lines.csv", "industry,year,baseline,source\nC37,2024,55,test baseline\n")])
    ws = risk_ws(
        [entity("C37", "A"), entity("C38", "B")],
        {
            ("A", "2025-06"): {"total_assets": 100, "total_liabilities": 61},
            ("B", "2025-06"): {"total_assets": 100, "total_liabilities": 61},
            ("A", "2023-06"): {"total_assets": 100, "total_liabilities": 61},
        },
    )
    report = evaluate_warnings(ws, P, lines=lines, only=["debt_ratio_line"])
    w = one(report, "debt_ratio_line", "A")
    assert w is not None and w.threshold == Decimal(60) and w.figures["line_year"] == 2024
    assert one(report, "debt_ratio_line", "B") is None
    earlier = evaluate_warnings(ws, Period.parse("2023-06"), lines=lines, only=["debt_ratio_line"])
    assert one(earlier, "debt_ratio_line", "A") is None


def test_debt_line_without_industry_is_a_gap_not_a_pass(risk_ws: MakeWorkspace) -> None:
    """No industry → no line → the check is listed as not made, with the reason."""
    ws = risk_ws([entity("")], {("A", "2025-06"): {"total_assets": 100, "total_liabilities": 90}})
    report = evaluate_warnings(ws, P, only=["debt_ratio_line"])
    assert one(report, "debt_ratio_line") is None
    g = gap(report, "debt_ratio_line")
    assert g is not None and "industry" in g.note_en


# --- debt ratio rising while above the warning line ------------------------------------------


@pytest.mark.parametrize(("opening", "closing", "fires"), RISING_CASES)
def test_debt_ratio_rising_above_the_warning_line(zoo: WarningReport, opening: str, closing: str, fires: bool) -> None:
    """Industrial warning line 65%; reference = the previous year end (2024-12), min rise 0 pp."""
    w = case(zoo, "debt_ratio_rising", f"rising {opening} {closing}")
    assert (w is not None) is fires
    if w is not None:
        assert w.severity == "high"
        assert w.reference == pytest.approx(66.0)
        assert w.figures["change"] == pytest.approx(Decimal("0.01"))


# --- losses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("net_profit", "fires"), LOSS_CASES)
def test_loss_this_period(zoo: WarningReport, net_profit: str, fires: bool) -> None:
    """A loss is a year-to-date net profit below 0; exactly 0 is no loss."""
    w = case(zoo, "loss", f"loss {net_profit}")
    assert (w is not None) is fires
    if w is not None:
        assert w.value == Decimal("-100")  # −0.01 万元 = −100 元
        assert w.message_zh == "本年累计净利润-0.01万元，出现亏损"


@pytest.mark.parametrize(("first", "fires"), YEARS_CASES)
def test_consecutive_losses_over_three_years(zoo: WarningReport, first: str, fires: bool) -> None:
    """Net profit Jan–Jun of 2023, 2024, 2025: first, −2, −3 → three losses in a row only if first < 0."""
    w = case(zoo, "consecutive_losses", f"years {first}")
    assert (w is not None) is fires
    if w is not None:
        assert w.severity == "high"
        assert w.message_zh == "净利润连续3年同期亏损：2023-06 -1.00万元；2024-06 -2.00万元；2025-06 -3.00万元"
        assert w.figures["values"] == {
            "2023-06": Decimal(-10000),
            "2024-06": Decimal(-20000),
            "2025-06": Decimal(-30000),
        }


def test_consecutive_losses_with_a_missing_year_is_a_gap(risk_ws: MakeWorkspace) -> None:
    """2023-06 was never reported: three losses in a row can be neither confirmed nor ruled out."""
    ws = risk_ws([entity()], {("A", "2024-06"): {"net_profit": -2}, ("A", "2025-06"): {"net_profit": -3}})
    report = evaluate_warnings(ws, P, only=["consecutive_losses"])
    assert one(report, "consecutive_losses") is None
    g = gap(report, "consecutive_losses")
    assert g is not None and "2023-06" in g.note_zh


@pytest.mark.parametrize(("april_ytd", "fires"), MONTHS_CASES)
def test_consecutive_monthly_losses(zoo: WarningReport, april_ytd: str, fires: bool) -> None:
    """Year-to-date net profit Mar 20, Apr april_ytd, May 17, Jun 14 (万元).

    Single months: April = april_ytd − 20, May = 17 − april_ytd, June = 14 − 17 = −3.
    With 19: April −1, May −2, June −3: three monthly losses while the year to date is still +14.
    With 20: April 0 is no loss, so the run is broken.
    """
    w = case(zoo, "consecutive_monthly_losses", f"months {april_ytd}")
    assert (w is not None) is fires
    if w is not None:
        assert w.figures["values"] == {
            "2025-04": Decimal(-10000),
            "2025-05": Decimal(-20000),
            "2025-06": Decimal(-30000),
        }


@pytest.mark.parametrize(("current", "fires"), GREW_CASES)
def test_loss_grew(zoo: WarningReport, current: str, fires: bool) -> None:
    """Prior year Jan–Jun −3 万元. −3.01 is a loss (3.01 − 3) / 3 = 0.33% larger: above 0%."""
    w = case(zoo, "loss_grew", f"grew {current}")
    assert (w is not None) is fires
    if w is not None:
        assert w.figures["increase"] == pytest.approx(Decimal("0.01") / 3 * 100)
        assert w.message_en == (
            "net profit year to date -0.03 million yuan against -0.03 million yuan a year earlier: "
            "the loss grew by 0.33%"
        )


def test_loss_grew_threshold_is_a_parameter(risk_ws: MakeWorkspace, write_file: WriteFile) -> None:
    """min_increase_pct 10: −3.3 is exactly 10% more than −3 (not above), −3.31 is 10.33% more."""
    rules = load_rules(
        [
            write_file(
                "rules.yaml",
                """
rules:
  - code: loss_grew
    kind: loss_grew
    indicator: net_profit
    severity: high
    params: {min_increase_pct: 10}
    message_zh: "亏损扩大{increase}"
    message_en: "loss grew by {increase}"
""",
            )
        ]
    )
    ws = risk_ws(
        [entity("C", "A"), entity("C", "B")],
        {
            ("A", "2024-06"): {"net_profit": -3},
            ("A", "2025-06"): {"net_profit": "-3.3"},
            ("B", "2024-06"): {"net_profit": -3},
            ("B", "2025-06"): {"net_profit": "-3.31"},
        },
    )
    report = evaluate_warnings(ws, P, rules=rules, only=["loss_grew"])
    assert one(report, "loss_grew", "A") is None
    w = one(report, "loss_grew", "B")
    assert w is not None and w.message_zh == "亏损扩大10.33%"


def test_loss_grew_without_prior_year_is_a_gap(risk_ws: MakeWorkspace) -> None:
    """A loss with no prior-year figure: whether it grew is unknown, and said so."""
    ws = risk_ws([entity()], {("A", "2025-06"): {"net_profit": -3}})
    report = evaluate_warnings(ws, P, only=["loss_grew"])
    g = gap(report, "loss_grew")
    assert one(report, "loss_grew") is None and g is not None and g.note_zh == "缺少上年同期净利润"


# --- profit without cash ----------------------------------------------------------------------


@pytest.mark.parametrize(("profit", "cash", "fires"), CASH_CASES)
def test_profit_without_cash(zoo: WarningReport, profit: str, cash: str, fires: bool) -> None:
    """Net profit above 0 while the net operating cash flow is below 0."""
    w = case(zoo, "profit_without_cash", f"cash {profit} {cash}")
    assert (w is not None) is fires


def test_profit_without_cash_of_a_real_company(risk_ws: MakeWorkspace) -> None:
    """中国建筑 (601668), 2023 third-quarter report, 年初至报告期末 (Jan–Sep 2023), 千元:

    净利润 56,756,317; 经营活动产生的现金流量净额 −16,351,463
    (http://stock.stockstar.com/notice/SN2023102600032906.shtml, the company's 2023Q3 report).
    Profit 567.56 亿元 > 0 with cash flow −163.51 亿元 < 0: profit without cash.
    """
    ws = risk_ws(
        [{"entity_id": "601668", "name": "中国建筑", "industry": "E47"}],
        {("601668", "2023-09"): {"net_profit": 56756317, "operating_cash_flow": -16351463}},
        unit="千元",
    )
    w = one(
        evaluate_warnings(ws, Period.parse("2023-09"), only=["profit_without_cash"]), "profit_without_cash", "601668"
    )
    assert w is not None
    assert w.value == Decimal(-16351463000)
    assert w.reference == Decimal(56756317000)
    assert w.message_zh == "净利润5,675,631.70万元为正，但经营活动现金流量净额-1,635,146.30万元为负"


# --- 两金 growing faster than revenue -------------------------------------------------------


@pytest.mark.parametrize(("revenue", "fires"), FUNDS_CASES)
def test_two_funds_growing_faster_than_revenue(zoo: WarningReport, revenue: str, fires: bool) -> None:
    """两金 = receivables 60 + inventory 40 = 100 a year ago, 66 + 44 = 110 now: +10%.

    Revenue Jan–Jun 200 a year ago; now 220 (+10%: equal, no warning) or 219 (+9.5%: 两金 grow
    0.5 pp faster).
    """
    w = case(zoo, "two_funds_outpace_revenue", f"funds {revenue}")
    assert (w is not None) is fires
    if w is not None:
        assert w.value == pytest.approx(10.0)
        assert w.reference == pytest.approx(9.5)
        assert w.figures["gap"] == pytest.approx(Decimal("0.5"))
        assert w.message_zh == "两金同比增长10.00%，高于营业收入同比增长9.50%（相差0.50个百分点）"


# --- interest coverage, current ratio, interest-bearing debt ratio --------------------------


@pytest.mark.parametrize(("total_profit", "fires"), COVER_CASES)
def test_interest_coverage_below_threshold(zoo: WarningReport, total_profit: str, fires: bool) -> None:
    """(total profit + interest 100) / 100: 200/100 = 2.00 (the threshold: no warning); 199/100 = 1.99."""
    w = case(zoo, "interest_coverage_low", f"cover {total_profit}")
    assert (w is not None) is fires
    if w is not None:
        assert w.value == pytest.approx(1.99)
        assert w.message_en == "interest coverage 1.99x is below 2.00x"


def test_interest_coverage_threshold_from_a_user_rule_file(risk_ws: MakeWorkspace, write_file: WriteFile) -> None:
    """The user sets the line at 1.5: 1.99 is then no warning; 1.49 (149/100) is."""
    path = write_file(
        "rules.yaml",
        """
rules:
  - code: interest_coverage_low
    kind: below
    indicator: interest_coverage
    severity: high
    params: {threshold: 1.5}
    source: our own credit policy
    message_zh: "已获利息倍数{value}，低于{threshold}"
    message_en: "interest coverage {value} below {threshold}"
""",
    )
    rules = load_rules([path])
    ws = risk_ws(
        [entity("C", "A"), entity("C", "B")],
        {
            ("A", "2025-06"): {"total_profit": 99, "interest_expense": 100},
            ("B", "2025-06"): {"total_profit": 49, "interest_expense": 100},
        },
    )
    report = evaluate_warnings(ws, P, rules=rules, only=["interest_coverage_low"])
    assert one(report, "interest_coverage_low", "A") is None
    w = one(report, "interest_coverage_low", "B")
    assert w is not None and w.severity == "high" and w.source == "our own credit policy"


@pytest.mark.parametrize(("current_assets", "fires"), CURRENT_CASES)
def test_current_ratio_below_one(zoo: WarningReport, current_assets: str, fires: bool) -> None:
    """Current assets / current liabilities 100: 1.00 is not below 1; 0.9999 is."""
    w = case(zoo, "current_ratio_low", f"current {current_assets}")
    assert (w is not None) is fires
    if w is not None:
        assert w.value == pytest.approx(0.9999)


@pytest.mark.parametrize(("closing_debt", "fires"), IBD_CASES)
def test_interest_bearing_debt_ratio_jump(zoo: WarningReport, closing_debt: str, fires: bool) -> None:
    """Interest-bearing debt / liabilities 100: 40% at the 2024 year end; 45% now is +5 pp (the limit), 45.01% is more."""
    w = case(zoo, "interest_bearing_debt_ratio_jump", f"ibd {closing_debt}")
    assert (w is not None) is fires
    if w is not None:
        assert w.message_zh == "带息负债比率45.01%，较年初40.00%上升5.01个百分点，超过5.00个百分点"


# --- selection and views ---------------------------------------------------------------------


def test_warnings_are_ordered_most_serious_first_and_scoped_to_the_subtree(risk_ws: MakeWorkspace) -> None:
    """G owns A; B stands alone. A: debt 72% (> 70, high) and a loss (medium); B: a loss.

    --entity G covers G and A only; without --subtree only G (which reported nothing: only gaps).
    """
    ents = [
        {"entity_id": "G", "name": "集团", "industry": "C"},
        {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C"},
        {"entity_id": "B", "name": "乙", "industry": "C"},
    ]
    ws = risk_ws(
        ents,
        {
            ("A", "2025-06"): {"total_assets": 100, "total_liabilities": 72, "net_profit": -1},
            ("B", "2025-06"): {"net_profit": -1},
        },
    )
    report = evaluate_warnings(ws, P, entity="G", only=["debt_ratio_line", "loss"])
    assert [(w.entity_id, w.rule, w.severity) for w in report] == [
        ("A", "debt_ratio_line", "high"),
        ("A", "loss", "medium"),
    ]
    alone = evaluate_warnings(ws, P, entity="G", subtree=False, only=["loss"])
    assert len(alone) == 0 and gap(alone, "loss", "G") is not None
    with pytest.raises(NotFoundError):
        evaluate_warnings(ws, P, entity="nobody")


def test_children_view_checks_the_sum_of_the_subsidiaries(risk_ws: MakeWorkspace) -> None:
    """G's children A (−5) and B (+3) sum to −2 万元: a loss of the 节点汇总 figure, none for G's own (+1)."""
    ents = [
        {"entity_id": "G", "name": "集团", "industry": "C"},
        {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C"},
        {"entity_id": "B", "name": "乙", "parent_id": "G", "industry": "C"},
    ]
    ws = risk_ws(
        ents,
        {
            ("G", "2025-06"): {"net_profit": 1},
            ("A", "2025-06"): {"net_profit": -5},
            ("B", "2025-06"): {"net_profit": 3},
        },
    )
    assert one(evaluate_warnings(ws, P, only=["loss"]), "loss", "G") is None
    w = one(evaluate_warnings(ws, P, view="children", only=["loss"]), "loss", "G")
    assert w is not None and w.value == Decimal(-20000)


def test_records_carry_rule_severity_figures_and_sentence(risk_ws: MakeWorkspace) -> None:
    """The machine record of a warning: codes, exact figures and the sentence in the asked language."""
    ws = risk_ws([entity()], {("A", "2025-06"): {"net_profit": "-1.5"}})
    report = evaluate_warnings(ws, P, only=["loss"])
    (rec,) = warning_records(report, "en")
    assert rec["rule"] == "loss" and rec["severity"] == "medium" and rec["severity_name"] == "medium"
    assert rec["value"] == Decimal(-15000) and rec["threshold"] == Decimal(0)
    assert rec["message"] == "net profit year to date is -0.02 million yuan: a loss"
    assert json.loads(rec["figures"]) == {"indicator": "net_profit", "value": -15000, "threshold": 0}
