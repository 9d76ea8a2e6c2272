"""``guozi demo``: the bundled demo group, imported and shown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    LangOpt,
    StoreOpt,
    err,
    parse_lang,
    print_panel,
    run,
    scorecard_title,
    spinner,
    workspace,
)
from guozi.kernel.text import pick


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--folder", help="where to write the demo's data files")] = Path("guozi-demo"),
    store: StoreOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """导入演示集团数据并显示最新月份的「一利五率」。 Import the demo group and show its scorecard."""
    from guozi.demo import generate_group, write_group

    lang = parse_lang(lang)

    def body() -> None:
        with spinner(pick(lang, "生成演示数据…", "generating the demo data…")):
            write_group(generate_group(), folder)
        with workspace(store) as ws:
            with spinner(pick(lang, "导入…", "importing…")):
                report = ws.import_files([folder], user="demo")
            n_new = len(report.result.submissions)
            msg = pick(
                lang,
                f"已导入 {report.facts:,} 条数据（{n_new} 个文件）到 {ws.store.url}"
                if n_new
                else f"演示数据已在 {ws.store.url} 中，未重复导入",
                f"imported {report.facts:,} facts ({n_new} files) into {ws.store.url}"
                if n_new
                else f"the demo is already in {ws.store.url}; nothing imported again",
            )
            err.print(msg)
            period = ws.default_period()
            roots = ws.tree().at(period)
            top = str(roots[roots.level == 1].entity_id.iloc[0])
            panel = ws.indicators(period, entity=top)
            print_panel(panel, ws, fmt="table", output=None, lang=lang, title=scorecard_title(ws, panel, top, lang))

    run(lang, body)
