"""4 趋势 (trends): the last months' flows (single month and year to date) and levels, as charts and a table."""

from __future__ import annotations

from typing import Any

import pandas as pd

from guozi.kernel.periods import Period
from guozi.report.context import Cells, Ctx, only, table, unit_col
from guozi.report.model import Block, Cell, Chart, Col, Section, Table, Text


def trends(ctx: Ctx) -> tuple[Section, list[tuple[str, Text, pd.DataFrame]]]:
    """主要指标走势: the section, and the panels it reads (for the workbook)."""
    lay = ctx.layout
    periods = trend_periods(ctx.period, lay)
    flows = [str(c) for c in lay["trend_flows"]]
    levels = [str(c) for c in lay["trend_levels"]]
    # the shared read of the entity's figures holds each month's figure a year earlier too, by the
    # catalogue's definition whichever regime was in force then (the charts' prior-year lines)
    yc, mc = ctx.own.ytd, (ctx.own.month if flows else None)
    blocks: list[Block] = [*_charts(ctx, periods, flows, levels, yc, mc)]
    blocks.append(_table(ctx, periods, flows, levels, yc, mc))
    months = {str(q) for q in periods}
    ytd = only(ctx.own.ytd_panel, [*flows, *levels])
    panels = [("trend_ytd", Text("趋势（本年累计）", "trend (year to date)"), ytd[ytd.period.isin(months)])]
    if flows:
        month = only(ctx.own.month_panel, flows)
        panels.append(("trend_month", Text("趋势（单月）", "trend (single month)"), month[month.period.isin(months)]))
    return Section("trends", 4, Text("主要指标走势", "Trends"), tuple(blocks)), panels


def trend_periods(p: Period, lay: dict[str, Any]) -> list[Period]:
    """The months of the trend: the layout's ``trend_months``, ending at ``p``."""
    n = int(lay["trend_months"])
    return [p.shift(-k) for k in range(n - 1, -1, -1)]


def _charts(
    ctx: Ctx, periods: list[Period], flows: list[str], levels: list[str], yc: Cells, mc: Cells | None
) -> list[Chart]:
    """A chart of each flow (single month and year to date) and of each level (month end)."""
    src, e = ctx.source, ctx.entity
    blocks: list[Chart] = []
    series = []
    for c in flows:
        ind = src.catalog.indicator(c)
        series.append(
            {
                "indicator": c,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "month": [mc.fig(e, q, c, ind.unit).value if mc else None for q in periods],
                "ytd": [yc.fig(e, q, c, ind.unit).value for q in periods],
                "prior_ytd": [yc.fig(e, q, c, ind.unit, "prior_value").value for q in periods],
            }
        )
    for s in series:
        blocks.append(
            Chart(
                f"trend_{s['indicator']}",
                Text(f"{s['name_zh']}：单月与本年累计", f"{s['name_en']}: single month and year to date"),
                "trend",
                {"periods": [str(q) for q in periods], **s},
            )
        )
    for c in levels:
        ind = src.catalog.indicator(c)
        blocks.append(
            Chart(
                f"level_{c}",
                Text(f"{ind.name_zh}（月末）", f"{ind.name_en} (month end)"),
                "levels",
                {
                    "periods": [str(q) for q in periods],
                    "indicator": c,
                    "name_zh": ind.name_zh,
                    "name_en": ind.name_en,
                    "unit": ind.unit,
                    "values": [yc.fig(e, q, c, ind.unit).value for q in periods],
                    "prior": [yc.fig(e, q, c, ind.unit, "prior_value").value for q in periods],
                },
            )
        )
    return blocks


def _table(ctx: Ctx, periods: list[Period], flows: list[str], levels: list[str], yc: Cells, mc: Cells | None) -> Table:
    """The months' flows (single month, year to date) and levels, one row a month."""
    src, e = ctx.source, ctx.entity
    n = len(periods)
    cols: list[Col] = [Col("period", "期间", "period")]
    for c in flows:
        ind = src.catalog.indicator(c)
        cols.append(
            Col(
                f"{c}_month",
                f"{ind.name_zh}（单月）",
                f"{ind.name_en} (month)",
                "amount" if ind.unit == "元" else "number",
                "" if ind.unit == "元" else ind.unit,
            )
        )
        cols.append(
            Col(
                f"{c}_ytd",
                f"{ind.name_zh}（累计）",
                f"{ind.name_en} (YTD)",
                "amount" if ind.unit == "元" else "number",
                "" if ind.unit == "元" else ind.unit,
            )
        )
    for c in levels:
        cols.append(unit_col(src, c))
    rows: list[list[Cell]] = []
    for q in periods:
        row: list[Cell] = [str(q)]
        for c in flows:
            unit = src.catalog.indicator(c).unit
            row.append(mc.fig(e, q, c, unit) if mc else None)
            row.append(yc.fig(e, q, c, unit))
        for c in levels:
            row.append(yc.fig(e, q, c, src.catalog.indicator(c).unit))
        rows.append(row)
    return table("trends", Text(f"近{n}个月主要指标", f"The last {n} months"), cols, rows)
