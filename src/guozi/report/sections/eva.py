"""6 经济增加值 (EVA): the entity's and its direct subsidiaries' economic value added."""

from __future__ import annotations

from typing import Any

from guozi.analyses.eva import compute_eva, unconfirmed_caption
from guozi.report import narrative as nv
from guozi.report.context import Ctx, table
from guozi.report.model import Block, Cell, Col, Fig, Paragraph, Section, Text


def eva(ctx: Ctx) -> Section:
    """经济增加值: the entity's EVA and that of its direct subsidiaries."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    rep = compute_eva(src, p, entity=e, subtree=True)
    rows_by = {r.entity_id: r for r in rep.rows}
    blocks: list[Block] = []
    cols = (
        Col("name", "企业", "entity"),
        Col("nopat", "税后净营业利润", "NOPAT", "amount"),
        Col("capital", "调整后资本", "adjusted capital", "amount"),
        Col("rate", "平均资本成本率", "cost of capital", "number", "%"),
        Col("charge", "资本成本", "capital charge", "amount"),
        Col("eva", "经济增加值", "EVA", "amount"),
    )
    rows: list[list[Cell]] = []
    pos = neg = unknown = 0
    for eid in [e, *ctx.children]:
        r = rows_by.get(eid)
        if r is None:
            continue

        def f(v: Any, unit: str, fld: str, row: Any = r, eid: str = eid) -> Fig:
            return Fig(
                v,
                unit,
                "eva",
                eid,
                str(p),
                "eva",
                fld,
                note_zh="" if v is not None else (row.note_zh or "无数据"),
                note_en="" if v is not None else (row.note_en or "no data"),
            )

        rows.append(
            [
                ctx.names.get(eid, eid),
                f(r.nopat, "元", "nopat"),
                f(r.adjusted_capital, "元", "adjusted_capital"),
                f(r.cost_of_capital, "%", "cost_of_capital"),
                f(r.capital_charge, "元", "capital_charge"),
                f(r.eva, "元", "eva"),
            ]
        )
        if eid != e:
            if r.eva is None:
                unknown += 1
            elif r.eva >= 0:
                pos += 1
            else:
                neg += 1
    own = rows_by.get(e)
    eva_fig = Fig(
        own.eva if own else None,
        "元",
        "eva",
        e,
        str(p),
        "eva",
        "eva",
        note_zh="" if own and own.eva is not None else (own.note_zh if own else "无数据"),
        note_en="" if own and own.eva is not None else (own.note_en if own else "no data"),
    )
    zh = f"{nv.span(p, 'zh')}，{ctx.subject.zh}经济增加值（EVA）{nv.fig_text(eva_fig, 'zh')}"
    en = f"In {nv.span(p, 'en')}, {ctx.subject.en}'s economic value added (EVA) was {nv.fig_text(eva_fig, 'en')}"
    if ctx.children:
        zh += f"；直接下级企业中EVA为正的{pos}户、为负的{neg}户" + (f"、缺数{unknown}户" if unknown else "")
        en += f"; of its direct subsidiaries {pos} have a positive EVA and {neg} a negative one" + (
            f", {unknown} lack data" if unknown else ""
        )
    blocks.append(Paragraph(Text(zh + "。", en + "."), (eva_fig,)))
    cap_zh, cap_en = unconfirmed_caption(rep, "zh"), unconfirmed_caption(rep, "en")
    notes = [
        Text("期中EVA的资本成本按月份比例计提（×月份/12）。", "Part-year EVA charges the capital cost × months / 12.")
    ]
    if cap_zh:
        notes.append(Text(cap_zh, cap_en))
    blocks.append(table("eva", Text("经济增加值（EVA）", "Economic value added (EVA)"), cols, rows, *notes))
    return Section("eva", 6, Text("经济增加值", "Economic value added"), tuple(blocks))
