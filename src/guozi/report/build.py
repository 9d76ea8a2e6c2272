"""The monthly analysis report's content, computed once from a :class:`~guozi.analyses.source.Source`
(the workspace is one) as plain data (:mod:`guozi.report.model`).

The report is of one entity (default: the top of the tree) for one period; its sections are
made in :mod:`guozi.report.sections`, one module each, from a :class:`~guozi.report.context.Ctx`
that holds what they share. Sentences are made in both languages by :mod:`guozi.report.narrative`;
charts are data here and drawn by :mod:`guozi.report.charts`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from guozi.analyses.source import Source
from guozi.engine.panel import Panel
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.report import narrative as nv
from guozi.report.context import Cells, Ctx, Own, load_layout
from guozi.report.model import Report, Section, Text
from guozi.report.sections.annex import to_annex
from guozi.report.sections.appendix import appendix
from guozi.report.sections.benchmark import benchmarking
from guozi.report.sections.central import central, published
from guozi.report.sections.closing import closing
from guozi.report.sections.consolidation import consolidation
from guozi.report.sections.costs import CODES as COST_CODES
from guozi.report.sections.costs import costs
from guozi.report.sections.drivers import drivers
from guozi.report.sections.eva import eva
from guozi.report.sections.focus import focus, focus_codes
from guozi.report.sections.overview import overview
from guozi.report.sections.reconcile import with_reconcile
from guozi.report.sections.regime import regime
from guozi.report.sections.risks import risks
from guozi.report.sections.trends import trend_periods, trends


def _names(nodes: pd.DataFrame) -> dict[str, str]:
    if "name" not in nodes.columns:
        return {str(e): str(e) for e in nodes.entity_id}
    return {str(e): str(n) for e, n in zip(nodes.entity_id, nodes.name, strict=True)}


def default_entity(source: Source, period: Period) -> str:
    """The top of the tree in ``period`` (the root with most entities below it)."""
    nodes = source.tree().at(period)
    if nodes.empty:
        nodes = source.tree().nodes
    roots = sorted({str(e) for e, p in zip(nodes.entity_id, nodes.parent_id, strict=True) if p is None or p == ""})
    if not roots:
        raise NotFoundError("没有找到企业树的顶层企业", "no top of the tree found")
    return max(roots, key=lambda r: (len(source.tree().subtree(r, period)), r))


def _tree_order(nodes: pd.DataFrame, root: str) -> list[str]:
    kids: dict[str, list[str]] = {}
    for e, p in zip(nodes.entity_id, nodes.parent_id, strict=True):
        if p is not None and p != "":
            kids.setdefault(str(p), []).append(str(e))
    out: list[str] = []
    stack = [root]
    while stack:
        e = stack.pop()
        out.append(e)
        stack.extend(sorted(kids.get(e, []), reverse=True))
    return out


def build_report(source: Source, period: Period, *, entity: str | None = None, benchmark: bool = False) -> Report:
    """The content of the monthly analysis report of ``entity`` (default: the top of the tree) for
    ``period``: 总体情况, the regime's indicators, what drove the change of total profit, trends,
    risks, EVA, an appendix with every entity of the subtree and, with ``benchmark``, 对标 (peers
    in the same tree level and industry, standard-value bands, world-class peers)."""
    ctx = _context(source, period, entity)
    trend_section, trend_panels = trends(ctx)
    sections = [overview(ctx), regime(ctx), drivers(ctx), focus(ctx), costs(ctx), trend_section, risks(ctx), eva(ctx)]
    sections = [s for s in sections if s.blocks or s.key not in ("focus", "costs")]
    checked = consolidation(ctx)  # 合并口径核对: filed against computed 合并, where intercompany data exists
    if checked is not None:
        sections.insert(1, checked)
    if benchmark:
        sections.append(benchmarking(ctx))
    compared = central(ctx)  # against all central enterprises, same basis, where published
    if compared is not None:
        sections.append(compared)
    sections += closing(ctx, sections)  # 存在的主要问题, 原因分析, 下一步工作措施: drafts from the above
    # the appendix, with 内部往来对账 where there is any and the body's long tables in full
    sections, annex = to_annex(sections, with_reconcile(appendix(ctx), ctx), ctx.layout)
    sections.append(annex)
    sections = [Section(s.key, i, s.title, s.blocks) for i, s in enumerate(sections, start=1)]
    rules = source.catalog.regime_for(period.year)
    title = Text(
        f"{ctx.name}{period.year}年{period.month}月经济运行分析报告",
        f"{ctx.name}: analysis of operations, {nv.MONTHS_EN[period.month - 1]} {period.year}",
    )
    subtitle = Text(
        f"数据期间：{nv.span(period, 'zh')}（本年累计）；考核体系：{rules.name_zh}；金额单位按量级取亿元或万元",
        f"Period: {nv.span(period, 'en')} (year to date); assessment regime: {rules.name_en}; "
        "amounts in billion or million yuan by size",
    )
    panels = (
        ("panel", Text("全部企业指标（长表）", "all entities' indicators (long)"), ctx.subs_panel.frame),
        *trend_panels,
    )
    return Report(
        entity=ctx.entity,
        name=ctx.name,
        period=period,
        regime=rules.code,
        title=title,
        subtitle=subtitle,
        sections=tuple(sections),
        panels=panels,
        indicator_names={c: Text(i.name_zh, i.name_en) for c, i in source.catalog.indicators.items()},
    )


def _own(source: Source, period: Period, entity: str, layout: dict[str, Any], main_codes: list[str]) -> Own:
    """The entity's own figures every section reads, in two panel requests: the trend's months (which
    end at the period and hold the month before), year to date the headline, regime, trend, focus,
    成本费用 and central-enterprise indicators, single month the month's, trend's and focus flows."""
    periods = trend_periods(period, layout)
    if period.shift(-1) not in periods:
        periods = [period.shift(-1), *periods]
    focus_all, focus_flows = focus_codes(layout, source.catalog)
    flows = [str(c) for c in layout["trend_flows"]]
    ytd = [
        *main_codes,
        *flows,
        *(str(c) for c in layout["trend_levels"]),
        *focus_all,
        *(c for c in COST_CODES if c in source.catalog.indicators),
        *(a.indicator for a in published(source.catalog, period)),
    ]
    month = [*(str(c) for c in layout["month_flows"]), *flows, *focus_flows]
    return Own.read(source, entity, periods, list(dict.fromkeys(ytd)), list(dict.fromkeys(month)))


def _context(source: Source, period: Period, entity: str | None) -> Ctx:
    """What the sections share: the subtree in tree order, the layout, the regime's indicators and
    the panels of the entity (``main``) and of every entity of its subtree (``subs``)."""
    tree = source.tree()
    if entity is None:
        entity = default_entity(source, period)
    elif entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    at = tree.at(period)
    sub_ids = tree.subtree(entity, period)
    if not sub_ids:
        raise NotFoundError(f"企业 {entity} 在 {period} 不存在", f"entity {entity} does not exist in {period}")
    nodes = at[at.entity_id.isin(sub_ids)].drop_duplicates("entity_id")
    order = _tree_order(nodes, entity)
    nodes = nodes.set_index("entity_id").loc[order].reset_index()
    names = _names(nodes)
    name = names.get(entity, entity)
    children = [str(e) for e, p in zip(nodes.entity_id, nodes.parent_id, strict=True) if p == entity]
    level = int(nodes.level.iloc[0])
    is_group = bool(children) and level == 1
    subject = Text("集团", "the group") if is_group else Text(name, name)
    layout = load_layout(source)
    rules = source.catalog.regime_for(period.year)
    regime_codes = list(rules.indicators)
    for c in rules.clauses:
        if c.indicator not in regime_codes:
            regime_codes.append(c.indicator)
    computable = [c for c in regime_codes if source.catalog.indicator(c).tree is not None]
    main_codes = list(
        dict.fromkeys(
            [*layout["headline_flows"], *layout["headline_balances"], layout["driver_indicator"], *computable]
        )
    )
    own = _own(source, period, entity, layout, main_codes)
    app_codes = list(dict.fromkeys([*layout["appendix_indicators"], *computable, layout["driver_indicator"]]))
    subs_panel = source.indicators(period, indicators=app_codes)
    subs_panel = Panel(
        frame=subs_panel.frame[subs_panel.frame.entity_id.isin(sub_ids)].reset_index(drop=True),
        periods=subs_panel.periods,
        indicators=subs_panel.indicators,
        scope=subs_panel.scope,
        basis=subs_panel.basis,
    )
    return Ctx(
        source=source,
        period=period,
        entity=entity,
        name=name,
        subject=subject,
        layout=layout,
        nodes=nodes,
        children=children,
        names=names,
        level=level,
        regime_codes=regime_codes,
        main=own.ytd,
        own=own,
        subs=Cells(subs_panel, "ytd"),
        subs_panel=subs_panel,
    )
