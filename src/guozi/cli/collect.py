"""``guozi import`` and ``guozi check``: bringing data in, safely."""

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
    err,
    parse_format,
    parse_lang,
    run,
    show_problems,
    spinner,
)
from guozi.workspace import Workspace


@app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="folders or files: entities.*, facts.*, targets.* (csv, parquet, xlsx)")
    ],
    store: StoreOpt = None,
    user: Annotated[str, typer.Option("--user", help="who submits (default: the login name)")] = "",
    reason: Annotated[str, typer.Option("--reason", help="why (required to restate a closed period)")] = "",
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """导入数据（原子操作：全部成功或全部不写入）。 Load files atomically."""
    lang = parse_lang(lang)

    def body() -> None:
        ws = Workspace.open(store, catalog_files=catalog or [])
        with spinner("校验并导入…" if lang == "zh" else "checking and importing…"):
            report = ws.import_files(paths, user=user, reason=reason)
        for name, sid in report.result.skipped:
            err.print(
                f"{name}：内容与第 {sid} 次提交相同，未重复导入"
                if lang == "zh"
                else f"{name}: same content as submission {sid}; not imported again"
            )
        for s in report.result.submissions:
            err.print(
                f"{Path(s.source).name}：已导入 {s.rows:,} 行（提交 {s.id}）"
                if lang == "zh"
                else f"{Path(s.source).name}: imported {s.rows:,} rows (submission {s.id})"
            )
        notices = [p for p in report.batch.problems if p.severity != "blocking"]
        if notices:
            show_problems(notices, lang)
        ws.close()

    run(lang, body)


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="folders or files to check")],
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """校验文件，不写入任何数据，列出全部问题。 Validate files, change nothing, list every problem."""
    lang = parse_lang(lang)

    def body() -> None:
        f = parse_format(fmt)
        ws = Workspace.open(store, catalog_files=catalog or [])
        batch = ws.check(paths)
        ws.close()
        if batch.problems:
            show_problems(batch.problems, lang, f, output)
        if batch.blocking:
            raise typer.Exit(2)
        n = 0 if batch.facts is None else batch.facts.num_rows
        err.print(
            f"校验通过：{len(batch.files)} 个文件，{n:,} 条数据"
            if lang == "zh"
            else f"valid: {len(batch.files)} file(s), {n:,} facts"
        )

    run(lang, body)
