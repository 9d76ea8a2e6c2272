"""``guozi indicators``: the panel, from the store or from files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    StoreOpt,
    UnitOpt,
    outputs,
    parse_lang,
    parse_period,
    print_panel,
    run,
    scorecard_title,
    spinner,
    workspace,
)
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import Text, pick

if TYPE_CHECKING:
    from guozi.engine.panel import Basis, View
    from guozi.workspace import Workspace

VIEW_NAMES = {
    "children": Text("节点汇总", "sum of direct subsidiaries"),
    "leaves": Text("完全汇总", "sum of leaves"),
    "level": Text("分层汇总", "by level"),
    "consolidated": Text("计算合并", "computed consolidated"),
    "reported": Text("合并", "reported"),
}


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
        str,
        typer.Option(
            "--view",
            help="reported (合并) | children (节点汇总) | leaves (完全汇总) | consolidated (计算合并, with the filed 合并)",
        ),
    ] = "reported",
    basis: Annotated[str, typer.Option("--basis", help="ytd (本年累计) | month (当月)")] = "ytd",
    same_basis: Annotated[
        bool,
        typer.Option(
            "--same-basis",
            help="上年同期按本期口径（同口径）计算 / prior year on this period's tree (default: 报告口径, as reported then)",
        ),
    ] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb | spark (with --data: a lake or a contract folder)")
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", envvar="GUOZI_SPARK_MASTER", help="Spark master URL (default local[*])"),
    ] = None,
    spark_conf: Annotated[
        list[str] | None, typer.Option("--spark-conf", help="extra Spark setting KEY=VALUE (repeatable)")
    ] = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """计算指标面板。 Compute the indicator panel."""
    from guozi.engine.backends import ENGINES, find_lake

    lang = parse_lang(lang)

    def body() -> None:
        f, money = outputs(fmt, unit, output)
        if engine not in ENGINES:
            raise GuoziError(
                f"--engine 应为 {'、'.join(ENGINES)}，实为 {engine}",
                f"--engine must be {', '.join(ENGINES)}, not {engine}",
            )
        if view not in ("reported", "children", "leaves", "consolidated"):
            raise GuoziError(
                f"--view 应为 reported、children、leaves 或 consolidated，实为 {view}",
                f"--view must be reported, children, leaves or consolidated, not {view}",
            )
        if basis not in ("ytd", "month"):
            raise GuoziError(f"--basis 应为 ytd 或 month，实为 {basis}", f"--basis must be ytd or month, not {basis}")
        lake = data is not None and len(data) == 1 and find_lake(data[0]) is not None
        opened = (
            files_workspace(engine, data, catalog, spark_master, spark_conf or [])
            if engine == "spark" or lake
            else workspace(store, catalog, data)
        )
        with spinner(pick(lang, "读取数据…", "reading…")), opened as ws:
            p = parse_period(period) if period else ws.default_period(entity)
            v: View = "level" if (by is not None or level is not None) else view  # type: ignore[assignment]
            b: Basis = basis  # type: ignore[assignment]
            panel = ws.indicators(
                p,
                regime=regime,
                indicators=indicator,
                entity=entity,
                view=v,
                by=by,
                level=level or 1,
                basis=b,
                same_basis=same_basis,
            )
            title = ""
            if f == "table":
                reg = ws.catalog.regime(regime) if regime else ws.catalog.regime_for(p.year)
                title = f"{p} {reg.name(lang)}" + (pick(lang, "（当月）", " (month)") if b == "month" else "")
            if entity is not None and by is None and level is None and f == "table":
                title = scorecard_title(ws, panel, entity, lang) + (
                    pick(lang, f"（{VIEW_NAMES[v].zh}）", f" ({VIEW_NAMES[v].en})") if v != "reported" else ""
                )
            if same_basis and f == "table":
                title += pick(lang, "（上年同期：同口径）", " (prior year: same basis)")
        if v == "consolidated":
            from guozi.cli.reconcile import print_consolidated

            print_consolidated(panel, ws, fmt=f, output=output, lang=lang, title=title)
            return
        print_panel(panel, ws, fmt=f, output=output, lang=lang, title=title, unit=money)

    run(lang, body)


@contextmanager
def files_workspace(
    engine: str, data: list[Path] | None, catalog: list[Path] | None, master: str | None, conf: list[str]
) -> Iterator[Workspace]:
    """The read-only workspace of ``--engine``/a lake over the one ``--data``: :meth:`Workspace.over_lake`."""
    if not data or len(data) != 1:
        raise GuoziError(
            f"--engine {engine} 需要一个 --data：guozi export 导出的湖，或一个数据文件夹",
            f"--engine {engine} needs one --data: a lake written by guozi export, or a contract folder",
        )
    from guozi.workspace import Workspace

    with Workspace.over_lake(data[0], engine=engine, catalog_files=catalog or [], master=master, conf=conf) as ws:
        yield ws
