"""``guozi peers``: ranks and gaps against peers, standard-value bands and scores, world-class peers."""

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
    OutputOpt,
    PeriodOpt,
    StoreOpt,
    err,
    need_file,
    parse_format,
    parse_lang,
    period_or_latest,
    run,
    spinner,
    workspace,
)
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick
from guozi.presentation.output import emit

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
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """同行对标、绩效评价标准值评分与对标世界一流。 Benchmark against peers, standard values and world-class peers."""
    from guozi.analyses.benchmark import (
        load_params,
        load_sizes,
        load_standards,
        peer_columns,
        peer_records,
        score_columns,
        score_records,
        size_period,
    )
    from guozi.analyses.benchmark.world import (
        load_peer_set,
        load_rates,
        world_columns,
        world_company_columns,
        world_company_records,
        world_records,
    )

    lang = parse_lang(lang)

    def body() -> None:
        f = parse_format(fmt)
        need_file(f, output)
        if standards and world:
            raise GuoziError(
                "--standards 与 --world 请分别运行", "run --standards and --world separately (one table each)"
            )
        if entity is None and not standards:
            raise GuoziError("需要 --entity", "--entity is required")
        bp = load_params(params or [])
        with workspace(store, catalog, data, lang=lang) as ws:
            p = period_or_latest(ws, period)
            if standards:
                files = [] if [str(s) for s in standards] == [EXAMPLE] else list(standards)
                sz = load_sizes(sizes)
                table = load_standards(files, ws, params=bp, sizes=sz)
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
                    scores = ws.standard_scores(p, entity=entity, level=level, standards=table, params=bp, sizes=sz)
                title = pick(lang, f"{p} 绩效评价标准值对标", f"{p} against the standard values")
                rows, columns = score_records(scores, lang), score_columns(bp, lang, table=f == "table")
                sheet = "standard_scores"
            elif world:
                assert entity is not None
                year = size_period(p).year
                if p.month != 12:
                    err.print(
                        pick(
                            lang,
                            f"对标世界一流按全年数据：使用 {year} 年 12 月",
                            f"world comparisons use full years: {year}-12 is used",
                        )
                    )
                ps = load_peer_set(peer_set, ws.catalog, params=bp) if peer_set else None
                with spinner(pick(lang, "计算…", "computing…")):
                    report = ws.world_comparison(
                        year, entity, peer_set=ps, rates=load_rates(rates or []), indicators=indicator,
                        exclude=exclude or [], params=bp,
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
                title = (
                    pick(
                        lang,
                        f"{report.name} 对标世界一流（{report.peer_set}，{year} 财年）",
                        f"{report.name} against {report.peer_set}, FY{year}",
                    )
                )
                if detail:
                    rows, columns = world_company_records(report, lang), world_company_columns(lang)
                    sheet = "world_peers"
                else:
                    rows, columns = world_records(report, lang), world_columns(lang, table=f == "table")
                    sheet = "world"
            else:
                assert entity is not None
                with spinner(pick(lang, "计算…", "computing…")):
                    report_p = ws.peers(
                        p, entity, by=by, level=level, indicators=indicator, min_peers=min_peers, params=bp
                    )
                if report_p.group.note_zh:
                    err.print(pick(lang, report_p.group.note_zh, report_p.group.note_en))
                title = (
                    pick(
                        lang,
                        f"{report_p.name} {p} 同行对标：{report_p.group.describe(lang)}",
                        f"{report_p.name} {p} against peers: {report_p.group.describe(lang)}",
                    )
                )
                rows, columns = peer_records(report_p, lang), peer_columns(lang, table=f == "table")
                sheet = "peers"
            emit(rows, columns, fmt=f, output=output, lang=lang, title=title, sheet=sheet)

    run(lang, body)
