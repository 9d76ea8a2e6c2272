"""附表 (appendix): every entity of the subtree's amounts and ratios, every warning, and the checks
that could not be made."""

from __future__ import annotations

from guozi.report.context import Ctx, table, unit_col
from guozi.report.model import Block, Cell, Col, Section, Text


def appendix(ctx: Ctx) -> Section:
    """附表: each entity's amounts and ratios, every warning, and the checks that could not be made."""
    src, p = ctx.source, ctx.period
    codes = list(ctx.subs_panel.indicators)
    amounts = [c for c in codes if src.catalog.indicator(c).unit == "元"]
    others = [c for c in codes if src.catalog.indicator(c).unit != "元"]
    blocks: list[Block] = []
    for key, group, title in (
        ("appendix_amounts", amounts, Text("附表1 各企业主要金额指标", "Table A1: amounts by entity")),
        ("appendix_ratios", others, Text("附表2 各企业主要比率指标", "Table A2: ratios by entity")),
    ):
        if not group:
            continue
        cols = [Col("name", "企业", "entity"), Col("level", "层级", "level", "count")]
        cols += [unit_col(src, c) for c in group]
        rows: list[list[Cell]] = []
        for eid_, lv in zip(ctx.nodes.entity_id, ctx.nodes.level, strict=True):
            eid = str(eid_)
            rows.append(
                [
                    ctx.names.get(eid, eid),
                    int(lv) - ctx.level + 1,
                    *[ctx.subs.fig(eid, p, c, src.catalog.indicator(c).unit) for c in group],
                ]
            )
        blocks.append(
            table(
                key,
                title,
                cols,
                rows,
                Text(
                    "各企业为其合并（报表）数，流量为本年累计。",
                    "Each entity's own (consolidated) figures; flows year to date.",
                ),
            )
        )
    report = ctx.warnings
    if report is not None and report.warnings:
        sev = report.rules.severities
        blocks.append(
            table(
                "appendix_warnings",
                Text("附表3 全部风险预警", "Table A3: every risk warning"),
                (
                    Col("name", "企业", "entity"),
                    Col("severity", "严重程度", "severity"),
                    Col("rule", "预警规则", "rule"),
                    Col("message", "说明", "explanation"),
                ),
                [
                    [
                        w.name,
                        Text(sev[w.severity].name_zh, sev[w.severity].name_en),
                        Text(w.rule_name_zh, w.rule_name_en),
                        Text(w.message_zh, w.message_en),
                    ]
                    for w in report.merged()
                ],
            )
        )
    if report is not None and report.gaps:
        names = {r.code: Text(r.name_zh, r.name_en) for r in report.rules.rules}
        blocks.append(
            table(
                "appendix_gaps",
                Text("附表4 因缺数无法进行的检查", "Table A4: checks that could not be made"),
                (Col("name", "企业", "entity"), Col("rule", "预警规则", "rule"), Col("note", "原因", "why")),
                [[g.name, names.get(g.rule, Text(g.rule, g.rule)), Text(g.note_zh, g.note_en)] for g in report.gaps],
            )
        )
    return Section("appendix", 7, Text("附表", "Appendix"), tuple(blocks))
