"""``guozi indicators``: the panel, from the store or from files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    StoreOpt,
    parse_format,
    parse_lang,
    parse_period,
    print_panel,
    run,
    scorecard_title,
    spinner,
    workspace,
)
from guozi.engine.panel import Basis, View
from guozi.errors import GuoziError


@app.command()
def indicators(
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM (default: the latest in the data)")] = None,
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="compute from these files/folders instead of the store")
    ] = None,
    regime: Annotated[
        str | None, typer.Option("--regime", help="regime year, e.g. 2023 (default: the period's year)")
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="indicator code(s) instead of the regime's")
    ] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="one entity (or, with --by, its subtree)")] = None,
    by: Annotated[str | None, typer.Option("--by", help="group the entities of --level by this entity column")] = None,
    level: Annotated[int | None, typer.Option("--level", help="tree level to aggregate (1 = tops of the tree)")] = None,
    view: Annotated[
        str, typer.Option("--view", help="reported (合并) | children (节点汇总) | leaves (完全汇总)")
    ] = "reported",
    basis: Annotated[str, typer.Option("--basis", help="ytd (本年累计) | month (当月)")] = "ytd",
    engine: Annotated[str, typer.Option("--engine", help="duckdb | spark")] = "duckdb",
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """计算指标面板。 Compute the indicator panel."""
    lang = parse_lang(lang)

    def body() -> None:
        f = parse_format(fmt)
        if engine != "duckdb":
            raise GuoziError("Spark 引擎尚未实现（见 issue 7）", "the Spark engine is not implemented yet (issue 7)")
        if view not in ("reported", "children", "leaves"):
            raise GuoziError(
                f"--view 应为 reported、children 或 leaves，实为 {view}",
                f"--view must be reported, children or leaves, not {view}",
            )
        if basis not in ("ytd", "month"):
            raise GuoziError(f"--basis 应为 ytd 或 month，实为 {basis}", f"--basis must be ytd or month, not {basis}")
        if f == "xlsx" and output is None:
            raise GuoziError("xlsx 格式需要 --output 文件", "the xlsx format needs --output FILE")
        with spinner("读取数据…" if lang == "zh" else "reading…"), workspace(store, catalog, data) as ws:
            p = parse_period(period) if period else ws.latest_period()
            v: View = "level" if (by is not None or level is not None) else view  # type: ignore[assignment]
            panel = ws.indicators(
                p,
                regime=regime,
                indicators=indicator,
                entity=entity,
                view=v,
                by=by,
                level=level or 1,
                basis=basis,  # type: ignore[arg-type]
            )
            b: Basis = basis  # type: ignore[assignment]
            title = ""
            if f == "table":
                reg = ws.catalog.regime(regime) if regime else ws.catalog.regime_for(p.year)
                title = f"{p} {reg.name(lang)}" + (("（当月）" if lang == "zh" else " (month)") if b == "month" else "")
            if entity is not None and by is None and level is None and f == "table":
                title = scorecard_title(ws, panel, entity, lang) + (f"（{v}）" if v != "reported" else "")
        print_panel(panel, ws, fmt=f, output=output, lang=lang, title=title)

    run(lang, body)
