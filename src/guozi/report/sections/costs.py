"""成本费用: 成本费用总额 (营业成本, 税金及附加 and the four period expenses) and 成本费用利润率
(利润总额 ÷ 成本费用总额), each against a year earlier (同比); the indicators are the catalogue's
``cost_expense_total`` and ``cost_expense_profit_margin`` (企业绩效评价标准值, 盈利能力状况). A
catalogue without them, or an entity that files none of the lines this year or last, leaves the
section out."""

from __future__ import annotations

from guozi.report import narrative as nv
from guozi.report.context import Ctx, table
from guozi.report.model import Block, Cell, Col, Fig, Paragraph, Section, Text

CODES = ("cost_expense_total", "cost_expense_profit_margin")
TITLE = Text("成本费用情况", "Costs and expenses")
COLUMNS = (
    Col("indicator", "指标", "indicator"),
    Col("value", "本期", "this period", "value"),
    Col("prior", "上年同期", "a year earlier", "value"),
    Col("change", "同比增减", "change on a year earlier", "value"),
)


def costs(ctx: Ctx) -> Section:
    """成本费用: a sentence and a table of the total and the margin, 同比."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    codes = [c for c in CODES if c in src.catalog.indicators]
    if not codes:
        return Section("costs", 0, TITLE, ())
    ytd = ctx.own.ytd
    rows: list[list[Cell]] = []
    figs: list[Fig] = []
    parts_zh: list[str] = []
    parts_en: list[str] = []
    for code in codes:
        ind = src.catalog.indicator(code)
        unit = ind.unit
        value = ytd.fig(e, p, code, unit)
        rows.append(
            [
                Text(ind.name_zh, ind.name_en),
                value,
                ytd.fig(e, p, code, unit, "prior_value"),
                ytd.fig(e, p, code, "pp" if unit == "%" else unit, "change"),
            ]
        )
        figs.append(value)
        parts_zh.append(f"{ind.name_zh}{nv.value_with_change(value, 'zh')}")
        parts_en.append(f"{nv.lc(ind.name_en)} {nv.value_with_change(value, 'en')}")
    if all(f.value is None for r in rows for f in r[1:3] if isinstance(f, Fig)):
        return Section("costs", 0, TITLE, ())  # no cost line filed this year or last: nothing to say
    en = "; ".join(parts_en)
    blocks: list[Block] = [
        Paragraph(Text("；".join(parts_zh) + "。", en[:1].upper() + en[1:] + "."), tuple(figs)),
        table(
            "costs",
            Text("成本费用同比情况", "Costs and expenses on a year earlier"),
            COLUMNS,
            rows,
            Text(
                "成本费用总额 = 营业成本 + 税金及附加 + 销售费用 + 管理费用 + 研发费用 + 财务费用；成本费用利润率 = 利润总额 ÷ 成本费用总额，增减为百分点。",
                "Total costs and expenses = operating cost + taxes and surcharges + selling, administrative, R&D and "
                "finance expenses; profit to costs and expenses = total profit ÷ that total, its change in percentage points.",
            ),
        ),
    ]
    return Section("costs", 0, TITLE, tuple(blocks))
