"""``guozi export``: the store (or checked files) as a Parquet lake for Spark and other engines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import CatalogOpt, LangOpt, StoreOpt, out, parse_lang, run, spinner, workspace
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import is_zh, pick


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="the lake's folder (created; must be new or a lake)")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet (facts partitioned by year)")] = "parquet",
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="export these files/folders (checked) instead of the store")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="replace a lake already at --output")] = False,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """导出事实与企业为 Parquet 数据湖（按年分区）。 Export facts and entities as a Parquet lake, by year."""
    from guozi.store.export import FORMATS

    lang = parse_lang(lang)

    def body() -> None:
        if fmt not in FORMATS:
            raise GuoziError(
                f"--format 应为 {'、'.join(FORMATS)}，实为 {fmt}", f"--format must be {', '.join(FORMATS)}, not {fmt}"
            )
        with spinner(pick(lang, "导出…", "exporting…")), workspace(store, catalog, data) as ws:
            report = ws.export_parquet(output, overwrite=overwrite)
        first, last = (report.periods[0], report.periods[-1]) if report.periods else ("—", "—")
        if is_zh(lang):
            out.print(
                f"已导出 {report.facts:,} 条事实（{first} 至 {last}，{len(report.periods)} 个期间）、"
                f"{report.entities:,} 行企业、{report.targets:,} 条目标到 {report.output}"
            )
        else:
            out.print(
                f"exported {report.facts:,} facts ({first} to {last}, {len(report.periods)} periods), "
                f"{report.entities:,} entity rows and {report.targets:,} targets to {report.output}"
            )

    run(lang, body)
