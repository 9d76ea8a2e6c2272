"""``guozi template``: a subsidiary's monthly report form (xlsx), ready to fill and import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    LangOpt,
    StoreOpt,
    check_output,
    err,
    parse_lang,
    parse_period,
    run,
    workspace,
)
from guozi.kernel.text import pick


@app.command()
def template(
    entity: Annotated[str, typer.Option("--entity", help="the entity_id the form is for")],
    period: Annotated[str, typer.Option("--period", help="YYYY-MM")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the form to write (.xlsx)")],
    unit: Annotated[str, typer.Option("--unit", help="money unit of the form: 元 千元 万元 百万元 亿元")] = "万元",
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """生成月报填报模板（按报表分表、单位明确、数字校验、附上期数）。 Write the monthly report form."""
    lang = parse_lang(lang)

    def body() -> None:
        p = parse_period(period)
        check_output(output, (".xlsx",), "xlsx")
        with workspace(store, catalog) as ws:
            path = ws.template(entity, p, output, unit=unit, lang=lang)
        err.print(
            pick(lang, f"已生成 {entity} {p} 的填报模板：{path}", f"wrote the report form of {entity} for {p}: {path}")
        )

    run(lang, body)
