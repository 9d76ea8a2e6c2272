"""``guozi report``: the monthly analysis report (经济运行分析报告) as HTML, PDF, Word or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    DataOpt,
    LangOpt,
    PeriodOpt,
    StoreOpt,
    check_output,
    err,
    parse_lang,
    period_or_latest,
    run,
    spinner,
    workspace,
)
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick

if TYPE_CHECKING:
    from guozi.report import ReportFormat


REPORT_SUFFIXES = {"html": (".html", ".htm"), "pdf": (".pdf",), "docx": (".docx",), "xlsx": (".xlsx",)}


def parse_report_format(value: str | None, output: Path) -> ReportFormat:
    """``--format``, or the output file's suffix when it is not given."""
    from guozi.report import FORMATS

    text = (value or output.suffix.lstrip(".") or "html").lower()
    if text == "htm":
        text = "html"
    if text not in FORMATS:
        raise GuoziError(
            f"--format 应为 html、pdf、docx 或 xlsx，实为 {text}",
            f"--format must be html, pdf, docx or xlsx, not {text}",
        )
    return text


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="the report file to write")],
    period: PeriodOpt = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="the group or subtree (default: the top of the tree)")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="html | pdf | docx | xlsx (default: from --output's suffix)")
    ] = None,
    data: DataOpt = None,
    benchmark: Annotated[
        bool, typer.Option("--benchmark", help="add 对标 (peers, standard-value bands, world-class peers)")
    ] = False,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """经济运行分析报告（总体情况、考核指标、增减因素、趋势、风险、EVA、附表）。 The monthly analysis report."""
    from guozi.report import write_report

    lang = parse_lang(lang)

    def body() -> None:
        f = parse_report_format(fmt, output)
        check_output(output, REPORT_SUFFIXES[f], f)  # before the minute of work, not after it
        with workspace(store, catalog, data) as ws:
            p = period_or_latest(ws, period, entity)
            with spinner(pick(lang, "编写报告…", "writing the report…")):
                content = ws.report(p, entity=entity, benchmark=benchmark)
                annex = write_report(content, output, f, lang)
        err.print(f"{output}" + pick(lang, f"（{content.title(lang)}）", f" ({content.title(lang)})"))
        if annex is not None:
            err.print(f"{annex}" + pick(lang, "（附表）", " (appendix tables)"))

    run(lang, body)
