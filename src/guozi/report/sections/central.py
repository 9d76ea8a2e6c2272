"""与中央企业总体水平比较: the group's ratios beside the published aggregates of all central
enterprises (``reference/sasac_central_aggregates.csv``), of the same period and on one basis.

A group's monthly figures are 快报 figures (reported before the audit), so they are compared with
the 快报 aggregates only, never with 决算 ones (the two differ: 2023 营业现金比率 10.1 % against
11.2 %). Amounts (万亿元 for all central enterprises) are not compared with one group's; ratios
and per-person figures are."""

from __future__ import annotations

from typing import Any

from guozi.catalog.model import Catalog
from guozi.catalog.reference import Aggregate, load_central_aggregates
from guozi.kernel.periods import Period
from guozi.report import narrative as nv
from guozi.report.context import Ctx, table
from guozi.report.model import Cell, Col, Fig, Paragraph, Section, Text

BASIS = "快报"  # the basis of a group's monthly figures

COLUMNS = (
    Col("indicator", "指标", "indicator"),
    Col("value", "本企业", "this group", "value"),
    Col("central", "中央企业总体", "all central enterprises", "value"),
    Col("gap", "差距", "difference", "value"),
    Col("source", "资料来源", "source"),
)


def published(catalog: Catalog, p: Period) -> list[Aggregate]:
    """The ratios published for all central enterprises for ``p`` on the group's basis."""
    return [
        a
        for a in load_central_aggregates().rows
        if a.period == p and a.basis == BASIS and a.indicator in catalog.indicators and a.unit in ("%", "万元/人")
    ]


def source_zh(source: str, layout: dict[str, Any]) -> str:
    """An aggregate's source as a Chinese report names it (the layout's ``central_sources_zh``, else
    its publisher by ``central_publishers_zh``: 「新华社 2021-01-19」); otherwise as written."""
    whole = layout.get("central_sources_zh") or {}
    if source in whole:
        return str(whole[source])
    for name, zh in (layout.get("central_publishers_zh") or {}).items():
        if source.startswith(f"{name} "):
            return f"{zh}{source[len(name) :]}"
    return source


def central(ctx: Ctx) -> Section | None:
    """The comparison for the report's period, or None when no ratio was published for it."""
    src, p, e = ctx.source, ctx.period, ctx.entity
    picked = published(src.catalog, p)
    if not picked:
        return None
    cells = ctx.own.ytd
    rows: list[list[Cell]] = []
    for a in picked:
        ind = src.catalog.indicator(a.indicator)
        mine = cells.fig(e, p, a.indicator, ind.unit)
        value = nv.dec(mine.value)
        theirs = Fig(float(a.value), ind.unit, "central_aggregates", "central", str(p), a.indicator)
        gap_unit = "pp" if ind.unit == "%" else ind.unit
        gap = Fig(
            None if value is None else float(value) - float(a.value),
            gap_unit,
            "derived",
            e,
            str(p),
            a.indicator,
            "this − all central enterprises",
        )
        rows.append(
            [Text(ind.name_zh, ind.name_en), mine, theirs, gap, Text(source_zh(a.source, ctx.layout), a.source)]
        )
    note = Text(
        f"中央企业总体数为国务院国资委公布的{BASIS}数（{nv.span(p, 'zh')}），与本企业月度快报同一口径比较；"
        "决算数口径不同，不作比较。",
        f"All central enterprises' figures as published by SASAC on the {BASIS} (flash) basis "
        f"({nv.span(p, 'en')}), compared on the same basis as the group's monthly figures; final-accounts "
        "figures are on another basis and not compared.",
    )
    t = table("central", Text("与中央企业总体水平比较", "Against all central enterprises"), COLUMNS, rows, note)
    intro = Paragraph(
        Text(
            f"与国务院国资委公布的{nv.span(p, 'zh')}中央企业总体数据（{BASIS}口径）相比，本企业主要比率指标如下表。",
            f"Against SASAC's published figures of all central enterprises for {nv.span(p, 'en')} "
            f"({BASIS} basis), the group's ratios are as below.",
        ),
    )
    return Section("central", 0, Text("与中央企业总体水平比较", "Against all central enterprises"), (intro, t))
