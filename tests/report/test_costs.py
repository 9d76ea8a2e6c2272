"""成本费用 (issue 20), worked by hand from the facts below (万元):

- G 2025-06: 营业成本 600 + 税金及附加 20 + 销售费用 50 + 管理费用 80 + 研发费用 30 + 财务费用 20 = 成本费用总额
  800 万元 (8 000 000 元); 利润总额 100 → 成本费用利润率 100 ÷ 800 = 12.50 %;
- G 2024-06: 500 + 20 + 40 + 80 + 20 + 20 = 680 万元; 利润总额 68 → 68 ÷ 680 = 10.00 %;
- so 同比 the total grows 120 万元 (1 200 000 元, 120 ÷ 680 = 17.647… %, written 17.6 %) and the margin 2.50 percentage points;
- B files no 财务费用 in 2025-06: its total is missing (never summed as if it were zero), and so its margin
  and the change; in 2024-06 it filed all six: 40 + 2 + 4 + 6 + 2 + 1 = 55 万元, 利润总额 11 → 20.00 %.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.kernel.periods import Period
from guozi.report import build_report
from guozi.report import narrative as nv
from guozi.report.model import Fig, Paragraph
from guozi.workspace import Workspace
from tests.conftest import facts_of

ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
    {"entity_id": "B", "name": "乙", "parent_id": "G", "industry": "C26"},
]
LINES = ("operating_cost", "taxes_and_surcharges", "selling_expense", "admin_expense", "rd_expense", "finance_expense")


def _g(period: str, figures: tuple[int, ...], profit: int) -> list[dict[str, object]]:
    return facts_of("G", period, "万元", total_profit=profit, **dict(zip(LINES, figures, strict=True)))


@pytest.fixture
def ws(contract: Callable[..., Path]) -> Workspace:
    facts = (
        _g("2025-06", (600, 20, 50, 80, 30, 20), 100)
        + _g("2024-06", (500, 20, 40, 80, 20, 20), 68)
        + facts_of("B", "2025-06", "万元", total_profit=10, **dict(zip(LINES[:-1], (50, 2, 5, 8, 3), strict=True)))
        + facts_of("B", "2024-06", "万元", total_profit=11, **dict(zip(LINES, (40, 2, 4, 6, 2, 1), strict=True)))
    )
    return Workspace.from_data([contract(entities=ENTITIES, facts=facts)])


def _rows(ws: Workspace, entity: str) -> dict[str, tuple[Fig, ...]]:
    section = build_report(ws, Period(2025, 6), entity=entity).section("costs")
    (tbl,) = section.tables()
    figs = [tuple(c for c in r[1:] if isinstance(c, Fig)) for r in tbl.rows]
    return {f[0].indicator: f for f in figs}


def test_total_and_margin_on_a_year_earlier(ws: Workspace) -> None:
    rows = _rows(ws, "G")
    value, prior, change = rows["cost_expense_total"]
    assert (nv.dec(value.value), nv.dec(prior.value), nv.dec(change.value)) == (
        Decimal(8_000_000),
        Decimal(6_800_000),
        Decimal(1_200_000),
    )
    assert value.unit == "元"
    margin, margin_prior, margin_change = rows["cost_expense_profit_margin"]
    assert float(margin.value or 0) == pytest.approx(12.5)
    assert float(margin_prior.value or 0) == pytest.approx(10.0)
    assert float(margin_change.value or 0) == pytest.approx(2.5) and margin_change.unit == "pp"
    para = build_report(ws, Period(2025, 6), entity="G").section("costs").blocks[0]
    assert isinstance(para, Paragraph)
    text = para.text.zh
    # growth is written to one decimal in the report's sentences: 17.647… % → 17.6 %
    assert text == "成本费用总额800.00万元，同比增长17.6%；成本费用利润率12.50%，同比上升2.50个百分点。"


def test_a_missing_line_leaves_the_total_missing(ws: Workspace) -> None:
    rows = _rows(ws, "B")
    assert rows["cost_expense_total"][0].value is None
    assert rows["cost_expense_profit_margin"][0].value is None
    # a year earlier it filed every line: 40 + 2 + 4 + 6 + 2 + 1 = 55 万元, 利润总额 11 → 20.00 %
    assert nv.dec(rows["cost_expense_total"][1].value) == Decimal(550_000)
    assert float(rows["cost_expense_profit_margin"][1].value or 0) == pytest.approx(20.0)
    assert rows["cost_expense_total"][2].value is None  # no change against a missing total
