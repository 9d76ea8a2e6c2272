"""``guozi peers``: ranks and gaps against peers, standard-value bands and scores, world-class peers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    DataOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PeriodOpt,
    StoreOpt,
    UnitOpt,
    err,
    outputs,
    parse_lang,
    period_or_latest,
    run,
    spinner,
    workspace,
)
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick
from guozi.presentation.output import Column, emit

if TYPE_CHECKING:
    from guozi.analyses.benchmark import BenchmarkParams
    from guozi.kernel.periods import Period
    from guozi.workspace import Workspace

EXAMPLE = "example"


@app.command()
def peers(
    period: PeriodOpt = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="the enterprise benchmarked (with --standards: optional)")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="peers share this entity column (default industry)")] = "industry",
    level: Annotated[
        int | None, typer.Option("--level", help="tree level of the peers (default: the entity's own)")
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="indicator code(s) instead of the regime's")
    ] = None,
    min_peers: Annotated[
        int | None, typer.Option("--min-peers", help="widen a division (C37) to its section (C) below this")
    ] = None,
    standards: Annotated[
        list[Path] | None,
        typer.Option(
            "--standards", help="standard-value table(s) (企业绩效评价标准值); 'example' for the illustration"
        ),
    ] = None,
    world: Annotated[bool, typer.Option("--world", help="compare with world-class peers (Fortune Global 500)")] = False,
    detail: Annotated[bool, typer.Option("--detail", help="with --world: one row per company and indicator")] = False,
    peer_set: Annotated[Path | None, typer.Option("--peer-set", help="your own external peer set (csv/xlsx)")] = None,
    rates: Annotated[
        list[Path] | None, typer.Option("--rates", help="yearly average exchange rates adding to the shipped ones")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="with --world: leave this company of the set out")
    ] = None,
    params: Annotated[
        list[Path] | None, typer.Option("--params", help="override params/benchmark.yaml (weights, band scores …)")
    ] = None,
    sizes: Annotated[Path | None, typer.Option("--sizes", help="your own size-class table (size_classes.yaml)")] = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """同行对标、绩效评价标准值评分与对标世界一流。 Benchmark against peers, standard values and world-class peers."""
    from guozi.analyses.benchmark import load_params

    lang = parse_lang(lang)

    def body() -> None:
        f, money = outputs(fmt, unit, output)
        if standards and world:
            raise GuoziError(
                "--standards 与 --world 请分别运行", "run --standards and --world separately (one table each)"
            )
        if entity is None and not standards:
            raise GuoziError("需要 --entity", "--entity is required")
        with workspace(store, catalog, data, lang=lang) as ws:
            bp = load_params(params or [], catalog=ws.catalog)  # after the catalogue's benchmark: section
            p = period_or_latest(ws, period, entity)
            ask = _Ask(ws, p, entity, level, indicator, bp, lang, f == "table")
            if standards:
                out = _standard_scores(ask, standards, sizes)
            elif world:
                out = _world(ask, peer_set, rates or [], exclude or [], detail)
            else:
                out = _peers(ask, by, min_peers)
            emit(out.rows, out.columns, fmt=f, output=output, lang=lang, title=out.title, sheet=out.sheet, unit=money)

    run(lang, body)


@dataclass(frozen=True)
class _Ask:
    """What every table of ``guozi peers`` is asked for."""

    ws: Workspace
    period: Period
    entity: str | None
    level: int | None
    indicators: list[str] | None
    params: BenchmarkParams
    lang: str
    table: bool  # the terminal's shorter set of columns


class _Out(NamedTuple):
    rows: list[dict[str, Any]]
    columns: list[Column]
    title: str
    sheet: str


def _standard_scores(ask: _Ask, standards: list[Path], sizes: Path | None) -> _Out:
    """The scores against the standard values (企业绩效评价标准值), the example table when asked."""
    from guozi.analyses.benchmark import load_sizes, load_standards, score_columns, score_records

    lang, p = ask.lang, ask.period
    files = [] if [str(s) for s in standards] == [EXAMPLE] else list(standards)
    sz = load_sizes(sizes, catalog=ask.ws.catalog)
    table = load_standards(files, ask.ws, params=ask.params, sizes=sz)
    if table.illustration:
        err.print(
            pick(
                lang,
                "[yellow]注意：所用标准值为示例（非官方数据），请用 --standards 文件载入正式的企业绩效评价标准值[/yellow]",
                "[yellow]note: these standard values are an illustration, not official; "
                "load the real table with --standards FILE[/yellow]",
            )
        )
    with spinner(pick(lang, "计算…", "computing…")):
        scores = ask.ws.standard_scores(
            p, entity=ask.entity, level=ask.level, standards=table, params=ask.params, sizes=sz
        )
    title = pick(lang, f"{p} 绩效评价标准值对标", f"{p} against the standard values")
    return _Out(score_records(scores, lang), score_columns(ask.params, lang, table=ask.table), title, "standard_scores")


def _world(ask: _Ask, peer_set: Path | None, rates: list[Path], exclude: list[str], detail: bool) -> _Out:
    """The full year's figures against world-class peers (the shipped Fortune Global 500 set or ``peer_set``)."""
    from guozi.analyses.benchmark import size_period
    from guozi.analyses.benchmark.world import (
        latest_fiscal_year,
        load_peer_set,
        load_rates,
        world_columns,
        world_company_columns,
        world_company_records,
        world_records,
    )

    lang, p = ask.lang, ask.period
    assert ask.entity is not None
    year = size_period(p).year
    if p.month != 12:
        err.print(
            pick(
                lang,
                f"对标世界一流按全年数据：使用 {year} 年 12 月",
                f"world comparisons use full years: {year}-12 is used",
            )
        )
    ps = load_peer_set(peer_set, ask.ws.catalog, params=ask.params)
    year, note_zh, note_en = latest_fiscal_year(ps, year)
    if note_zh:
        err.print(f"[yellow]{pick(lang, note_zh, note_en)}[/yellow]")
    with spinner(pick(lang, "计算…", "computing…")):
        report = ask.ws.world_comparison(
            year, ask.entity, peer_set=ps, rates=load_rates(rates), indicators=ask.indicators,
            exclude=exclude, params=ask.params,
        )  # fmt: skip
    if any(c.second_hand for c in report.companies):
        err.print(
            pick(
                lang,
                "[yellow]注意：对标集数据为二手来源（见 --detail 的来源与说明列）[/yellow]",
                "[yellow]note: the peer set's figures are second-hand (see the source and note "
                "columns of --detail)[/yellow]",
            )
        )
    title = pick(
        lang,
        f"{report.name} 对标世界一流（{report.peer_set}，{year} 财年）",
        f"{report.name} against {report.peer_set}, FY{year}",
    )
    if detail:
        return _Out(world_company_records(report, lang), world_company_columns(lang), title, "world_peers")
    return _Out(world_records(report, lang), world_columns(lang, table=ask.table), title, "world")


def _peers(ask: _Ask, by: str, min_peers: int | None) -> _Out:
    """The entity's rank and gaps among the peers sharing its ``by`` column."""
    from guozi.analyses.benchmark import peer_columns, peer_records

    lang, p = ask.lang, ask.period
    assert ask.entity is not None
    with spinner(pick(lang, "计算…", "computing…")):
        report = ask.ws.peers(
            p, ask.entity, by=by, level=ask.level, indicators=ask.indicators, min_peers=min_peers, params=ask.params
        )
    if report.group.note_zh:
        err.print(pick(lang, report.group.note_zh, report.group.note_en))
    title = pick(
        lang,
        f"{report.name} {p} 同行对标：{report.group.describe(lang)}",
        f"{report.name} {p} against peers: {report.group.describe(lang)}",
    )
    return _Out(peer_records(report, lang), peer_columns(lang, table=ask.table), title, "peers")
