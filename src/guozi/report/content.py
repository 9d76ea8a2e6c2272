"""The monthly analysis report's content, computed once from the workspace as plain data.

Every number of the report is a :class:`Fig` that names where it comes from (the panel's
entity, period, indicator, basis and field; or the targets, verdict, losses, warnings, EVA or
debt-line module), so a test can compare it with its source and every renderer (HTML, PDF,
Word, Excel) shows the same structure. Sentences are made here, in both languages, by
:mod:`guozi.report.narrative`; charts are data here and drawn by :mod:`guozi.report.charts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from guozi.engine.panel import Panel
from guozi.kernel.errors import CatalogError, GuoziError, NotFoundError
from guozi.kernel.periods import Period
from guozi.report import narrative as nv
from guozi.workspace import Workspace

LAYOUT_FILE = Path(__file__).parent / "data" / "report.yaml"
Number = Decimal | float | int


# the model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Fig:
    """One number of the report and where it comes from.

    ``unit``: 元, %, 万元/人, 人, 倍 (an indicator's unit), ``pp`` (a change of a ratio in
    percentage points), ``growth`` (percent), ``pct`` (a rate such as completion, percent) or
    ``count``. ``source``: ``panel`` (then ``entity``, ``period``, ``indicator``, ``basis`` and
    ``measure`` — value, prior_value, change or growth — locate it in :meth:`Workspace.indicators`),
    ``targets``, ``verdict``, ``losses``, ``warnings``, ``eva``, ``debt_lines`` or ``derived``
    (computed here from other figures; ``measure`` names how). ``prior`` is the prior-year value
    of a panel value (for change phrases). A value of None is missing; ``note_zh``/``note_en``
    say what is missing (empty when the figure does not apply).
    """

    value: Number | None
    unit: str
    source: str
    entity: str = ""
    period: str = ""
    indicator: str = ""
    measure: str = "value"
    basis: str = "ytd"
    prior: Number | None = None
    note_zh: str = ""
    note_en: str = ""

    @property
    def missing(self) -> bool:
        """No value, for a reason the note gives."""
        return self.value is None and bool(self.note_zh or self.note_en)


Cell = Fig | Text | str | int | None


@dataclass(frozen=True)
class Col:
    """A table column. ``kind``: text, amount (scaled per column), value (each cell by its
    unit), ratio, number (two decimals), pp, growth, pct, count."""

    key: str
    zh: str
    en: str
    kind: str = "text"
    unit: str = ""  # shown in the heading, e.g. "%", "万元/人"

    def heading(self, lang: str) -> str:
        """The heading in ``lang``."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Table:
    """A table: columns, rows of cells, and notes under it (what is missing, where from)."""

    key: str
    title: Text
    columns: tuple[Col, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[Text, ...] = ()

    def column(self, key: str) -> int:
        """The position of the column ``key``."""
        return [c.key for c in self.columns].index(key)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph in both languages and the figures it quotes."""

    text: Text
    figs: tuple[Fig, ...] = ()
    kind: str = "text"  # text | note


@dataclass(frozen=True)
class Chart:
    """A chart as data (see :mod:`guozi.report.charts` for each ``kind``'s ``data``)."""

    key: str
    title: Text
    kind: str  # waterfall | trend | levels
    data: Mapping[str, Any]


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    """A numbered section of the report."""

    key: str
    number: int
    title: Text
    blocks: tuple[Block, ...]

    def tables(self) -> list[Table]:
        """The section's tables."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def paragraphs(self) -> list[Paragraph]:
        """The section's paragraphs."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def charts(self) -> list[Chart]:
        """The section's charts."""
        return [b for b in self.blocks if isinstance(b, Chart)]


@dataclass(frozen=True)
class Report:
    """The whole report: its heading, its sections and, for the workbook, the panels in full."""

    entity: str
    name: str
    period: Period
    regime: str
    title: Text
    subtitle: Text
    sections: tuple[Section, ...]
    panels: tuple[tuple[str, Text, pd.DataFrame], ...] = field(default_factory=tuple)
    indicator_names: Mapping[str, Text] = field(default_factory=dict)

    def section(self, key: str) -> Section:
        """The section ``key``."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def figs(self) -> list[Fig]:
        """Every figure the report shows, in paragraphs and tables."""
        out: list[Fig] = []
        for s in self.sections:
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    out.extend(b.figs)
                elif isinstance(b, Table):
                    out.extend(c for row in b.rows for c in row if isinstance(c, Fig))
        return out


# layout ------------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"无法读取文件 {path}：{exc}", f"cannot read {path}: {exc}") from exc
    return doc if isinstance(doc, dict) else {}


def load_layout(ws: Workspace) -> dict[str, Any]:
    """The report layout of ``data/report.yaml``, key by key overridden by the ``report:`` section
    of the workspace's own catalogue files."""
    from guozi.analyses.targets import user_catalog_files

    out = dict(_read_yaml(LAYOUT_FILE).get("report") or {})
    for path in user_catalog_files(ws):
        over = _read_yaml(path).get("report")
        if isinstance(over, Mapping):
            out.update(over)
    return out


# helpers -----------------------------------------------------------------------------------------


class _Cells:
    """The panel's rows by (entity, period, indicator), as figures."""

    def __init__(self, panel: Panel, basis: str) -> None:
        self.basis = basis
        self.rows: dict[tuple[str, str, str], Any] = {}
        for r in panel.frame.itertuples(index=False):
            self.rows[(str(r.entity_id), str(r.period), str(r.indicator))] = r

    def has(self, entity: str, period: Period | str, indicator: str) -> bool:
        return (entity, str(period), indicator) in self.rows

    def fig(self, entity: str, period: Period | str, indicator: str, unit: str, fld: str = "value") -> Fig:
        """The figure of one field of one panel row; missing with the panel's note when empty."""
        r = self.rows.get((entity, str(period), indicator))
        if r is None:
            return Fig(None, unit, "panel", entity, str(period), indicator, fld, self.basis, None, "无数据", "no data")
        value = getattr(r, fld)
        if isinstance(value, float) and math.isnan(value):
            value = None
        note_zh, note_en = str(r.note_zh), str(r.note_en)
        if value is None and not note_zh:
            if fld in ("prior_value", "change", "growth"):
                note_zh, note_en = "上年同期无数据", "no prior-year figure"
                if fld == "growth" and r.prior_value is not None and r.value is not None:
                    note_zh, note_en = "上年同期为零", "zero a year earlier"
            else:
                note_zh, note_en = "无数据", "no data"
        if value is not None:
            note_zh = note_en = ""
        if fld == "growth" and value is not None and _negative_base(r.value, r.prior_value):
            # a percentage of a loss (or from a loss) says nothing: the change is shown instead
            return Fig(None, unit, "derived", entity, str(period), indicator, "growth (not shown: a loss)", self.basis)
        prior = r.prior_value if fld == "value" else None
        if isinstance(prior, float) and math.isnan(prior):
            prior = None
        return Fig(value, unit, "panel", entity, str(period), indicator, fld, self.basis, prior, note_zh, note_en)


def _negative_base(value: Any, prior: Any) -> bool:
    """Whether an amount or its prior-year value is a loss (or zero), so that growth means nothing."""
    v, pv = nv.dec(value), nv.dec(prior)
    return v is not None and pv is not None and (pv <= 0 or v < 0)


def _names(nodes: pd.DataFrame) -> dict[str, str]:
    if "name" not in nodes.columns:
        return {str(e): str(e) for e in nodes.entity_id}
    return {str(e): str(n) for e, n in zip(nodes.entity_id, nodes.name, strict=True)}


def _attr(nodes: pd.DataFrame, column: str) -> dict[str, str]:
    if column not in nodes.columns:
        return {}
    out: dict[str, str] = {}
    for e, v in zip(nodes.entity_id, nodes[column], strict=True):
        out[str(e)] = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()
    return out


def default_entity(ws: Workspace, period: Period) -> str:
    """The top of the tree in ``period`` (the root with most entities below it)."""
    nodes = ws.tree().at(period)
    if nodes.empty:
        nodes = ws.tree().nodes
    roots = sorted({str(e) for e, p in zip(nodes.entity_id, nodes.parent_id, strict=True) if p is None or p == ""})
    if not roots:
        raise NotFoundError("没有找到企业树的顶层企业", "no top of the tree found")
    return max(roots, key=lambda r: (len(ws.tree().subtree(r, period)), r))


def _missing_notes(table_rows: Sequence[Sequence[Cell]], label_col: int, columns: Sequence[Col]) -> tuple[Text, ...]:
    """One note per distinct reason a cell of the table is missing, naming the rows and columns."""
    reasons: dict[tuple[str, str], list[str]] = {}
    reasons_en: dict[tuple[str, str], list[str]] = {}
    for row in table_rows:
        label = row[label_col]
        label_zh = label.zh if isinstance(label, Text) else str(label)
        label_en = label.en if isinstance(label, Text) else str(label)
        for j, cell in enumerate(row):
            if isinstance(cell, Fig) and cell.missing:
                key = (cell.note_zh, cell.note_en)
                reasons.setdefault(key, []).append(f"{label_zh}·{columns[j].zh}")
                reasons_en.setdefault(key, []).append(f"{label_en} / {columns[j].en}")
    notes = []
    for key, where in reasons.items():
        shown_zh = "、".join(where[:6]) + (f" 等 {len(where)} 处" if len(where) > 6 else "")
        shown_en = "; ".join(reasons_en[key][:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        notes.append(
            Text(
                f"缺数（{shown_zh}）：{key[0].removeprefix('缺少：')}",
                f"missing ({shown_en}): {key[1].removeprefix('missing: ')}",
            )
        )
    return tuple(notes)


def _table(key: str, title: Text, columns: Sequence[Col], rows: Sequence[Sequence[Cell]], *notes: Text) -> Table:
    return Table(key, title, tuple(columns), tuple(tuple(r) for r in rows), (*notes, *_missing_notes(rows, 0, columns)))


def _ind_name(ws: Workspace, code: str) -> Text:
    ind = ws.catalog.indicator(code)
    return Text(ind.name_zh, ind.name_en)


def _unit_col(ws: Workspace, code: str, key: str | None = None) -> Col:
    """A column for an indicator: amounts scaled per column, others with their unit."""
    ind = ws.catalog.indicator(code)
    if ind.unit == "元":
        return Col(key or code, ind.name_zh, ind.name_en, "amount")
    if ind.unit == "人":
        return Col(key or code, ind.name_zh, ind.name_en, "count", "人")
    return Col(key or code, ind.name_zh, ind.name_en, "number", ind.unit)


def _sum(values: Sequence[Decimal | None]) -> Decimal | None:
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def _dec(value: Any) -> Decimal | None:
    return nv.dec(value)


def _present(value: Any) -> Decimal:
    """A value known to be present, as a Decimal."""
    d = nv.dec(value)
    assert d is not None
    return d


def _change_key(row: Sequence[Cell]) -> Decimal:
    """Largest change first, missing last (a sort key on the fifth cell)."""
    cell = row[4]
    if isinstance(cell, Fig) and cell.value is not None:
        return -_present(cell.value)
    return Decimal("1e30")


# the build ---------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    ws: Workspace
    period: Period
    entity: str
    name: str
    subject: Text
    layout: dict[str, Any]
    nodes: pd.DataFrame  # the subtree's nodes in the period, in tree order
    children: list[str]
    names: dict[str, str]
    level: int
    regime_codes: list[str]
    main: _Cells
    subs: _Cells
    subs_panel: Panel
    warnings: Any = None  # the WarningReport, set by the risks section for the appendix


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


def build_report(ws: Workspace, period: Period, *, entity: str | None = None, benchmark: bool = False) -> Report:
    """The content of the monthly analysis report of ``entity`` (default: the top of the tree) for
    ``period``: 总体情况, the regime's indicators, what drove the change of total profit, trends,
    risks, EVA, an appendix with every entity of the subtree and, with ``benchmark``, 对标 (peers
    in the same tree level and industry, standard-value bands, world-class peers)."""
    tree = ws.tree()
    if entity is None:
        entity = default_entity(ws, period)
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
    layout = load_layout(ws)
    regime = ws.catalog.regime_for(period.year)
    regime_codes = list(regime.indicators)
    for c in regime.clauses:
        if c.indicator not in regime_codes:
            regime_codes.append(c.indicator)
    computable = [c for c in regime_codes if ws.catalog.indicator(c).tree is not None]
    main_codes = list(
        dict.fromkeys(
            [*layout["headline_flows"], *layout["headline_balances"], layout["driver_indicator"], *computable]
        )
    )
    main = _Cells(ws.indicators(period, indicators=main_codes, entity=entity), "ytd")
    app_codes = list(dict.fromkeys([*layout["appendix_indicators"], *computable, layout["driver_indicator"]]))
    subs_panel = ws.indicators(period, indicators=app_codes)
    subs_panel = Panel(
        frame=subs_panel.frame[subs_panel.frame.entity_id.isin(sub_ids)].reset_index(drop=True),
        periods=subs_panel.periods,
        indicators=subs_panel.indicators,
        scope=subs_panel.scope,
        basis=subs_panel.basis,
    )
    ctx = _Ctx(
        ws=ws,
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
        main=main,
        subs=_Cells(subs_panel, "ytd"),
        subs_panel=subs_panel,
    )
    trend_sections, trend_panels = _trends(ctx)
    sections = [
        _overview(ctx),
        _regime(ctx),
        _drivers(ctx),
        trend_sections,
        _risks(ctx),
        _eva(ctx),
        _appendix(ctx),
    ]
    if benchmark:
        sections.insert(6, _benchmark(ctx))
    sections = [Section(s.key, i, s.title, s.blocks) for i, s in enumerate(sections, start=1)]
    title = Text(
        f"{name}{period.year}年{period.month}月经济运行分析报告",
        f"{name}: analysis of operations, {nv.MONTHS_EN[period.month - 1]} {period.year}",
    )
    subtitle = Text(
        f"数据期间：{nv.span(period, 'zh')}（本年累计）；考核体系：{regime.name_zh}；金额单位按量级取亿元或万元",
        f"Period: {nv.span(period, 'en')} (year to date); assessment regime: {regime.name_en}; "
        "amounts in billion or million yuan by size",
    )
    panels = (
        ("panel", Text("全部企业指标（长表）", "all entities' indicators (long)"), subs_panel.frame),
        *trend_panels,
    )
    return Report(
        entity=entity,
        name=name,
        period=period,
        regime=regime.code,
        title=title,
        subtitle=subtitle,
        sections=tuple(sections),
        panels=panels,
        indicator_names={c: Text(i.name_zh, i.name_en) for c, i in ws.catalog.indicators.items()},
    )


# 1 总体情况 ---------------------------------------------------------------------------------------


def _overview(ctx: _Ctx) -> Section:
    ws, p, e, lay = ctx.ws, ctx.period, ctx.entity, ctx.layout
    blocks: list[Block] = []
    flows = [ctx.main.fig(e, p, c, ws.catalog.indicator(c).unit) for c in lay["headline_flows"]]
    names = [(_ind_name(ws, c).zh, _ind_name(ws, c).en) for c in lay["headline_flows"]]
    blocks.append(
        Paragraph(
            Text(
                nv.headline((ctx.subject.zh, ctx.subject.en), p, flows, names, "zh"),
                nv.headline((ctx.subject.zh, ctx.subject.en), p, flows, names, "en"),
            ),
            tuple(flows),
        )
    )
    bal = [ctx.main.fig(e, p, c, ws.catalog.indicator(c).unit) for c in lay["headline_balances"]]
    bnames = [(_ind_name(ws, c).zh, _ind_name(ws, c).en) for c in lay["headline_balances"]]
    if bal:
        blocks.append(Paragraph(Text(nv.balances(p, bal, bnames, "zh"), nv.balances(p, bal, bnames, "en")), tuple(bal)))
    month_cells: _Cells | None = None
    if p.month > 1 and lay["month_flows"]:
        month_cells = _Cells(ctx.ws.indicators(p, indicators=lay["month_flows"], entity=e, basis="month"), "month")
        month_figs = [month_cells.fig(e, p, c, ws.catalog.indicator(c).unit) for c in lay["month_flows"]]
        mnames = [(_ind_name(ws, c).zh, _ind_name(ws, c).en) for c in lay["month_flows"]]
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
        rows.append(_change_row(ctx.main, ws, e, p, code, Text("", "")))
    if month_cells is not None:
        for code in lay["month_flows"]:
            suffix = Text(f"（{p.month}月当月）", f" ({nv.month_only(p, 'en')})")
            rows.append(_change_row(month_cells, ws, e, p, code, suffix))
    blocks.append(
        _table(
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


def _change_row(cells: _Cells, ws: Workspace, e: str, p: Period, code: str, suffix: Text) -> list[Cell]:
    ind = ws.catalog.indicator(code)
    unit = ind.unit
    value = cells.fig(e, p, code, unit)
    prior = cells.fig(e, p, code, unit, "prior_value")
    change = cells.fig(e, p, code, "pp" if unit == "%" else unit, "change")
    growth: Cell = None if unit == "%" else cells.fig(e, p, code, "growth", "growth")
    name = Text(ind.name_zh + suffix.zh, ind.name_en + suffix.en)
    return [name, value, prior, change, growth]


# 2 考核指标 ---------------------------------------------------------------------------------------


def _regime(ctx: _Ctx) -> Section:
    from guozi.analyses.targets import STATUS_LABELS, TEST_LABELS, evaluate_targets, regime_verdict, verdict_label

    ws, p, e = ctx.ws, ctx.period, ctx.entity
    regime = ws.catalog.regime_for(p.year)
    blocks: list[Block] = []
    targets = evaluate_targets(ws, p, entity=e)
    trows = {str(r["indicator"]): r for r in targets.frame.to_dict("records") if r["entity_id"] == e}
    verdicts = [v for v in regime_verdict(ws, p, entity=e) if v.entity_id == e]
    verdict = verdicts[0] if verdicts else None
    clauses = {c.indicator: c for c in (verdict.clauses if verdict else ())}
    cols = (
        Col("indicator", "指标", "indicator"),
        Col("value", "本期", "this period", "value"),
        Col("prior", "上年同期", "a year earlier", "value"),
        Col("change", "增减", "change", "value"),
        Col("target", "目标", "target", "value"),
        Col("completion", "完成率", "completion", "pct"),
        Col("pace", "序时进度", "time pace", "pct"),
        Col("status", "进度", "progress"),
        Col("test", "考核要求", "requirement"),
        Col("passed", "判定", "verdict"),
    )
    rows: list[list[Cell]] = []
    for code in ctx.regime_codes:
        ind = ws.catalog.indicator(code)
        if ind.tree is None:
            na = Fig(
                None,
                ind.unit,
                "panel",
                e,
                str(p),
                code,
                note_zh=f"由 {ind.computed_by} 模块计算",
                note_en=f"computed by {ind.computed_by}",
            )
            rows.append([_ind_name(ws, code), na, None, None, None, None, None, None, None, None])
            continue
        value = ctx.main.fig(e, p, code, ind.unit)
        prior = ctx.main.fig(e, p, code, ind.unit, "prior_value")
        change = ctx.main.fig(e, p, code, "pp" if ind.unit == "%" else ind.unit, "change")
        tr = trows.get(code)
        target: Cell = None
        completion: Cell = None
        pace: Cell = None
        status: Cell = None
        if tr is not None:
            target = Fig(tr["target"], ind.unit, "targets", e, str(p), code, "target")
            completion = Fig(tr["completion"], "pct", "targets", e, str(p), code, "completion")
            pace = Fig(tr["pace"], "pct", "targets", e, str(p), code, "pace")
            zh, en = STATUS_LABELS.get(str(tr["status"]), (str(tr["status"]), str(tr["status"])))
            status = Text(zh, en)
        clause = clauses.get(code)
        test: Cell = None
        passed: Cell = None
        if clause is not None:
            tz, te = TEST_LABELS.get(clause.test, (clause.test, clause.test))
            test = Text(tz, te)
            passed = Text(verdict_label(clause.passed, "zh"), verdict_label(clause.passed, "en"))
        rows.append([_ind_name(ws, code), value, prior, change, target, completion, pace, status, test, passed])
    # the paragraph
    phrase = Text(verdict.phrase_zh, verdict.phrase_en) if verdict and verdict.phrase_zh else None
    intro_zh = f"{p.year}年考核执行「{regime.name_zh}」指标体系"
    intro_en = f"The year {p.year} is assessed on the regime “{regime.name_en}”"
    figs: list[Fig] = []
    if verdict is not None and verdict.clauses and phrase is not None:
        ok = [c for c in verdict.clauses if c.passed is True]
        bad = [c for c in verdict.clauses if c.passed is False]
        unk = [c for c in verdict.clauses if c.passed is None]

        overall = verdict_label(verdict.passed, "zh"), verdict_label(verdict.passed, "en")
        tally_zh = [f"{n}项{w}" for n, w in ((len(ok), "达到"), (len(bad), "未达到"), (len(unk), "无法判断")) if n]
        tally_en = [
            f"{n} {w}" for n, w in ((len(ok), "met"), (len(bad), "missed"), (len(unk), "cannot be judged")) if n
        ]
        n_all = len(verdict.clauses)
        whole = next((w for k, w in ((ok, "均已达到"), (bad, "均未达到"), (unk, "均无法判断")) if len(k) == n_all), "")
        zh = f"{intro_zh}，目标要求为「{phrase.zh}」。{nv.span(p, 'zh')}，{n_all}项要求" + (
            whole or "中" + "、".join(tally_zh)
        )
        en = (
            f"{intro_en}, with the target “{phrase.en}”. In {nv.span(p, 'en')}, of {len(verdict.clauses)} "
            "requirements " + nv.join(tally_en, "en")
        )
        if bad:
            parts_zh, parts_en = [], []
            for c in bad:
                f = ctx.main.fig(e, p, c.indicator, ws.catalog.indicator(c.indicator).unit)
                figs.append(f)
                parts_zh.append(f"{ws.catalog.indicator(c.indicator).name_zh}{nv.value_with_change(f, 'zh')}")
                parts_en.append(f"{nv.lc(ws.catalog.indicator(c.indicator).name_en)} {nv.value_with_change(f, 'en')}")
            zh += "，未达到的是：" + "；".join(parts_zh)
            en += "; missed: " + "; ".join(parts_en)
        if unk:
            zh += "；无法判断的是" + "；".join(_unknown_clause(ctx, c, "zh") for c in unk)
            en += "; cannot be judged: " + "; ".join(_unknown_clause(ctx, c, "en") for c in unk)
        zh += f"。总体判定：{overall[0]}。"
        en += f". Overall: {overall[1]}."
        blocks.append(Paragraph(Text(zh, en), tuple(figs)))
    else:
        blocks.append(
            Paragraph(
                Text(
                    f"{intro_zh}；该年考核体系没有可逐项判定的目标规则。",
                    f"{intro_en}; the year's regime has no target rule to judge clause by clause.",
                )
            )
        )
    notes = [
        Text(
            "完成率 = 本期累计 ÷ 全年目标；序时进度 = 月份 ÷ 12；资产负债率等越低越好的指标不计完成率。",
            "Completion = year to date ÷ annual target; time pace = month ÷ 12; lower-is-better indicators "
            "such as the debt ratio have no completion rate.",
        )
    ]
    if not trows:
        notes.append(Text(f"{ctx.name}没有{p.year}年的目标值（targets）。", f"{ctx.name} has no targets for {p.year}."))
    blocks.append(
        _table(
            "regime",
            Text(f"「{regime.name_zh}」指标完成情况", f"The regime's indicators ({regime.name_en})"),
            cols,
            rows,
            *notes,
        )
    )
    return Section(
        "regime", 2, Text(f"「{regime.name_zh}」考核指标完成情况", "The assessment indicators"), tuple(blocks)
    )


def _unknown_clause(ctx: _Ctx, clause: Any, lang: str) -> str:
    """Why a clause cannot be judged: the value, its base or the reference figure is missing."""
    ind = ctx.ws.catalog.indicator(clause.indicator)
    name = ind.name_zh if lang == "zh" else nv.lc(ind.name_en)
    if clause.value is None:
        f = ctx.main.fig(ctx.entity, ctx.period, clause.indicator, ind.unit)
        return name + ("" if lang == "zh" else " ") + nv.missing(f.note_zh, f.note_en, lang)
    if clause.baseline is None and clause.test not in ("at_most", "at_least"):
        bp = clause.baseline_period or str(ctx.period.prior_year)
        if lang == "zh":
            return f"{name}（缺数：{bp}的{ind.name_zh}，无从比较）"
        return f"{name} (missing: its {bp} value to compare with)"
    if clause.test == "growth_above_reference" and clause.reference is None:
        return f"{name}（缺数：GDP增速）" if lang == "zh" else f"{name} (missing: GDP growth)"
    return f"{name}（{clause.reason_zh}）" if lang == "zh" else f"{name} ({clause.reason_en})"


# 3 利润增减因素 -----------------------------------------------------------------------------------


def _section_of(industry: str) -> str:
    code = industry.strip().upper()
    return code[0] if code and code[0].isalpha() else ""


def _drivers(ctx: _Ctx) -> Section:
    ws, p, e, lay = ctx.ws, ctx.period, ctx.entity, ctx.layout
    code = str(lay["driver_indicator"])
    ind = ws.catalog.indicator(code)
    top = int(lay["top_contributors"])
    sections: Mapping[str, Sequence[str]] = lay.get("industry_sections") or {}
    industries = _attr(ctx.nodes, "industry")
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
    kids: list[tuple[str, Fig, Fig, Fig, Fig]] = []
    for c in ctx.children:
        v = ctx.subs.fig(c, p, code, ind.unit)
        pr = ctx.subs.fig(c, p, code, ind.unit, "prior_value")
        ch = ctx.subs.fig(c, p, code, ind.unit, "change")
        g = ctx.subs.fig(c, p, code, "growth", "growth")
        kids.append((c, v, pr, ch, g))
    known = [k for k in kids if k[3].value is not None]
    ups = sorted([k for k in known if _present(k[3].value) > 0], key=lambda k: (-_present(k[3].value), k[0]))[:top]
    downs = sorted([k for k in known if _present(k[3].value) < 0], key=lambda k: (_present(k[3].value), k[0]))[:top]
    figs: list[Fig] = [total_change]
    head_zh = f"{nv.span(p, 'zh')}，{ctx.subject.zh}{ind.name_zh}"
    head_en = f"In {nv.span(p, 'en')}, {ctx.subject.en}'s {nv.lc(ind.name_en)}"
    tc = _dec(total_change.value)
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
    if tc is None:
        ups = downs = []
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
    blocks.append(Paragraph(Text(zh + "。", en + "."), tuple(figs)))

    # the waterfall: prior total → the contributors → the rest → this total
    if tc is not None and total.prior is not None and total.value is not None:
        listed = ups + downs
        rest = tc - sum((_dec(k[3].value) or Decimal(0) for k in listed), Decimal(0))
        steps = [
            {"label_zh": ctx.names[k[0]], "label_en": ctx.names[k[0]], "delta": _dec(k[3].value)}
            for k in sorted(listed, key=lambda k: -_present(k[3].value))
        ]
        steps.append(
            {
                "label_zh": "其他（含本部、合并抵销）",
                "label_en": "others (incl. headquarters, eliminations)",
                "delta": rest,
            }
        )
        blocks.append(
            Chart(
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
                        "value": _dec(total.prior),
                    },
                    "steps": steps,
                    "end": {"label_zh": f"{p.year}年", "label_en": f"{p.year}", "value": _dec(total.value)},
                    "unit": ind.unit,
                },
            )
        )
    cols = (
        Col("name", "企业", "subsidiary"),
        Col("industry", "行业", "industry"),
        Col("value", "本期", "this period", "amount"),
        Col("prior", "上年同期", "a year earlier", "amount"),
        Col("change", "增减额", "change", "amount"),
        Col("growth", "增幅", "growth", "growth"),
        Col("share", "占总变动", "share of the change", "pct"),
    )
    rows: list[list[Cell]] = []
    for c, v, pr, ch, g in sorted(kids, key=lambda k: (k[3].value is None, -(_dec(k[3].value) or Decimal(0)), k[0])):
        sec = _section_of(industries.get(c, ""))
        label = sections.get(sec)
        ind_text: Cell = Text(label[0], label[1]) if label else (industries.get(c) or None)
        share: Cell = None
        if tc is not None and tc != 0 and ch.value is not None:
            share = Fig(
                float(_present(ch.value) / abs(tc) * 100),
                "pct",
                "derived",
                c,
                str(p),
                code,
                "change / |total change| × 100",
            )
        rows.append([ctx.names[c], ind_text, v, pr, ch, g, share])
    blocks.append(
        _table(
            "drivers",
            Text(f"下属企业{ind.name_zh}增减", f"{ind.name_en} by subsidiary"),
            cols,
            rows,
            Text(
                "下属企业为直接下级企业的合并（报表）数；其合计与集团合并数之差为本部及合并抵销。",
                "Subsidiaries' own (consolidated) figures; their sum differs from the group's by the headquarters and eliminations.",
            ),
        )
    )
    # by industry (GB/T 4754 section), Σ of the subsidiaries' amounts, missing if any member lacks it
    by_sec: dict[str, list[tuple[str, Fig, Fig]]] = {}
    for c, v, pr, _ch, _g in kids:
        by_sec.setdefault(_section_of(industries.get(c, "")), []).append((c, v, pr))
    irows: list[list[Cell]] = []
    for sec, members in sorted(by_sec.items()):
        label = sections.get(sec)
        name: Text = Text(label[0], label[1]) if label else Text(sec or "（未填）", sec or "(blank)")
        now = _sum([_dec(m[1].value) for m in members])
        then = _sum([_dec(m[2].value) for m in members])
        lack_now = [ctx.names[m[0]] for m in members if m[1].value is None]
        lack_then = [ctx.names[m[0]] for m in members if m[2].value is None]
        how = "Σ " + ", ".join(m[0] for m in members)
        nf = Fig(
            now,
            ind.unit,
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
            ind.unit,
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
            ind.unit,
            "derived",
            nf.entity,
            str(p),
            code,
            "this − prior",
            note_zh="" if chv is not None else "本期或上年同期缺数",
            note_en="" if chv is not None else "this or last year missing",
        )
        irows.append([name, Text(f"{len(members)}户", str(len(members))), nf, pf, cf])
    irows.sort(key=_change_key)
    blocks.append(
        _table(
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
                f"行业按{lay.get('industry_sections_source', 'GB/T 4754-2017')}归类。",
                "Industries are GB/T 4754-2017 sections.",
            ),
        )
    )
    return Section("drivers", 3, title, tuple(blocks))


# 4 趋势 -----------------------------------------------------------------------------------------


def _trends(ctx: _Ctx) -> tuple[Section, list[tuple[str, Text, pd.DataFrame]]]:
    ws, p, e, lay = ctx.ws, ctx.period, ctx.entity, ctx.layout
    n = int(lay["trend_months"])
    periods = [p.shift(-k) for k in range(n - 1, -1, -1)]
    flows = [str(c) for c in lay["trend_flows"]]
    levels = [str(c) for c in lay["trend_levels"]]
    ytd = ws.indicators(periods, indicators=[*flows, *levels], entity=e, prior=False)
    month = ws.indicators(periods, indicators=flows, entity=e, basis="month", prior=False) if flows else None
    yc = _Cells(ytd, "ytd")
    mc = _Cells(month, "month") if month is not None else None
    blocks: list[Block] = []
    series = []
    for c in flows:
        ind = ws.catalog.indicator(c)
        series.append(
            {
                "indicator": c,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "month": [mc.fig(e, q, c, ind.unit).value if mc else None for q in periods],
                "ytd": [yc.fig(e, q, c, ind.unit).value for q in periods],
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
        ind = ws.catalog.indicator(c)
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
                },
            )
        )
    cols: list[Col] = [Col("period", "期间", "period")]
    for c in flows:
        ind = ws.catalog.indicator(c)
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
        cols.append(_unit_col(ws, c))
    rows: list[list[Cell]] = []
    for q in periods:
        row: list[Cell] = [str(q)]
        for c in flows:
            unit = ws.catalog.indicator(c).unit
            row.append(mc.fig(e, q, c, unit) if mc else None)
            row.append(yc.fig(e, q, c, unit))
        for c in levels:
            row.append(yc.fig(e, q, c, ws.catalog.indicator(c).unit))
        rows.append(row)
    blocks.append(_table("trends", Text(f"近{n}个月主要指标", f"The last {n} months"), cols, rows))
    panels = [("trend_ytd", Text("趋势（本年累计）", "trend (year to date)"), ytd.frame)]
    if month is not None:
        panels.append(("trend_month", Text("趋势（单月）", "trend (single month)"), month.frame))
    return Section("trends", 4, Text("主要指标走势", "Trends"), tuple(blocks)), panels


# 5 风险 -----------------------------------------------------------------------------------------


def _risks(ctx: _Ctx) -> Section:
    from guozi.analyses.losses import STATUS_LABELS as LOSS_LABELS
    from guozi.analyses.losses import loss_makers

    ws, p, e, lay = ctx.ws, ctx.period, ctx.entity, ctx.layout
    blocks: list[Block] = []
    # warnings
    try:
        from guozi.analyses.warnings import evaluate_warnings, load_debt_lines
    except ImportError as exc:  # pragma: no cover - the module is part of the package
        raise GuoziError("预警模块不可用", "the warnings module is not available") from exc
    report = evaluate_warnings(ws, p, entity=e, subtree=True)
    ctx.warnings = report
    sev = sorted(report.rules.severities.values(), key=lambda s: -s.rank)
    counts = {s.code: sum(1 for w in report.warnings if w.severity == s.code) for s in sev}
    n_all = len(report.warnings)
    zh = f"{nv.span(p, 'zh')}，{ctx.subject.zh}及所属企业共触发风险预警{n_all}条"
    en = f"In {nv.span(p, 'en')}, {ctx.subject.en} and its subsidiaries triggered {n_all} risk warning{'' if n_all == 1 else 's'}"
    if n_all:
        zh += "，其中" + "、".join(f"{s.name_zh}风险{counts[s.code]}条" for s in sev)
        en += " (" + ", ".join(f"{counts[s.code]} {s.name_en}" for s in sev) + ")"
    if report.gaps:
        zh += f"；另有{len(report.gaps)}项检查因缺数无法进行（见附表）"
        en += f"; {len(report.gaps)} checks could not be made for missing data (see the appendix)"
    blocks.append(Paragraph(Text(zh + "。", en + "."), (Fig(n_all, "count", "warnings", e, str(p), measure="count"),)))
    shown = int(lay["warnings_shown_per_severity"])
    for s in sev:
        ws_rows = [w for w in report.warnings if w.severity == s.code]
        if not ws_rows:
            continue
        rows: list[list[Cell]] = [
            [w.name, Text(w.rule_name_zh, w.rule_name_en), Text(w.message_zh, w.message_en)] for w in ws_rows[:shown]
        ]
        notes = []
        if len(ws_rows) > shown:
            notes.append(
                Text(f"另有{len(ws_rows) - shown}条，见附表。", f"{len(ws_rows) - shown} more in the appendix.")
            )
        blocks.append(
            _table(
                f"warnings_{s.code}",
                Text(
                    f"{s.name_zh}风险预警（{len(ws_rows)}条）",
                    f"{s.name_en.capitalize()} severity warnings ({len(ws_rows)})",
                ),
                (Col("name", "企业", "entity"), Col("rule", "预警规则", "rule"), Col("message", "说明", "explanation")),
                rows,
                *notes,
            )
        )
    # loss-makers
    losses = loss_makers(ws, p, entity=e)
    lparts_zh, lparts_en, lfigs = [], [], []
    for g in losses.groups.to_dict("records"):
        lv = int(g["level"])
        if lv <= ctx.level:
            continue
        lbl_zh = f"{nv.ordinal_zh(lv - ctx.level + 1)}级企业"
        lbl_en = f"level-{lv - ctx.level + 1} subsidiaries"
        if g["loss_count"] is None:
            lparts_zh.append(f"{lbl_zh}{g['entities']}户均缺数")
            lparts_en.append(f"{lbl_en}: all {g['entities']} lack figures")
            continue
        amt = Fig(
            g["loss_amount"],
            "元",
            "losses",
            e,
            str(p),
            losses.criterion.indicator,
            f"level {lv} loss_amount",
            prior=g["prior_loss_amount"],
        )
        lfigs.append(amt)
        z = f"{lbl_zh}{g['reported']}户中亏损{g['loss_count']}户"
        en_ = f"{lbl_en}: {g['loss_count']} of {g['reported']} loss-making"
        if g["loss_count"]:
            z += f"，亏损额{nv.amount(g['loss_amount'], 'zh')}"
            en_ += f", losses of {nv.amount(g['loss_amount'], 'en')}"
        if g["prior_loss_count"] is not None:
            z += f"（上年同期{g['prior_loss_count']}户"
            en_ += f" (a year earlier {g['prior_loss_count']}"
            if g["prior_loss_count"]:
                z += f"，{nv.amount(g['prior_loss_amount'], 'zh')}"
                en_ += f", {nv.amount(g['prior_loss_amount'], 'en')}"
            z += "）"
            en_ += ")"
        if g["missing"]:
            z += f"，{g['missing']}户缺数"
            en_ += f", {g['missing']} without figures"
        lparts_zh.append(z)
        lparts_en.append(en_)
    crit = ws.catalog.indicator(losses.criterion.indicator)
    if lparts_zh:
        blocks.append(
            Paragraph(
                Text(
                    f"亏损企业（{crit.name_zh}本年累计为负）：" + "；".join(lparts_zh) + "。",
                    f"Loss-makers ({nv.lc(crit.name_en)} year to date below zero): " + "; ".join(lparts_en) + ".",
                ),
                tuple(lfigs),
            )
        )
    lrows: list[list[Cell]] = []
    for r in losses.entities.to_dict("records"):
        if str(r["entity_id"]) == e and ctx.children:
            pass
        zh_s, en_s = LOSS_LABELS[str(r["status"])]
        lrows.append(
            [
                str(r["name"]),
                Fig(r["value"], crit.unit, "panel", str(r["entity_id"]), str(p), crit.code),
                Fig(
                    r["baseline"],
                    crit.unit,
                    "panel",
                    str(r["entity_id"]),
                    str(r["baseline_period"]),
                    crit.code,
                    note_zh="" if r["baseline"] is not None else "上年同期无数据",
                    note_en="" if r["baseline"] is not None else "no prior-year figure",
                ),
                Text(zh_s, en_s),
                Fig(r["loss_months"], "count", "losses", str(r["entity_id"]), str(p), crit.code, "loss_months"),
                Fig(r["loss_years"], "count", "losses", str(r["entity_id"]), str(p), crit.code, "loss_years"),
            ]
        )
    if lrows:
        blocks.append(
            _table(
                "losses",
                Text("亏损及扭亏企业", "Loss-making and turned-around entities"),
                (
                    Col("name", "企业", "entity"),
                    Col("value", f"{crit.name_zh}（本年累计）", f"{crit.name_en} (YTD)", "amount"),
                    Col("baseline", "上年同期", "a year earlier", "amount"),
                    Col("status", "状态", "status"),
                    Col("months", "连续亏损月数", "months in loss", "count"),
                    Col("years", "连续亏损年数", "years in loss", "count"),
                ),
                lrows,
            )
        )
    if losses.missing:
        from guozi.analyses.losses import missing_note

        blocks.append(Paragraph(Text(missing_note(losses, "zh"), missing_note(losses, "en")), kind="note"))
    # debt ratios against their lines
    lines = load_debt_lines()
    industries = _attr(ctx.nodes, "industry")
    drows: list[list[Cell]] = []
    over_w = over_s = no_value = no_line = 0
    for eid_ in ctx.nodes.entity_id:
        eid = str(eid_)
        dr = ctx.subs.fig(eid, p, "debt_ratio", "%")
        line = lines.line_for(industries.get(eid) or None, p.year)
        cls = lines.industry_class(industries.get(eid) or None)
        status = Text("—", "—")
        level: str | None = None
        if line is not None and dr.value is not None:
            v = Decimal(repr(float(dr.value)))
            if v > line.supervision:
                level, status = "s", Text("超重点监管线", "above the key-supervision line")
                over_s += 1
            elif v > line.warning:
                level, status = "w", Text("超预警线", "above the warning line")
                over_w += 1
            else:
                status = Text("线内", "within the lines")
        elif line is None:
            status = Text("无适用基准线", "no line applies")
            no_line += 1
        else:
            no_value += 1
        if eid == e or eid in ctx.children or level is not None:
            drows.append(
                [
                    ctx.names.get(eid, eid),
                    Text(cls.name_zh, cls.name_en) if cls else (industries.get(eid) or None),
                    dr,
                    ctx.subs.fig(eid, p, "debt_ratio", "%", "prior_value"),
                    Fig(
                        line.warning if line else None,
                        "%",
                        "debt_lines",
                        eid,
                        str(line.year) if line else "",
                        "debt_ratio",
                        "warning",
                    ),
                    Fig(
                        line.supervision if line else None,
                        "%",
                        "debt_lines",
                        eid,
                        str(line.year) if line else "",
                        "debt_ratio",
                        "supervision",
                    ),
                    status,
                ]
            )
    blocks.append(
        Paragraph(
            Text(
                f"{nv.month_end(p, 'zh')}，资产负债率超过重点监管线的企业{over_s}户，超过预警线（未超重点监管线）的{over_w}户"
                + (f"；{no_value}户缺少资产负债率，未作判断" if no_value else "")
                + (f"；{no_line}户无适用的管控线" if no_line else "")
                + "。",
                f"At {nv.month_end(p, 'en')}, {over_s} entities are above their key-supervision debt line and {over_w} more above the warning line"
                + (f"; {no_value} lack a debt ratio and are not judged" if no_value else "")
                + (f"; no line applies to {no_line}" if no_line else "")
                + ".",
            ),
            (
                Fig(over_s, "count", "debt_lines", e, str(p), "debt_ratio", "above supervision"),
                Fig(over_w, "count", "debt_lines", e, str(p), "debt_ratio", "above warning"),
            ),
        )
    )
    blocks.append(
        _table(
            "debt_lines",
            Text("资产负债率与管控线", "Debt ratios against their lines"),
            (
                Col("name", "企业", "entity"),
                Col("class", "行业类别", "industry class"),
                Col("debt_ratio", "资产负债率", "debt ratio", "number", "%"),
                Col("prior", "上年同期", "a year earlier", "number", "%"),
                Col("warning", "预警线", "warning line", "number", "%"),
                Col("supervision", "重点监管线", "key-supervision line", "number", "%"),
                Col("status", "状态", "status"),
            ),
            drows,
            Text(
                "列示本级、直接下级企业及超线的各级企业。管控线依据《关于加强国有企业资产负债约束的指导意见》（2018）。",
                "Lists the entity, its direct subsidiaries and every entity above a line. Lines per the 2018 guideline on SOE debt constraints.",
            ),
        )
    )
    return Section("risks", 5, Text("风险情况", "Risks"), tuple(blocks))


# 6 EVA ------------------------------------------------------------------------------------------


def _eva(ctx: _Ctx) -> Section:
    from guozi.analyses.eva import compute_eva, unconfirmed_caption

    ws, p, e = ctx.ws, ctx.period, ctx.entity
    rep = compute_eva(ws, p, entity=e, subtree=True)
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
    blocks.append(_table("eva", Text("经济增加值（EVA）", "Economic value added (EVA)"), cols, rows, *notes))
    return Section("eva", 6, Text("经济增加值", "Economic value added"), tuple(blocks))


# 8 对标 (optional; placed before the appendix) ------------------------------------------------------


def _stat_table(key: str, title: Text, zh: Mapping[str, Any], en: Mapping[str, Any], entity: str, period: str) -> Table:
    """The peers' (or world peers') bars as a table: value, rank, median, best, and why not ranked."""
    rows: list[list[Cell]] = []
    for rz, re_ in zip(zh.get("indicators") or [], en.get("indicators") or [], strict=True):
        unit = str(rz["unit"])

        def fig(v: Any, what: str, unit: str = unit, code: str = str(rz["indicator"])) -> Fig:
            d = nv.dec(v)
            value: Number | None = None if d is None else (d if unit in ("元", "人") else float(d))
            return Fig(value, unit, "benchmark", entity, period, code, what)

        rank: Cell = Text(f"{rz['rank']}/{rz['of']}", f"{rz['rank']} of {rz['of']}") if rz.get("rank") else None
        note: Cell = Text(str(rz.get("note") or ""), str(re_.get("note") or "")) if rz.get("note") else None
        rows.append(
            [
                Text(str(rz["name"]), str(re_["name"])),
                fig(rz["value"], "value"),
                rank,
                fig(rz["median"], "median"),
                fig(rz["best"], "best"),
                note,
            ]
        )
    cols = (
        Col("indicator", "指标", "indicator"),
        Col("value", "本企业", "this entity", "value"),
        Col("rank", "排名", "rank"),
        Col("median", "中位数", "median", "value"),
        Col("best", "最优值", "best", "value"),
        Col("note", "说明", "note"),
    )
    group = Text(str(zh.get("group") or ""), str(en.get("group") or ""))
    notes = (Text(f"对标范围：{group.zh}", f"Peers: {group.en}"),) if group.zh else ()
    return _table(key, title, cols, rows, *notes)


def _benchmark(ctx: _Ctx) -> Section:
    from guozi.analyses.benchmark import benchmark_section

    ws, p, e = ctx.ws, ctx.period, ctx.entity
    zh = benchmark_section(ws, p, e, lang="zh")
    en = benchmark_section(ws, p, e, lang="en")
    blocks: list[Block] = []
    if zh.get("peers"):
        blocks.append(
            _stat_table(
                "peers", Text(str(zh["peers"]["title"]), str(en["peers"]["title"])), zh["peers"], en["peers"], e, str(p)
            )
        )
    scores_zh, scores_en = zh.get("scores"), en.get("scores")
    if scores_zh and scores_en:
        rows: list[list[Cell]] = []
        for i, code in enumerate(scores_zh["indicators"]):
            unit = str(scores_zh["units"][i])
            d = nv.dec(scores_zh["values"][i])
            value: Number | None = None if d is None else (d if unit in ("元", "人") else float(d))
            band_zh, band_en = scores_zh["bands"][i], scores_en["bands"][i]
            rows.append(
                [
                    Text(str(scores_zh["axes"][i]), str(scores_en["axes"][i])),
                    Fig(value, unit, "benchmark", e, str(p), str(code), "value"),
                    Text(str(band_zh), str(band_en)) if band_zh else None,
                    Fig(scores_zh["scores"][i], "score", "benchmark", e, str(p), str(code), "score"),
                ]
            )
        overall = scores_zh.get("overall")
        notes = (
            [Text(f"综合得分：{nv.number(overall, 1, 'zh')}", f"Overall score: {nv.number(overall, 1, 'en')}")]
            if overall is not None
            else []
        )
        if scores_zh.get("note"):
            notes.append(Text(str(scores_zh["note"]), str(scores_en.get("note") or "")))
        blocks.append(
            _table(
                "bands",
                Text(str(scores_zh["title"]), str(scores_en["title"])),
                (
                    Col("indicator", "指标", "indicator"),
                    Col("value", "本企业", "this entity", "value"),
                    Col("band", "档次", "band"),
                    Col("score", "得分", "score", "number"),
                ),
                rows,
                *notes,
            )
        )
    if zh.get("world") and en.get("world"):
        blocks.append(
            _stat_table(
                "world", Text(str(zh["world"]["title"]), str(en["world"]["title"])), zh["world"], en["world"], e, str(p)
            )
        )
    for nz, ne in zip(zh.get("notes") or [], en.get("notes") or [], strict=False):
        blocks.append(Paragraph(Text(str(nz), str(ne)), kind="note"))
    if not blocks:
        blocks.append(Paragraph(Text("无可用的对标数据。", "No benchmarking data."), kind="note"))
    return Section("benchmark", 8, Text("对标分析", "Benchmarking"), tuple(blocks))


# 7 附表 -----------------------------------------------------------------------------------------


def _appendix(ctx: _Ctx) -> Section:
    ws, p = ctx.ws, ctx.period
    codes = list(ctx.subs_panel.indicators)
    amounts = [c for c in codes if ws.catalog.indicator(c).unit == "元"]
    others = [c for c in codes if ws.catalog.indicator(c).unit != "元"]
    blocks: list[Block] = []
    for key, group, title in (
        ("appendix_amounts", amounts, Text("附表1 各企业主要金额指标", "Table A1: amounts by entity")),
        ("appendix_ratios", others, Text("附表2 各企业主要比率指标", "Table A2: ratios by entity")),
    ):
        if not group:
            continue
        cols = [Col("name", "企业", "entity"), Col("level", "层级", "level", "count")]
        cols += [_unit_col(ws, c) for c in group]
        rows: list[list[Cell]] = []
        for eid_, lv in zip(ctx.nodes.entity_id, ctx.nodes.level, strict=True):
            eid = str(eid_)
            rows.append(
                [
                    ctx.names.get(eid, eid),
                    int(lv) - ctx.level + 1,
                    *[ctx.subs.fig(eid, p, c, ws.catalog.indicator(c).unit) for c in group],
                ]
            )
        blocks.append(
            _table(
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
            _table(
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
                    for w in report.warnings
                ],
            )
        )
    if report is not None and report.gaps:
        names = {r.code: Text(r.name_zh, r.name_en) for r in report.rules.rules}
        blocks.append(
            _table(
                "appendix_gaps",
                Text("附表4 因缺数无法进行的检查", "Table A4: checks that could not be made"),
                (Col("name", "企业", "entity"), Col("rule", "预警规则", "rule"), Col("note", "原因", "why")),
                [[g.name, names.get(g.rule, Text(g.rule, g.rule)), Text(g.note_zh, g.note_en)] for g in report.gaps],
            )
        )
    return Section("appendix", 7, Text("附表", "Appendix"), tuple(blocks))
