"""1 总体情况 (overview): the headline flows and balances, the single month, and their table."""

from __future__ import annotations

from guozi.analyses.source import Source
from guozi.kernel.periods import Period
from guozi.report import narrative as nv
from guozi.report.context import Cells, Ctx, ind_name, table
from guozi.report.model import Block, Cell, Col, Paragraph, Section, Text


def overview(ctx: Ctx) -> Section:
    """总体情况: the headline flows, balances and single month, in sentences and a table."""
    src, p, e, lay = ctx.source, ctx.period, ctx.entity, ctx.layout
    blocks: list[Block] = []
    flows = [ctx.main.fig(e, p, c, src.catalog.indicator(c).unit) for c in lay["headline_flows"]]
    names = [(ind_name(src, c).zh, ind_name(src, c).en) for c in lay["headline_flows"]]
    blocks.append(
        Paragraph(
            Text(
                nv.headline((ctx.subject.zh, ctx.subject.en), p, flows, names, "zh"),
                nv.headline((ctx.subject.zh, ctx.subject.en), p, flows, names, "en"),
            ),
            tuple(flows),
        )
    )
    bal = [ctx.main.fig(e, p, c, src.catalog.indicator(c).unit) for c in lay["headline_balances"]]
    bnames = [(ind_name(src, c).zh, ind_name(src, c).en) for c in lay["headline_balances"]]
    if bal:
        blocks.append(Paragraph(Text(nv.balances(p, bal, bnames, "zh"), nv.balances(p, bal, bnames, "en")), tuple(bal)))
    month_cells: Cells | None = None
    if p.month > 1 and lay["month_flows"]:
        month_cells = ctx.own.month
        month_figs = [month_cells.fig(e, p, c, src.catalog.indicator(c).unit) for c in lay["month_flows"]]
        mnames = [(ind_name(src, c).zh, ind_name(src, c).en) for c in lay["month_flows"]]
        blocks.append(
            Paragraph(
                Text(nv.single_month(p, month_figs, mnames, "zh"), nv.single_month(p, month_figs, mnames, "en")),
                tuple(month_figs),
            )
        )
    cols = (
        Col("indicator", "指标", "indicator"),
        Col("value", "本期", "this period", "value"),
        Col("prior", "上年同期", "a year earlier", "value"),
        Col("change", "增减", "change", "value"),
        Col("growth", "增幅", "growth", "growth"),
    )
    rows: list[list[Cell]] = []
    for code in [*lay["headline_flows"], *lay["headline_balances"]]:
        rows.append(_change_row(ctx.main, src, e, p, code, Text("", "")))
    if month_cells is not None:
        for code in lay["month_flows"]:
            suffix = Text(f"（{p.month}月当月）", f" ({nv.month_only(p, 'en')})")
            rows.append(_change_row(month_cells, src, e, p, code, suffix))
    blocks.append(
        table(
            "overview",
            Text("主要经营指标", "Headline figures"),
            cols,
            rows,
            Text(
                "流量指标为本年累计数，时点指标为期末数；比率的增减为百分点。",
                "Flows are year to date, balances at the period end; changes of ratios in percentage points.",
            ),
        )
    )
    return Section("overview", 1, Text("总体情况", "Overview"), tuple(blocks))


def _change_row(cells: Cells, src: Source, e: str, p: Period, code: str, suffix: Text) -> list[Cell]:
    ind = src.catalog.indicator(code)
    unit = ind.unit
    value = cells.fig(e, p, code, unit)
    prior = cells.fig(e, p, code, unit, "prior_value")
    change = cells.fig(e, p, code, "pp" if unit == "%" else unit, "change")
    growth: Cell = None if unit == "%" else cells.fig(e, p, code, "growth", "growth")
    name = Text(ind.name_zh + suffix.zh, ind.name_en + suffix.en)
    return [name, value, prior, change, growth]
