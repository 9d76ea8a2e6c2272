"""``guozi targets``, ``guozi verdict`` and ``guozi losses``: progress, regime verdicts, loss-makers.

``guozi targets`` prints the progress table and, in the table format (and as a second sheet in
xlsx), the regime verdict of the same entities under it; ``guozi verdict`` gives the verdicts
alone, for any entity or aggregate, in every format. ``guozi losses`` prints the loss-makers by
tree level (and ``--by`` column), then the entities; ``--detail`` puts the entities in csv/json.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    DataOpt,
    FormatOpt,
    LangOpt,
    LevelOpt,
    OutputOpt,
    PeriodOpt,
    StoreOpt,
    UnitOpt,
    ViewOpt,
    check_view,
    need_file,
    outputs,
    parse_format,
    parse_lang,
    parse_unit,
    period_or_latest,
    run,
    spinner,
    unit_name,
    workspace,
)
from guozi.kernel.money import NO_VALUE, decisive_decimals, figure, money_unit
from guozi.kernel.periods import Period
from guozi.kernel.text import pick
from guozi.presentation.output import Column, Format, default_unit, emit, in_unit, print_table, rich_table, write_xlsx

GdpOpt = Annotated[
    Path | None,
    typer.Option("--gdp", envvar="GUOZI_GDP", help="your GDP growth CSV (period,real_gdp_growth_pct,source,note)"),
]
Sheet = tuple[str, Sequence[dict[str, Any]], Sequence[Column], str]  # sheet, rows, columns, title


# display: the table format rounds, machine formats do not ------------------------------------


def _num(value: Any, unit: str) -> str:
    return figure(value, 0 if unit == "人" else 2)


def _pct(value: Any, _row: dict[str, Any] | None = None) -> str:
    text = figure(value, group="")
    return text if text == NO_VALUE else f"{text}%"


def _completion(value: Any, _row: dict[str, Any] | None = None) -> str:
    """A completion rate with the digits that decide it: 99.997 is 「99.997%」, never 「100.00%」 beside 未达标."""
    text = figure(value, decisive_decimals(value, 100), group="")
    return text if text == NO_VALUE else f"{text}%"


def _by_unit(value: Any, row: dict[str, Any]) -> str:
    return _num(value, str(row.get("unit", "")))


def _text(value: Any, _row: dict[str, Any]) -> str:
    return "" if value is None else str(value)


def _write(
    sheets: Sequence[Sheet], *, fmt: Format, output: Path | None, lang: str, caption: str = "", unit: str | None = None
) -> None:
    """The first sheet in csv/json; every sheet in xlsx and, one under another, in the table format.

    Money in ``unit`` (the format's default without it: 万元 for tables and Excel, 元 for csv/json).
    """
    need_file(fmt, output)
    if fmt in ("csv", "json"):
        sheet, rows, cols, _ = sheets[0]
        emit(rows, cols, fmt=fmt, output=output, lang=lang, sheet=sheet, unit=unit)
        return
    money = unit or default_unit(fmt)
    sheets = [(s, in_unit(rows, cols, money), cols, t) for s, rows, cols, t in sheets]
    if fmt == "xlsx":
        assert output is not None
        write_xlsx(output, [(s, rows, cols) for s, rows, cols, _ in sheets], lang, money)
        return
    sheets = [s for i, s in enumerate(sheets) if i == 0 or s[1]]  # an empty second table says nothing
    last = len(sheets) - 1

    def print_all(console: Console) -> None:
        for i, (_, rows, cols, title) in enumerate(sheets):
            console.print(rich_table(rows, cols, lang, title, caption if i == last else ""))

    if output is None:
        for i, (_, rows, cols, title) in enumerate(sheets):
            print_table(Console(), rows, cols, lang, title, caption if i == last else "")
        return
    with output.open("w", encoding="utf-8") as fh:
        print_all(Console(file=fh, width=200, color_system=None))


# targets ---------------------------------------------------------------------------------------

TARGET_COLUMNS = [
    Column("entity_id", "企业代码", "entity"),
    Column("name", "企业", "name"),
    Column("year", "年度", "year"),
    Column("period", "期间", "period"),
    Column("indicator", "指标代码", "indicator"),
    Column("indicator_name", "指标", "indicator name"),
    Column("unit", "单位", "unit"),
    Column("direction", "优化方向", "better when"),
    Column("accumulating", "累计指标", "accumulating"),
    Column("actual", "本年实际", "actual", _by_unit, "right", money="row"),
    Column("target", "年度目标", "target", _by_unit, "right", money="row"),
    Column("completion", "完成率", "completion %", _completion, "right", fmt="percent"),
    Column("pace", "序时进度", "pace %", _pct, "right", fmt="percent"),
    Column("status", "状态代码", "status"),
    Column("status_label", "状态", "status", _text),
    Column("gap", "差额", "gap", _by_unit, "right", money="row"),
    Column("pace_target", "序时目标", "target to date", _by_unit, "right", money="row"),
    Column("gap_to_pace", "较序时差额", "gap to pace", _by_unit, "right", money="row"),
    Column("projection", "全年预计", "year-end projection", _by_unit, "right", money="row"),
    Column("projected_completion", "预计完成率", "projected completion %", _completion, "right", fmt="percent"),
    Column("method", "预计方法代码", "method"),
    Column("method_label", "预计方法", "method", _text),
    Column("profile_share", "以往同期占全年", "profile share"),
    Column("profile_years", "参考年度", "profile years"),
    Column("note", "说明", "note"),
]
TARGET_TABLE = (
    "name",
    "indicator_name",
    "actual",
    "target",
    "completion",
    "pace",
    "status_label",
    "gap",
    "gap_to_pace",
    "projection",
    "method_label",
    "unit",
    "note",
)


def _table(columns: Sequence[Column], keys: Sequence[str], lang: str) -> list[Column]:
    """The columns of the terminal table, units by their names in ``lang``."""

    def unit(value: Any, _row: dict[str, Any]) -> str:
        return unit_name(str(value), lang)

    by_key = {c.key: c for c in columns}
    return [
        Column(c.key, c.zh, c.en, unit, c.justify) if c.key == "unit" else by_key[c.key]
        for c in (by_key[k] for k in keys)
    ]


VERDICT_COLUMNS = [
    Column("entity_id", "企业/分组", "entity / group"),
    Column("name", "名称", "name"),
    Column("period", "期间", "period"),
    Column("regime", "考核体系", "regime"),
    Column("target_phrase", "目标要求", "target rule"),
    Column("overall", "总体结论代码", "overall"),
    Column("overall_label", "总体结论", "overall", _text),
    Column("clause", "条款", "clause", _text, "right"),
    Column("indicator", "指标代码", "indicator"),
    Column("indicator_name", "指标", "indicator name"),
    Column("test", "检验代码", "test"),
    Column("test_label", "要求", "requirement", _text),
    Column("unit", "单位", "unit"),
    Column("value", "本期", "value", _by_unit, "right", money="row"),
    Column("baseline", "比较基数", "base", _by_unit, "right", money="row"),
    Column("baseline_period", "基数期间", "base period"),
    Column("change", "增减", "change", _by_unit, "right", money="row"),
    Column("growth", "增幅", "growth %", _pct, "right", fmt="percent"),
    Column("threshold", "阈值", "threshold"),
    Column("reference", "GDP增速", "GDP growth %"),
    Column("reference_period", "GDP期间", "GDP period"),
    Column("reference_source", "GDP来源", "GDP source"),
    Column("passed", "结论代码", "passed"),
    Column("passed_label", "结论", "result", _text),
    Column("reason", "依据", "reason"),
]
VERDICT_TABLE = ("name", "overall_label", "indicator_name", "test_label", "passed_label", "reason")


def _verdict_title(period: Period, rows: Sequence[dict[str, Any]], lang: str) -> str:
    if not rows:
        return ""
    phrase = str(rows[0].get("target_phrase", ""))
    return pick(lang, f"{period} 考核目标「{phrase}」", f"{period} target rule: {phrase}")


@app.command()
def targets(
    period: PeriodOpt = None,
    entity: Annotated[str | None, typer.Option("--entity", help="one entity")] = None,
    subtree: Annotated[bool, typer.Option("--subtree", help="with --entity: its subsidiaries' targets too")] = False,
    verdict: Annotated[
        bool, typer.Option("--verdict/--no-verdict", help="the regime verdict under the table (table and xlsx)")
    ] = True,
    gdp: GdpOpt = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """目标完成进度（完成率、序时进度、全年预计）与考核结论。 Progress against the year's targets."""
    from guozi.analyses.targets import target_rows, verdict_rows

    lang = parse_lang(lang)

    def body() -> None:
        f, money = outputs(fmt, unit, output)
        with workspace(store, catalog, data, lang=lang) as ws:
            p = period_or_latest(ws, period, entity)
            with spinner(pick(lang, "计算…", "computing…")):
                report = ws.evaluate_targets(p, entity=entity, subtree=subtree)
            rows = target_rows(report, ws, lang)
            title = pick(lang, f"{p} 年度目标完成进度", f"{p}: progress against the year's targets")
            cols = _table(TARGET_COLUMNS, TARGET_TABLE, lang) if f == "table" else TARGET_COLUMNS
            sheets: list[Sheet] = [("targets", rows, cols, title)]
            caption = ""
            if not rows:
                caption = pick(
                    lang, f"{p.year} 年没有导入目标（targets.csv）", f"no targets imported for {p.year} (targets.csv)"
                )
            if verdict and f in ("table", "xlsx"):
                ids = set(report.frame.entity_id) or ({entity} if entity else set())
                with spinner(pick(lang, "考核结论…", "verdicts…")):
                    vs = ws.regime_verdict(p, entity=None if subtree or not ids else entity, gdp=gdp)
                vrows = verdict_rows([v for v in vs if v.entity_id in ids], ws, lang)
                vcols = _table(VERDICT_COLUMNS, VERDICT_TABLE, lang) if f == "table" else VERDICT_COLUMNS
                if vrows:
                    sheets.append(("verdicts", vrows, vcols, _verdict_title(p, vrows, lang)))
            _write(sheets, fmt=f, output=output, lang=lang, caption=caption, unit=money)

    run(lang, body)


@app.command("verdict")
def verdict_(
    period: PeriodOpt = None,
    entity: Annotated[str | None, typer.Option("--entity", help="one entity (or, with --by, its subtree)")] = None,
    view: ViewOpt = "reported",
    by: Annotated[str | None, typer.Option("--by", help="group the entities of --level by this entity column")] = None,
    level: LevelOpt = None,
    regime: Annotated[str | None, typer.Option("--regime", help="regime year (default: the period's year)")] = None,
    gdp: GdpOpt = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """考核目标结论（一增一稳四提升等），逐条列出依据。 Regime verdicts with the numbers they rest on."""
    from guozi.analyses.targets import verdict_rows

    lang = parse_lang(lang)

    def body() -> None:
        f = parse_format(fmt)
        money = parse_unit(unit)
        v = check_view(view, by, level)
        with workspace(store, catalog, data, lang=lang) as ws:
            p = period_or_latest(ws, period, entity)
            with spinner(pick(lang, "计算…", "computing…")):
                vs = ws.regime_verdict(p, entity=entity, view=v, by=by, level=level or 1, regime=regime, gdp=gdp)
            rows = verdict_rows(vs, ws, lang)
            cols = _table(VERDICT_COLUMNS, VERDICT_TABLE, lang) if f == "table" else VERDICT_COLUMNS
            _write(
                [("verdicts", rows, cols, _verdict_title(p, rows, lang))], fmt=f, output=output, lang=lang, unit=money
            )

    run(lang, body)


# losses ----------------------------------------------------------------------------------------

LOSS_GROUP_COLUMNS = [
    Column("period", "期间", "period"),
    Column("level", "层级代码", "level"),
    Column("level_label", "层级", "level", _text),
    Column("group", "分组代码", "group"),
    Column("group_label", "分组", "group", _text),
    Column("entities", "企业户数", "entities", None, "right"),
    Column("reported", "有数据", "reported", None, "right"),
    Column("missing", "缺数", "missing", None, "right"),
    Column("loss_count", "亏损户数", "loss-makers", _text, "right"),
    Column("loss_rate", "亏损面", "loss rate %", _pct, "right", fmt="percent"),
    Column("loss_amount", "亏损额", "loss amount", _by_unit, "right", money="row"),
    Column("prior_period", "上年同期", "prior period"),
    Column("prior_entities", "上年户数", "prior entities", None, "right"),
    Column("prior_reported", "上年有数据", "prior reported", None, "right"),
    Column("prior_loss_count", "上年亏损户数", "prior loss-makers", _text, "right"),
    Column("prior_loss_amount", "上年亏损额", "prior loss amount", _by_unit, "right", money="row"),
    Column("change_count", "户数增减", "change in count", _text, "right"),
    Column("change_amount", "亏损额增减", "change in amount", _by_unit, "right", money="row"),
    Column("amount_growth", "亏损额增幅", "amount growth %", _pct, "right", fmt="percent"),
    Column("new_count", "新增亏损", "newly loss-making", None, "right"),
    Column("turned_around_count", "扭亏", "turned around", None, "right"),
    Column("unit", "单位", "unit"),
]
LOSS_GROUP_TABLE = (
    "level_label",
    "group_label",
    "entities",
    "reported",
    "loss_count",
    "loss_rate",
    "loss_amount",
    "prior_loss_count",
    "prior_loss_amount",
    "change_count",
    "change_amount",
    "new_count",
    "turned_around_count",
)
LOSS_ENTITY_COLUMNS = [
    Column("entity_id", "企业代码", "entity"),
    Column("name", "企业", "name"),
    Column("period", "期间", "period"),
    Column("level", "层级代码", "level"),
    Column("level_label", "层级", "level", _text),
    Column("group", "分组代码", "group"),
    Column("group_label", "分组", "group", _text),
    Column("value", "本年累计", "year to date", _by_unit, "right", money="row"),
    Column("baseline", "对比期", "baseline", _by_unit, "right", money="row"),
    Column("baseline_period", "对比期间", "baseline period"),
    Column("status", "状态代码", "status"),
    Column("status_label", "状态", "status", _text),
    Column("loss_months", "连续亏损月数", "loss months", None, "right"),
    Column("loss_years", "连续亏损年数", "loss years", None, "right"),
    Column("years_stopped_by_missing", "年数因缺数中断", "years stopped by missing data"),
    Column("unit", "单位", "unit"),
]
LOSS_ENTITY_TABLE = (
    "name",
    "level_label",
    "group_label",
    "value",
    "baseline",
    "status_label",
    "loss_months",
    "loss_years",
)


@app.command()
def losses(
    period: PeriodOpt = None,
    entity: Annotated[str | None, typer.Option("--entity", help="this entity's subtree")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="split each level by this entity column, e.g. industry")
    ] = None,
    level: Annotated[int | None, typer.Option("--level", help="one tree level only (1 = tops of the tree)")] = None,
    detail: Annotated[bool, typer.Option("--detail", help="csv/json: the entities instead of the groups")] = False,
    data: DataOpt = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """亏损企业：户数与亏损额（按层级、行业）、连续亏损、扭亏。 Loss-making subsidiaries."""
    from guozi.analyses.losses import loss_entity_rows, loss_summary_rows, missing_note

    lang = parse_lang(lang)

    def body() -> None:
        f = parse_format(fmt)
        money = parse_unit(unit)
        with workspace(store, catalog, data, lang=lang) as ws:
            p = period_or_latest(ws, period, entity)
            with spinner(pick(lang, "计算…", "computing…")):
                report = ws.loss_makers(p, entity=entity, by=by, level=level)
            crit = report.criterion.describe(ws, lang)
            groups = loss_summary_rows(report, lang)
            ents = loss_entity_rows(report, lang)
            gkeys = [k for k in LOSS_GROUP_TABLE if k != "group_label" or by]
            ekeys = [k for k in LOSS_ENTITY_TABLE if k != "group_label" or by]
            gcols = _table(LOSS_GROUP_COLUMNS, gkeys, lang) if f == "table" else LOSS_GROUP_COLUMNS
            ecols = _table(LOSS_ENTITY_COLUMNS, ekeys, lang) if f == "table" else LOSS_ENTITY_COLUMNS
            shown = money_unit(money or default_unit(f)).name(lang)
            gtitle = pick(
                lang, f"{p} 亏损企业（{crit}；金额单位：{shown}）", f"{p} loss-makers ({crit}; amounts in {shown})"
            )
            etitle = pick(lang, "亏损及扭亏企业", "loss-making and turned-around entities")
            sheets: list[Sheet] = [("losses", groups, gcols, gtitle), ("loss_entities", ents, ecols, etitle)]
            if detail:
                sheets.reverse()
            _write(sheets, fmt=f, output=output, lang=lang, caption=missing_note(report, lang), unit=money)

    run(lang, body)
