"""重点指标: 两金 (receivables and inventory), 带息负债 (interest-bearing debt) and 现金流 (operating
cash flow), each against a year earlier (同比) and the month before (环比).

环比 of a balance compares the period end with the prior month end; of a flow or a flow ratio it
compares the single month with the single month before (a year-to-date figure grows every month,
so its 环比 would say nothing). Groups and balances come from the layout (``focus_groups``,
``focus_balances``)."""

from __future__ import annotations

from typing import Any

from guozi.catalog.model import Catalog
from guozi.kernel.text import pick
from guozi.report import narrative as nv
from guozi.report.context import Ctx, table
from guozi.report.model import Block, Cell, Col, Fig, Paragraph, Section, Text

COLUMNS = (
    Col("indicator", "指标", "indicator"),
    Col("value", "本期", "this period", "value"),
    Col("prior", "上年同期", "a year earlier", "value"),
    Col("change", "同比增减", "change on a year earlier", "value"),
    Col("last", "上月", "month before", "value"),
    Col("mom", "环比增减", "change on the month before", "value"),
)


def mom_change(now: Fig, before: Fig) -> Fig:
    """The change on the month before (this − prior month), in percentage points for a ratio;
    missing when either is missing."""
    unit = "pp" if now.unit == "%" else now.unit
    a, b = nv.dec(now.value), nv.dec(before.value)
    if a is None or b is None:
        return Fig(None, unit, "derived", now.entity, now.period, now.indicator, "this − prior month", now.basis)
    value = a - b if now.unit in ("元", "人") else float(a - b)
    return Fig(value, unit, "derived", now.entity, now.period, now.indicator, "this − prior month", now.basis)


def focus_groups(lay: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The layout's groups of focus indicators: (中文, English, codes)."""
    return [(str(zh), str(en), [str(c) for c in codes]) for zh, en, codes in lay.get("focus_groups") or []]


def focus_codes(lay: dict[str, Any], catalog: Catalog) -> tuple[list[str], list[str]]:
    """The focus indicators the catalogue knows: all (year to date), and the flows (single month)."""
    codes = [c for _, _, cs in focus_groups(lay) for c in cs if c in catalog.indicators]
    balances = set(lay.get("focus_balances") or [])
    return codes, [c for c in codes if c not in balances]


def focus(ctx: Ctx) -> Section:
    """重点指标: a table of the groups' indicators (同比, 环比) and a sentence per group."""
    src, p, e, lay = ctx.source, ctx.period, ctx.entity, ctx.layout
    groups = focus_groups(lay)
    codes, _ = focus_codes(lay, src.catalog)
    if not codes:
        return Section("focus", 0, Text("重点指标情况", "Focus indicators"), ())
    balances = set(lay.get("focus_balances") or [])
    last = p.shift(-1)
    ytd, month = ctx.own.ytd, ctx.own.month
    blocks: list[Block] = []
    rows: list[list[Cell]] = []
    for zh, en, group in groups:
        parts_zh: list[str] = []
        parts_en: list[str] = []
        figs: list[Fig] = []
        for code in group:
            if code not in src.catalog.indicators:
                continue
            ind = src.catalog.indicator(code)
            unit, chg_unit = ind.unit, "pp" if ind.unit == "%" else ind.unit
            value = ytd.fig(e, p, code, unit)
            cells = ytd if code in balances else month
            now, before = cells.fig(e, p, code, unit), cells.fig(e, last, code, unit)
            mom = mom_change(now, before)
            rows.append(
                [
                    Text(f"{zh}：{ind.name_zh}", f"{en}: {ind.name_en}"),
                    value,
                    ytd.fig(e, p, code, unit, "prior_value"),
                    ytd.fig(e, p, code, chg_unit, "change"),
                    before,
                    mom,
                ]
            )
            figs += [value, mom]
            mz = "" if mom.value is None else f"，{'环比' if code in balances else '单月环比'}{_signed(mom, 'zh')}"
            me = "" if mom.value is None else f", {_signed(mom, 'en')} on the month before"
            parts_zh.append(f"{ind.name_zh}{nv.value_with_change(value, 'zh')}{mz}")
            parts_en.append(f"{nv.lc(ind.name_en)} {nv.value_with_change(value, 'en')}{me}")
        if parts_zh:
            blocks.append(
                Paragraph(
                    Text(f"{zh}：" + "；".join(parts_zh) + "。", f"{en}: " + "; ".join(parts_en) + "."), tuple(figs)
                )
            )
    blocks.append(
        table(
            "focus",
            Text("重点指标同比、环比情况", "Focus indicators on a year earlier and the month before"),
            COLUMNS,
            rows,
            Text(
                "余额及其比率为期末数，环比较上月末；现金流等流量指标本期为本年累计，环比为当月较上月单月；比率的增减为百分点。",
                "Balances and their ratios at the period end, compared with the prior month end; flows year to date, "
                "their month-on-month change single month on single month; changes of ratios in percentage points.",
            ),
        )
    )
    return Section("focus", 0, Text("重点指标情况", "Focus indicators"), tuple(blocks))


def _signed(fig: Fig, lang: str) -> str:
    """「增加1.23亿元」/「下降0.35个百分点」 for a change; 「持平」 when it rounds to nothing as shown
    (a change of -0.001 read 「减少0.00」)."""
    d = nv.dec(fig.value)
    assert d is not None
    if fig.unit == "pp":
        shown, zh_words, unit_zh, unit_en = nv.number(abs(d), 2, lang), ("上升", "下降"), "个百分点", " pp"
    elif fig.unit == "元":
        shown, zh_words, unit_zh, unit_en = nv.amount(abs(d), lang), ("增加", "减少"), "", ""
    else:
        shown, zh_words, unit_zh, unit_en = nv.number(abs(d), 2, lang), ("增加", "减少"), "", ""
    if not any(c in "123456789" for c in shown):
        return pick(lang, "持平", "unchanged")
    up = d >= 0
    return pick(lang, f"{zh_words[0 if up else 1]}{shown}{unit_zh}", f"{'up' if up else 'down'} {shown}{unit_en}")
