"""The report's words: number formatting, sentences, a snapshot of a small group's narrative, and
a period with missing data.

The small group (every figure in 元, periods 2024-05/06 and 2025-05/06)::

    G 测试集团 ── A 甲制造（C26）
               └─ B 乙建设（E48）

    G                 2024-05          2024-06          2025-05          2025-06
    revenue        96 900 000 000  116 900 000 000  100 000 000 000  123 456 000 000
    total_profit    8 400 000 000   10 088 000 000    8 000 000 000    9 876 000 000
    net_profit      6 200 000 000    7 500 000 000    6 000 000 000    7 400 000 000
    taxes_paid                      2 800 000 000                     3 000 000 000
    value_added                    19 000 000 000                    20 000 000 000
    total_assets                  480 000 000 000                   500 000 000 000
    total_liabilities             309 600 000 000                   320 000 000 000

    A total_profit 2024-06 5 500 000 000, 2025-06 6 000 000 000; net_profit 4 100 000 000, 4 500 000 000
    B total_profit 2024-06   200 000 000, 2025-06  −300 000 000; net_profit   150 000 000,  −350 000 000
    target of G for 2025: total_profit 20 000 000 000

Worked by hand (rounding half up; 1 亿 = 100 000 000):

- revenue 1 234.56亿元; growth 6 556 000 000 / 116 900 000 000 = 5.608…% → 增长5.6%
- total_profit 98.76亿元; −212 000 000 / 10 088 000 000 = −2.101…% → 下降2.1%
- net_profit 74.00亿元; −100 000 000 / 7 500 000 000 = −1.333…% → 下降1.3%
- taxes_paid 30.00亿元; 200 000 000 / 2 800 000 000 = 7.142…% → 增长7.1%
- value_added 200.00亿元; 1 000 000 000 / 19 000 000 000 = 5.263…% → 增长5.3%
- total_assets 5 000.00亿元; 20 / 480 = 4.166…% → 增长4.2%
- debt ratio 320 / 500 = 64.00%; a year earlier 309.6 / 480 = 64.50%; −0.50 → 下降0.50个百分点
- June alone: revenue 123 456 − 100 000 = 23 456 百万 → 234.56亿元 against 116 900 − 96 900 = 20 000 百万:
  3 456 / 20 000 = 17.28% → 增长17.3%; total profit 9 876 − 8 000 = 1 876 百万 = 18.76亿元 against
  10 088 − 8 400 = 1 688: 188 / 1 688 = 11.137…% → 增长11.1%; net profit 7 400 − 6 000 = 1 400 百万 =
  14.00亿元 against 7 500 − 6 200 = 1 300: 100 / 1 300 = 7.692…% → 增长7.7%
- drivers: G's total profit changed by −2.12亿元; A +5.00亿元 (增利), B −5.00亿元 (减利; from a profit of
  2.00亿元 to a loss of 3.00亿元), the rest (headquarters and eliminations) −2.12 − 0 = −2.12亿元
- losses: B's net profit −3.50亿元 against +1.50亿元 a year earlier: a new loss-maker, 1 of 2 level-two
  subsidiaries
- regime 2025 (一利五率, 一增一稳四提升): total profit target 200.00亿元, completion 98.76 / 200 = 49.38%,
  pace 6 / 12 = 50.00% → behind pace; roe, rd_intensity, labor_productivity and cash_collection_ratio
  lack their items, so the report says what is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.kernel.periods import Period
from guozi.report import Report, build_report
from guozi.report import narrative as nv
from guozi.report.cells import cell_text
from guozi.report.model import Fig
from guozi.workspace import Workspace

NB = "\u202f"  # the digit group gap
SNAPSHOT = Path(__file__).parent / "snapshots" / "narrative_small_group.txt"

G_FIGURES = {
    "2024-05": {"revenue": 96_900_000_000, "total_profit": 8_400_000_000, "net_profit": 6_200_000_000},
    "2024-06": {
        "revenue": 116_900_000_000,
        "total_profit": 10_088_000_000,
        "net_profit": 7_500_000_000,
        "taxes_paid": 2_800_000_000,
        "value_added": 19_000_000_000,
        "total_assets": 480_000_000_000,
        "total_liabilities": 309_600_000_000,
    },
    "2025-05": {"revenue": 100_000_000_000, "total_profit": 8_000_000_000, "net_profit": 6_000_000_000},
    "2025-06": {
        "revenue": 123_456_000_000,
        "total_profit": 9_876_000_000,
        "net_profit": 7_400_000_000,
        "taxes_paid": 3_000_000_000,
        "value_added": 20_000_000_000,
        "total_assets": 500_000_000_000,
        "total_liabilities": 320_000_000_000,
    },
}
CHILD_FIGURES = {
    "A": {"2024-06": (5_500_000_000, 4_100_000_000), "2025-06": (6_000_000_000, 4_500_000_000)},
    "B": {"2024-06": (200_000_000, 150_000_000), "2025-06": (-300_000_000, -350_000_000)},
}
ENTITIES = [
    {"entity_id": "G", "name": "测试集团", "parent_id": "", "industry": "C", "category": "commercial_competitive"},
    {"entity_id": "A", "name": "甲制造", "parent_id": "G", "industry": "C26", "category": "commercial_competitive"},
    {"entity_id": "B", "name": "乙建设", "parent_id": "G", "industry": "E48", "category": "commercial_competitive"},
]


def _facts(skip: set[tuple[str, str, str]] = frozenset()) -> list[dict[str, object]]:  # type: ignore[assignment]
    rows: list[dict[str, object]] = []
    for period, items in G_FIGURES.items():
        for item, value in items.items():
            if ("G", period, item) not in skip:
                rows.append({"entity_id": "G", "period": period, "item": item, "value": value, "unit": "元"})
    for eid, by_period in CHILD_FIGURES.items():
        for period, (tp, np_) in by_period.items():
            rows.append({"entity_id": eid, "period": period, "item": "total_profit", "value": tp, "unit": "元"})
            rows.append({"entity_id": eid, "period": period, "item": "net_profit", "value": np_, "unit": "元"})
    return rows


@pytest.fixture
def small_group(workspace_of: Callable[..., Workspace]) -> Workspace:
    """The small group of the module docstring."""
    return workspace_of(
        entities=ENTITIES,
        facts=_facts(),
        targets=[{"entity_id": "G", "year": 2025, "indicator": "total_profit", "target": 20_000_000_000}],
    )


def _narrative(report: Report, lang: str) -> str:
    lines = [report.title(lang)]
    for s in report.sections:
        lines.append(nv.section_heading(s.number, s.title(lang), lang))
        lines.extend(p.text(lang) for p in s.paragraphs())
    return "\n".join(lines) + "\n"


# numbers -----------------------------------------------------------------------------------------


def test_amounts_use_yi_from_one_yi_up_and_wan_below() -> None:
    """123 456 000 000 元 = 1 234.56 亿元; 56 780 000 元 = 5 678.00 万元 (below 1 亿); 100 000 000 元 is
    exactly 1 亿 → 1.00亿元; 99 994 999 元 = 9 999.4999 万 → 9 999.50万元. English: 12 345 678 901 元 =
    12.35 billion yuan, 5 678 000 元 = 5.68 million yuan."""
    assert nv.amount(Decimal(123_456_000_000), "zh") == f"1{NB}234.56亿元"
    assert nv.amount(Decimal(56_780_000), "zh") == f"5{NB}678.00万元"
    assert nv.amount(Decimal(100_000_000), "zh") == "1.00亿元"
    assert nv.amount(Decimal(99_994_999), "zh") == f"9{NB}999.50万元"
    assert nv.amount(Decimal(12_345_678_901), "en") == "12.35 billion yuan"
    assert nv.amount(Decimal(5_678_000), "en") == "5.68 million yuan"


def test_growth_wording_for_amounts_ratios_and_losses() -> None:
    """Growth of an amount to one decimal: 105.6 / 100 → 增长5.6%, 97.9 / 100 → 下降2.1%, 100.04 / 100
    (0.04% → 0.0) → 持平. A ratio: 64.12% against 64.47% → −0.35 → 下降0.35个百分点. A loss narrowing
    from −5 000 万 to −3 000 万 → 减亏2 000.00万元; a swing from +1.5 亿 to −3.5 亿 → 由盈转亏, 5.00亿元."""

    def fig(value: object, prior: object, unit: str = "元") -> Fig:
        return Fig(Decimal(str(value)) if unit == "元" else float(str(value)), unit, "test", prior=prior)  # type: ignore[arg-type]

    assert nv.change_phrase(fig(105.6, Decimal("100")), "zh") == "同比增长5.6%"
    assert nv.change_phrase(fig(97.9, Decimal("100")), "zh") == "同比下降2.1%"
    assert nv.change_phrase(fig(100.04, Decimal("100")), "zh") == "同比持平"
    assert nv.change_phrase(fig(64.12, 64.47, "%"), "zh") == "同比下降0.35个百分点"
    assert nv.change_phrase(fig(64.12, 64.47, "%"), "en") == "down 0.35 percentage points year on year"
    assert nv.change_phrase(fig(-30_000_000, Decimal(-50_000_000)), "zh") == f"同比减亏2{NB}000.00万元"
    assert nv.change_phrase(fig(-350_000_000, Decimal(150_000_000)), "zh") == "同比由盈转亏，减少5.00亿元"
    assert nv.change_phrase(fig(105.6, Decimal("100")), "en") == "up 5.6% year on year"


def test_missing_figures_say_what_is_missing_never_zero() -> None:
    """A figure without a value is written as "（缺数：…）" with the panel's reason, not as 0."""
    f = Fig(
        None, "元", "panel", note_zh="缺少：营业收入（本年累计）", note_en="missing: Operating revenue (year to date)"
    )
    assert nv.fig_text(f, "zh") == "（缺数：营业收入（本年累计））"
    assert nv.fig_text(f, "en") == "(missing: Operating revenue (year to date))"
    assert nv.value_with_change(f, "zh") == "（缺数：营业收入（本年累计））"


def test_headline_sentence_in_the_register_of_the_reports() -> None:
    """The brief's example: revenue 1 234.56亿元 up 5.6% (6 556 / 116 900 = 5.608%), total profit
    98.76亿元 down 2.1% (−212 / 10 088 = −2.101%)."""
    flows = [
        Fig(Decimal(123_456_000_000), "元", "test", prior=Decimal(116_900_000_000)),
        Fig(Decimal(9_876_000_000), "元", "test", prior=Decimal(10_088_000_000)),
    ]
    names = [("营业收入", "Operating revenue"), ("利润总额", "Total profit")]
    text = nv.headline(("集团", "the group"), Period(2025, 6), flows, names, "zh")
    assert text == f"2025年1—6月，集团实现营业收入1{NB}234.56亿元，同比增长5.6%；利润总额98.76亿元，同比下降2.1%。"
    en = nv.headline(("集团", "the group"), Period(2025, 6), flows, names, "en")
    assert en == (
        "In January–June 2025, the group reported operating revenue of 123.46 billion yuan, up 5.6% year on year; "
        "total profit 9.88 billion yuan, down 2.1%."
    )


# the small group ---------------------------------------------------------------------------------


def test_small_group_narrative_matches_the_hand_worked_figures(small_group: Workspace) -> None:
    """Every sentence quotes the figures worked by hand in the module docstring."""
    report = build_report(small_group, Period(2025, 6))
    overview = [p.text.zh for p in report.section("overview").paragraphs()]
    assert overview[0] == (
        f"2025年1—6月，集团实现营业收入1{NB}234.56亿元，同比增长5.6%；利润总额98.76亿元，同比下降2.1%；"
        "净利润74.00亿元，同比下降1.3%；上缴税费30.00亿元，同比增长7.1%；增加值（劳动生产总值）200.00亿元，同比增长5.3%。"
    )
    assert overview[1] == f"6月末，资产总额5{NB}000.00亿元，同比增长4.2%；资产负债率64.00%，同比下降0.50个百分点。"
    assert overview[2] == (
        "其中，6月当月实现营业收入234.56亿元，同比增长17.3%；利润总额18.76亿元，同比增长11.1%；"
        "净利润14.00亿元，同比增长7.7%。"
    )
    overview_en = [p.text.en for p in report.section("overview").paragraphs()]
    assert (
        overview_en[1]
        == "At the end of June 2025: total assets 500.00 billion yuan, up 4.2% year on year; debt-to-asset ratio 64.00%, down 0.50 percentage points."
    )
    assert overview_en[2].startswith("In June alone: operating revenue 23.46 billion yuan, up 17.3% year on year; ")
    drivers = report.section("drivers").paragraphs()[0].text.zh
    assert drivers == (
        "2025年1—6月，集团利润总额同比减少2.12亿元；增利较多的是甲制造（增加5.00亿元）；减利较多的是乙建设（减少5.00亿元）。"
    )
    waterfall = report.section("drivers").charts()[0].data
    assert [s["delta"] for s in waterfall["steps"]] == [
        Decimal(500_000_000),
        Decimal(-500_000_000),
        Decimal(-212_000_000),
    ]
    regime = report.section("regime").tables()[0]
    row = regime.rows[0]
    completion = row[regime.column("completion")]
    pace = row[regime.column("pace")]
    assert isinstance(completion, Fig) and isinstance(pace, Fig)
    assert round(float(completion.value or 0), 2) == 49.38
    assert pace.value == 50.0


def test_small_group_narrative_snapshot(small_group: Workspace) -> None:
    """The whole narrative, both languages, against the snapshot (figures as in the module
    docstring; set GUOZI_UPDATE_SNAPSHOTS=1 to rewrite it after a deliberate change)."""
    report = build_report(small_group, Period(2025, 6))
    text = _narrative(report, "zh") + "\n" + _narrative(report, "en")
    if os.environ.get("GUOZI_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")


def test_a_period_with_missing_data_says_what_is_missing(workspace_of: Callable[..., Workspace]) -> None:
    """G's revenue for 2025-06 is not reported: the headline says so (the panel's note names the item)
    instead of printing 0, and the revenue row of the headline table is "缺数" with the reason under
    it; the other figures are unchanged (total profit 98.76亿元, 下降2.1%)."""
    ws = workspace_of(entities=ENTITIES, facts=_facts({("G", "2025-06", "revenue")}))
    report = build_report(ws, Period(2025, 6))
    text = report.section("overview").paragraphs()[0].text.zh
    assert text.startswith(
        "2025年1—6月，集团实现营业收入（缺数：营业收入（本年累计））；利润总额98.76亿元，同比下降2.1%"
    )
    assert "营业收入0" not in text
    en = report.section("overview").paragraphs()[0].text.en
    assert "operating revenue of (missing: Operating revenue (year to date))" in en
    table = report.section("overview").tables()[0]
    cell = table.rows[0][table.column("value")]
    assert isinstance(cell, Fig) and cell.value is None and cell.missing
    assert cell_text(cell, table.columns[table.column("value")], None, "zh") == "缺数"
    assert any("营业收入（本年累计）" in n.zh for n in table.notes)
    for fig in report.figs():
        if fig.value is None:
            assert not fig.missing or fig.note_zh, fig


def test_a_period_without_any_data_reports_only_what_is_missing(small_group: Workspace) -> None:
    """2025-07 has no facts at all: every headline figure is "（缺数：…）", the drivers cannot be
    broken down, no section prints a zero amount."""
    report = build_report(small_group, Period(2025, 7))
    head = report.section("overview").paragraphs()[0].text.zh
    for name in ("营业收入", "利润总额", "净利润", "上缴税费"):
        assert f"{name}（缺数：{name}（本年累计））" in head
    assert "无法分解同比变化" in report.section("drivers").paragraphs()[0].text.zh
    text = "\n".join(p.text.zh for s in report.sections for p in s.paragraphs())
    assert "0.00亿元" not in text and "0.00万元" not in text
    assert all(f.value is None for f in report.section("overview").tables()[0].rows[0] if isinstance(f, Fig))


def test_shares_are_of_the_gross_change_and_the_year_is_projected(small_group: Workspace) -> None:
    """A +5.00亿元 and B −5.00亿元 offset (net −2.12亿元 with the headquarters): each is 50 % of the
    gross change 10.00亿元 (+50.00 %, −50.00 %), not 236 % of the net; the June verdict is followed
    by the linear projection 98.76 × 12 / 6 = 197.52亿元, 197.52 / 200 = 98.8 % of the target."""
    report = build_report(small_group, Period(2025, 6))
    t = report.section("drivers").tables()[0]
    shares = {str(r[0]): r[t.column("share")] for r in t.rows}
    assert {k: v.value for k, v in shares.items() if isinstance(v, Fig)} == {"甲制造": 50.0, "乙建设": -50.0}
    projected = report.section("regime").paragraphs()[1].text.zh
    assert projected.startswith("按时序进度预计全年") and "利润总额约197.52亿元，完成全年目标的98.8%" in projected
