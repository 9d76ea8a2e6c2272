"""3 利润增减因素 (drivers): what drove the change of the driver indicator (total profit), by
subsidiary (with a waterfall chart) and by industry section."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from guozi.catalog import Indicator
from guozi.report import narrative as nv
from guozi.report.context import Ctx, node_attr, present, table
from guozi.report.model import Block, Cell, Chart, Col, Fig, Paragraph, Section, Table, Text

# a direct subsidiary's figures: entity, value, prior-year value, change, growth
Kid = tuple[str, Fig, Fig, Fig, Fig]


def _section_of(industry: str) -> str:
    code = industry.strip().upper()
    return code[0] if code and code[0].isalpha() else ""


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def _change_key(row: Sequence[Cell]) -> Decimal:
    """Largest change first, missing last (a sort key on the fifth cell)."""
    cell = row[4]
    if isinstance(cell, Fig) and cell.value is not None:
        return -present(cell.value)
    return Decimal("1e30")


def drivers(ctx: Ctx) -> Section:
    """利润增减因素: the change of the driver indicator, by subsidiary and by industry."""
    p, e, lay = ctx.period, ctx.entity, ctx.layout
    code = str(lay["driver_indicator"])
    ind = ctx.source.catalog.indicator(code)
    top = int(lay["top_contributors"])
    total = ctx.main.fig(e, p, code, ind.unit)
    total_change = ctx.main.fig(e, p, code, ind.unit, "change")
    blocks: list[Block] = []
    title = Text(f"{ind.name_zh}增减因素", f"What drove the change of {nv.lc(ind.name_en)}")
    if not ctx.children:
        blocks.append(
            Paragraph(
                Text(f"{ctx.name}没有下属企业，不作分解。", f"{ctx.name} has no subsidiaries to break down."),
                kind="note",
            )
        )
        return Section("drivers", 3, title, tuple(blocks))
    kids: list[Kid] = []
    for c in ctx.children:
        v = ctx.subs.fig(c, p, code, ind.unit)
        pr = ctx.subs.fig(c, p, code, ind.unit, "prior_value")
        ch = ctx.subs.fig(c, p, code, ind.unit, "change")
        g = ctx.subs.fig(c, p, code, "growth", "growth")
        kids.append((c, v, pr, ch, g))
    tc = nv.dec(total_change.value)
    ups: list[Kid] = []
    downs: list[Kid] = []
    if tc is not None:
        known = [k for k in kids if k[3].value is not None]
        ups = sorted([k for k in known if present(k[3].value) > 0], key=lambda k: (-present(k[3].value), k[0]))[:top]
        downs = sorted([k for k in known if present(k[3].value) < 0], key=lambda k: (present(k[3].value), k[0]))[:top]
    blocks.append(_paragraph(ctx, ind, total, total_change, kids, ups, downs))
    if tc is not None and total.prior is not None and total.value is not None:
        blocks.append(_waterfall(ctx, ind, total, tc, ups + downs))
    blocks.append(_by_subsidiary(ctx, code, ind, kids, tc))
    blocks.append(_by_industry(ctx, code, ind, kids))
    return Section("drivers", 3, title, tuple(blocks))


def _paragraph(
    ctx: Ctx, ind: Indicator, total: Fig, total_change: Fig, kids: list[Kid], ups: list[Kid], downs: list[Kid]
) -> Paragraph:
    """How much the total changed, the largest increases and decreases, and who is left out."""
    p = ctx.period
    figs: list[Fig] = [total_change]
    head_zh = f"{nv.span(p, 'zh')}，{ctx.subject.zh}{ind.name_zh}"
    head_en = f"In {nv.span(p, 'en')}, {ctx.subject.en}'s {nv.lc(ind.name_en)}"
    tc = nv.dec(total_change.value)
    if tc is None:
        zh = (
            head_zh
            + nv.missing(total_change.note_zh or total.note_zh, total_change.note_en or total.note_en, "zh")
            + "，无法分解同比变化"
        )
        en = (
            head_en
            + " "
            + nv.missing(total_change.note_zh or total.note_zh, total_change.note_en or total.note_en, "en")
            + ": its change cannot be broken down"
        )
    else:
        zh = head_zh + ("同比" + ("增加" if tc >= 0 else "减少") + nv.amount(abs(tc), "zh"))
        en = head_en + (" rose by " if tc >= 0 else " fell by ") + nv.amount(abs(tc), "en") + " year on year"
    if ups:
        figs.extend(k[3] for k in ups)
        zh += "；增利较多的是" + "、".join(nv.contributor(ctx.names[k[0]], k[3], "zh") for k in ups)
        en += "; the largest increases: " + ", ".join(nv.contributor(ctx.names[k[0]], k[3], "en") for k in ups)
    if downs:
        figs.extend(k[3] for k in downs)
        zh += "；减利较多的是" + "、".join(nv.contributor(ctx.names[k[0]], k[3], "zh") for k in downs)
        en += "; the largest decreases: " + ", ".join(nv.contributor(ctx.names[k[0]], k[3], "en") for k in downs)
    unknown = [k for k in kids if k[3].value is None]
    if unknown and tc is not None:
        zh += f"；{len(unknown)}户企业缺少本期或上年同期数据，未计入（见表注）"
        en += f"; {len(unknown)} subsidiaries lack this or last year's figure and are left out (see the notes)"
    return Paragraph(Text(zh + "。", en + "."), tuple(figs))


def _waterfall(ctx: Ctx, ind: Indicator, total: Fig, tc: Decimal, listed: list[Kid]) -> Chart:
    """The waterfall: prior total → the contributors → the rest → this total."""
    p = ctx.period
    rest = tc - sum((nv.dec(k[3].value) or Decimal(0) for k in listed), Decimal(0))
    steps = [
        {"label_zh": ctx.names[k[0]], "label_en": ctx.names[k[0]], "delta": nv.dec(k[3].value)}
        for k in sorted(listed, key=lambda k: -present(k[3].value))
    ]
    steps.append(
        {
            "label_zh": "其他（含本部、合并抵销）",
            "label_en": "others (incl. headquarters, eliminations)",
            "delta": rest,
        }
    )
    return Chart(
        "waterfall",
        Text(
            f"{ind.name_zh}同比变动分解",
            f"Change of {nv.lc(ind.name_en)} by subsidiary",
        ),
        "waterfall",
        {
            "start": {
                "label_zh": f"{p.year - 1}年同期",
                "label_en": f"{p.year - 1}",
                "value": nv.dec(total.prior),
            },
            "steps": steps,
            "end": {"label_zh": f"{p.year}年", "label_en": f"{p.year}", "value": nv.dec(total.value)},
            "unit": ind.unit,
        },
    )


def _by_subsidiary(ctx: Ctx, code: str, ind: Indicator, kids: list[Kid], tc: Decimal | None) -> Table:
    """Each direct subsidiary's value, prior-year value, change, growth and share of the change."""
    p = ctx.period
    sections: Mapping[str, Sequence[str]] = ctx.layout.get("industry_sections") or {}
    industries = node_attr(ctx.nodes, "industry")
    cols = (
        Col("name", "企业", "subsidiary"),
        Col("industry", "行业", "industry"),
        Col("value", "本期", "this period", "amount"),
        Col("prior", "上年同期", "a year earlier", "amount"),
        Col("change", "增减额", "change", "amount"),
        Col("growth", "增幅", "growth", "growth"),
        Col("share", "占增减总额", "share of gross change", "pct"),
    )
    # shares of the gross change (Σ of each subsidiary's |change|): where changes offset, shares
    # of the net change run past ±100 % (690 %, −2 541 %) and say nothing
    gross = sum((abs(present(k[3].value)) for k in kids if k[3].value is not None), Decimal(0))
    rows: list[list[Cell]] = []
    for c, v, pr, ch, g in sorted(kids, key=lambda k: (k[3].value is None, -(nv.dec(k[3].value) or Decimal(0)), k[0])):
        sec = _section_of(industries.get(c, ""))
        label = sections.get(sec)
        ind_text: Cell = Text(label[0], label[1]) if label else (industries.get(c) or None)
        share: Cell = None
        if gross != 0 and ch.value is not None:
            share = Fig(
                float(present(ch.value) / gross * 100),
                "pct",
                "derived",
                c,
                str(p),
                code,
                "change / Σ|subsidiaries' changes| × 100",
            )
        rows.append([ctx.names[c], ind_text, v, pr, ch, g, share])
    return table(
        "drivers",
        Text(f"下属企业{ind.name_zh}增减", f"{ind.name_en} by subsidiary"),
        cols,
        rows,
        Text(
            "下属企业为直接下级企业的合并（报表）数；其合计与集团合并数之差为本部及合并抵销。",
            "Subsidiaries' own (consolidated) figures; their sum differs from the group's by the headquarters and eliminations.",
        ),
        Text(
            "占增减总额 = 该企业增减额 ÷ 各下属企业增减额绝对值之和（增减相抵时，按净变动计算的占比会超出 ±100%）。",
            "Share of gross change = the subsidiary's change ÷ the sum of every subsidiary's absolute change "
            "(where changes offset, shares of the net change exceed ±100 %).",
        ),
    )


def _by_industry(ctx: Ctx, code: str, ind: Indicator, kids: list[Kid]) -> Table:
    """By industry (GB/T 4754 section), Σ of the subsidiaries' amounts, missing if any member lacks it."""
    sections: Mapping[str, Sequence[str]] = ctx.layout.get("industry_sections") or {}
    industries = node_attr(ctx.nodes, "industry")
    by_sec: dict[str, list[tuple[str, Fig, Fig]]] = {}
    for c, v, pr, _ch, _g in kids:
        by_sec.setdefault(_section_of(industries.get(c, "")), []).append((c, v, pr))
    irows: list[list[Cell]] = []
    for sec, members in sorted(by_sec.items()):
        label = sections.get(sec)
        name: Text = Text(label[0], label[1]) if label else Text(sec or "（未填）", sec or "(blank)")
        nf, pf, cf = _industry_figs(ctx, code, ind.unit, members)
        irows.append([name, Text(f"{len(members)}户", str(len(members))), nf, pf, cf])
    irows.sort(key=_change_key)
    return table(
        "industries",
        Text(f"分行业{ind.name_zh}增减", f"{ind.name_en} by industry"),
        (
            Col("industry", "行业门类", "industry section"),
            Col("count", "企业数", "subsidiaries"),
            Col("value", "本期", "this period", "amount"),
            Col("prior", "上年同期", "a year earlier", "amount"),
            Col("change", "增减额", "change", "amount"),
        ),
        irows,
        Text(
            f"行业按{ctx.layout.get('industry_sections_source', 'GB/T 4754-2017')}归类。",
            "Industries are GB/T 4754-2017 sections.",
        ),
    )


def _industry_figs(ctx: Ctx, code: str, unit: str, members: list[tuple[str, Fig, Fig]]) -> tuple[Fig, Fig, Fig]:
    """An industry section's value, prior-year value and change: Σ of its members, missing if any lacks it."""
    p = ctx.period
    now = _sum([nv.dec(m[1].value) for m in members])
    then = _sum([nv.dec(m[2].value) for m in members])
    lack_now = [ctx.names[m[0]] for m in members if m[1].value is None]
    lack_then = [ctx.names[m[0]] for m in members if m[2].value is None]
    how = "Σ " + ", ".join(m[0] for m in members)
    nf = Fig(
        now,
        unit,
        "derived",
        ",".join(m[0] for m in members),
        str(p),
        code,
        how,
        prior=then,
        note_zh="" if now is not None else "缺少" + "、".join(lack_now) + "的本期数",
        note_en="" if now is not None else "no figure for " + ", ".join(lack_now),
    )
    pf = Fig(
        then,
        unit,
        "derived",
        ",".join(m[0] for m in members),
        str(p.prior_year),
        code,
        how,
        note_zh="" if then is not None else "缺少" + "、".join(lack_then) + "的上年同期数",
        note_en="" if then is not None else "no prior-year figure for " + ", ".join(lack_then),
    )
    chv = None if now is None or then is None else now - then
    cf = Fig(
        chv,
        unit,
        "derived",
        nf.entity,
        str(p),
        code,
        "this − prior",
        note_zh="" if chv is not None else "本期或上年同期缺数",
        note_en="" if chv is not None else "this or last year missing",
    )
    return nf, pf, cf
