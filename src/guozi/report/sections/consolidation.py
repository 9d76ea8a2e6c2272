"""合并口径核对 (issue 21): the group's filed 合并 beside the computed 合并 (计算合并) and the difference.

For the report's entity and period, the indicators of the layout's ``consolidation_indicators``
(revenue, total profit and debt ratio): the 合并 the group filed, the 合并 computed from the single
entities of its subtree less the intercompany eliminations (:mod:`guozi.engine.consolidate`) and
差额 = filed − computed. Shown only when the subtree reports intercompany data in the period (without
it the computed 合并 is the plain sum of the single entities). Each figure is a
:class:`~guozi.report.model.Fig` of source ``consolidated`` (``measure``: ``reported_value``,
``value`` or ``difference`` of the ``consolidated`` view of :meth:`~guozi.analyses.source.Source.indicators`).
"""

from __future__ import annotations

from guozi.report import narrative as nv
from guozi.report.context import Cells, Ctx, table
from guozi.report.model import Cell, Col, Fig, Paragraph, Section, Text

COLUMNS = (
    Col("indicator", "指标", "indicator"),
    Col("reported", "上报合并", "filed consolidated", "value"),
    Col("computed", "计算合并", "computed consolidated", "value"),
    Col("difference", "差额", "difference", "value"),
)
MEASURES = ("reported_value", "value", "difference")  # filed, computed, filed − computed
TITLE = Text("合并口径核对", "Filed against computed consolidation")


def consolidation(ctx: Ctx) -> Section | None:
    """The comparison of the report's entity, or None when its subtree reports no intercompany data."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    if ctx.reconciled().pairs.empty:
        return None
    codes = [str(c) for c in ctx.layout["consolidation_indicators"] if c in src.catalog.indicators]
    cells = Cells(src.indicators(p, indicators=codes, entity=e, view="consolidated", prior=False), "ytd")
    rows: list[list[Cell]] = []
    for code in codes:
        ind = src.catalog.indicator(code)
        figs: list[Cell] = [Text(ind.name_zh, ind.name_en)]
        for measure in MEASURES:
            f = cells.fig(e, p, code, ind.unit, measure)
            unit = "pp" if measure == "difference" and ind.unit == "%" else ind.unit  # a ratio's difference
            figs.append(
                Fig(f.value, unit, "consolidated", e, str(p), code, measure, note_zh=f.note_zh, note_en=f.note_en)
            )
        rows.append(figs)
    note = Text(
        "计算合并 = 本级及下属单户表之和 − 内部交易与往来抵销（未实现内部利润、少数股东权益、商誉、外币折算暂不计）；"
        "差额 = 上报合并 − 计算合并。",
        "Computed = the single entities of the subtree less intercompany eliminations (unrealised profit, "
        "minority interests, goodwill and currency translation not yet included); difference = filed − computed.",
    )
    intro = Paragraph(
        Text(
            f"{nv.span(p, 'zh')}，{ctx.name}上报的合并数与按单户表抵销内部交易后的计算合并数比较如下表。",
            f"{ctx.name}'s filed consolidated figures for {nv.span(p, 'en')} against those computed from the "
            "single entities less intercompany trade are as below.",
        )
    )
    return Section("consolidation", 0, TITLE, (intro, table("consolidation", TITLE, COLUMNS, rows, note)))
