"""``guozi warnings`` and ``guozi eva``: risk warnings with their reasons, EVA with its breakdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    outputs,
    parse_lang,
    period_or_latest,
    run,
    spinner,
    workspace,
    write_workbook,
)
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick
from guozi.presentation.output import emit

EntityOpt = Annotated[
    str | None, typer.Option("--entity", help="one entity and (unless --no-subtree) its subsidiaries")
]
SubtreeOpt = Annotated[bool, typer.Option("--subtree/--no-subtree", help="include the entity's subsidiaries")]
DebtLinesOpt = Annotated[
    list[Path] | None,
    typer.Option("--debt-lines", help="your own debt-line baselines by industry and year (YAML or CSV)"),
]


@app.command("warnings")
def warnings_command(
    period: PeriodOpt = None,
    entity: EntityOpt = None,
    subtree: SubtreeOpt = True,
    view: ViewOpt = "reported",
    rule: Annotated[list[str] | None, typer.Option("--rule", help="check only these rule codes")] = None,
    min_severity: Annotated[
        str | None, typer.Option("--min-severity", help="show only warnings this serious or more (high|medium|low)")
    ] = None,
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", help="your own rule file(s), overriding or adding rules")
    ] = None,
    debt_lines: DebtLinesOpt = None,
    gaps: Annotated[bool, typer.Option("--gaps", help="list the checks that could not be made, and why")] = False,
    data: DataOpt = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """风险预警及其原因。 Risk warnings, each with its rule, figures and reason."""
    from guozi.analyses.warnings import (
        GAP_COLUMNS,
        WARNING_COLUMNS,
        WARNING_TABLE_KEYS,
        gap_records,
        load_debt_lines,
        load_rules,
        warning_records,
    )

    lang = parse_lang(lang)

    def body() -> None:
        f, money = outputs(fmt, unit, output)
        v = check_view(view)
        with workspace(store, catalog, data, lang=lang) as ws:
            ruleset = load_rules(rules or [], catalog=ws.catalog)  # after the catalogue's warnings: section
            lines = load_debt_lines(debt_lines or [], catalog=ws.catalog)
            if min_severity is not None and min_severity not in ruleset.severities:
                raise GuoziError(
                    f"--min-severity 应为 {'、'.join(ruleset.severities)} 之一",
                    f"--min-severity must be one of {', '.join(ruleset.severities)}",
                )
            p = period_or_latest(ws, period, entity)
            with spinner(pick(lang, "检查预警规则…", "checking the rules…")):
                report = ws.warnings(p, entity=entity, subtree=subtree, view=v, rules=ruleset, lines=lines, only=rule)
            rows = warning_records(report, lang)
            if min_severity is not None:
                floor = ruleset.rank(min_severity)
                rows = [r for r in rows if ruleset.rank(r["severity"]) >= floor]
            gap_rows = gap_records(report, lang)
            if f == "xlsx":
                assert output is not None
                sheets = [(pick(lang, "预警", "warnings"), rows, WARNING_COLUMNS)]
                sheets.append((pick(lang, "无法判断", "not checked"), gap_rows, GAP_COLUMNS))
                write_workbook(output, sheets, lang, money)
            elif gaps:
                title = pick(
                    lang, f"{p} 无法判断的检查（{len(gap_rows)} 项）", f"{p}: {len(gap_rows)} check(s) not made"
                )
                emit(gap_rows, GAP_COLUMNS, fmt=f, output=output, lang=lang, title=title, sheet="gaps", unit=money)
            else:
                columns = WARNING_COLUMNS
                title = caption = ""
                if f == "table":
                    by_key = {c.key: c for c in WARNING_COLUMNS}
                    columns = [by_key[k] for k in WARNING_TABLE_KEYS]
                    title = pick(lang, f"{p} 风险预警（{len(rows)} 条）", f"{p} risk warnings ({len(rows)})")
                    if gap_rows:
                        caption = pick(
                            lang,
                            f"另有 {len(gap_rows)} 项检查因数据不全无法判断；加 --gaps 查看原因",
                            f"{len(gap_rows)} check(s) could not be made for missing figures; --gaps lists why",
                        )
                emit(
                    rows,
                    columns,
                    fmt=f,
                    output=output,
                    lang=lang,
                    title=title,
                    caption=caption,
                    sheet="warnings",
                    unit=money,
                )

    run(lang, body)


@app.command("eva")
def eva_command(
    period: PeriodOpt = None,
    entity: EntityOpt = None,
    subtree: SubtreeOpt = True,
    view: Annotated[
        str,
        typer.Option("--view", help="reported (合并) | children (节点汇总) | leaves (完全汇总): Σ members' EVA"),
    ] = "reported",
    by: Annotated[str | None, typer.Option("--by", help="sum the entities of --level grouped by this column")] = None,
    level: LevelOpt = None,
    breakdown: Annotated[
        bool, typer.Option("--breakdown", help="every step of the computation, one row per step")
    ] = False,
    params: Annotated[
        list[Path] | None, typer.Option("--params", help="your own EVA parameter file(s) (rates by year)")
    ] = None,
    debt_lines: DebtLinesOpt = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """经济增加值及其计算过程。 Economic value added with its full breakdown."""
    from guozi.analyses.eva import (
        BREAKDOWN_COLUMNS,
        EVA_COLUMNS,
        EVA_TABLE_COLUMNS,
        PARAMETER_COLUMNS,
        breakdown_records,
        eva_records,
        load_eva_params,
        parameter_records,
        unconfirmed_caption,
    )
    from guozi.analyses.warnings import load_debt_lines

    lang = parse_lang(lang)

    def body() -> None:
        f, money = outputs(fmt, unit, output)
        v = check_view(view, by, level)
        with workspace(store, catalog, data, lang=lang) as ws:
            eva_params = load_eva_params(params or [], catalog=ws.catalog)  # after the catalogue's eva: section
            lines = load_debt_lines(debt_lines or [], catalog=ws.catalog)
            p = period_or_latest(ws, period, entity)
            with spinner(pick(lang, "计算经济增加值…", "computing EVA…")):
                report = ws.eva(
                    p,
                    entity=entity,
                    subtree=subtree,
                    view=v,
                    by=by,
                    level=level or 1,
                    params=eva_params,
                    lines=lines,
                )
            rows = eva_records(report, lang)
            steps = breakdown_records(report, lang)
            caption = unconfirmed_caption(report, lang)
            if f == "xlsx":
                assert output is not None
                write_workbook(
                    output,
                    [
                        (pick(lang, "经济增加值", "eva"), rows, EVA_COLUMNS),
                        (pick(lang, "计算过程", "breakdown"), steps, BREAKDOWN_COLUMNS),
                        (pick(lang, "参数", "parameters"), parameter_records(report, lang), PARAMETER_COLUMNS),
                    ],
                    lang,
                    money,
                )
            elif f == "table":
                title = pick(lang, f"{p} 经济增加值", f"{p} economic value added")
                if len(report.rows) == 1 or breakdown:
                    by_key = {c.key: c for c in BREAKDOWN_COLUMNS}
                    keys: tuple[str, ...] = ("label", "value", "unit", "mark", "formula", "source")
                    if len(report.rows) != 1:
                        keys = ("name", *keys)
                    else:
                        title += pick(lang, f"：{report.rows[0].name}", f": {report.rows[0].name}")
                    cols = [by_key[k] for k in keys]
                    emit(steps, cols, fmt=f, output=output, lang=lang, title=title, caption=caption, unit=money)
                else:
                    emit(
                        rows,
                        EVA_TABLE_COLUMNS,
                        fmt=f,
                        output=output,
                        lang=lang,
                        title=title,
                        caption=caption,
                        unit=money,
                    )
            elif breakdown:
                emit(steps, BREAKDOWN_COLUMNS, fmt=f, output=output, lang=lang, sheet="breakdown", unit=money)
            else:
                emit(rows, EVA_COLUMNS, fmt=f, output=output, lang=lang, sheet="eva", unit=money)

    run(lang, body)
