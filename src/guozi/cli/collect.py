"""``guozi import`` and ``guozi check``: bringing data in, safely.

Explanations of 核实 (verify) problems: ``--explain RULE:ROW=TEXT`` (``RULE:SHEET!ROW=TEXT`` for a
report template), repeatable, or ``--explanations FILE.csv`` with the columns
``file,row,rule,explanation`` (and optionally ``sheet``). Without them an import with 核实
problems is refused (exit 2) and the keys to explain are listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    StoreOpt,
    err,
    need_file,
    parse_format,
    parse_lang,
    run,
    show_problems,
    workspace,
)
from guozi.kernel.errors import Severity
from guozi.kernel.text import is_zh, pick

if TYPE_CHECKING:
    from guozi.ingest.readers import Progress as ProgressFn
    from guozi.kernel.periods import Period
    from guozi.workspace.collect import Explain

RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules", help="your own validation rule file(s), overriding or adding rules (validation.yaml shape)"
    ),
]
STAGES = {
    "read": ("读取并校验文件", "reading and checking files"),
    "rules": ("按规则核对", "applying the rules"),
    "write": ("写入（单个事务）", "writing (one transaction)"),
}


class RowsPerSecond(ProgressColumn):
    """The rows a stage has done and its rows per second since it began (stages counting rows only)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.words = pick(lang, "{n} 行 · {r} 行/秒", "{n} rows · {r} rows/s")

    def render(self, task: Task) -> Text:
        """``1,234,567 行 · 456,789 行/秒`` (``rows · rows/s``); nothing for a stage of one step."""
        if not task.total or task.total <= 1:
            return Text("")
        elapsed = task.finished_time if task.finished else task.elapsed
        rate = task.completed / elapsed if elapsed else 0.0
        return Text(self.words.format(n=f"{task.completed:,.0f}", r=f"{rate:,.0f}"), style="progress.data.speed")


@contextmanager
def progress_bar(lang: str) -> Iterator[ProgressFn | None]:
    """A progress bar on the terminal for long work (nothing when output is redirected), with rows per second."""
    if not err.is_terminal:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        RowsPerSecond(lang),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, object] = {}

        def report(stage: str, done: float, total: float) -> None:
            zh, en = STAGES.get(stage, (stage, stage))
            if stage not in tasks:
                tasks[stage] = bar.add_task(pick(lang, zh, en), total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)  # type: ignore[arg-type]

        yield report


def _explanations(explain: list[str] | None, explanations: Path | None) -> list[Explain]:
    from guozi.workspace.collect import parse_explain, read_explanations

    out = [parse_explain(e) for e in explain or []]
    if explanations is not None:
        out.extend(read_explanations(explanations))
    return out


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="folders or files: entities.*, facts.*, targets.* (csv, parquet, xlsx) or filled report forms"
        ),
    ],
    store: StoreOpt = None,
    user: Annotated[str, typer.Option("--user", help="who submits (default: the login name)")] = "",
    reason: Annotated[
        str, typer.Option("--reason", help="why: required to restate a closed period, stored with the figures")
    ] = "",
    explain: Annotated[
        list[str] | None,
        typer.Option("--explain", help="RULE:ROW=TEXT (RULE:SHEET!ROW=TEXT for a form): explain a 核实 problem"),
    ] = None,
    explanations: Annotated[
        Path | None, typer.Option("--explanations", help="CSV of explanations: file,row,rule,explanation[,sheet]")
    ] = None,
    rules: RulesOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """导入数据（原子操作：全部成功或全部不写入）。 Load files atomically."""
    lang = parse_lang(lang)

    from guozi.workspace.collect import ExplanationRequiredError, explain_key

    def body() -> None:
        given = _explanations(explain, explanations)
        try:
            with workspace(store, catalog) as ws, progress_bar(lang) as report_progress:
                report = ws.import_files(
                    paths, user=user, reason=reason, explanations=given, rules=rules or [], progress=report_progress
                )
        except ExplanationRequiredError as exc:
            show_problems(exc.problems, lang)
            err.print(pick(lang, "需要说明的问题（示例）：", "to explain (for example):"))
            for p in exc.problems[:20]:
                err.print(f"  --explain '{explain_key(p)}=…'")
            if len(exc.problems) > 20:
                err.print(
                    pick(
                        lang,
                        "  … 问题较多时可用 --explanations 文件.csv（列：file,row,rule,explanation,sheet）",
                        "  … for many, use --explanations FILE.csv (columns file,row,rule,explanation,sheet)",
                    )
                )
            err.print(f"[red]{exc.coded(lang)}[/red]")
            raise typer.Exit(2) from None
        for name, sid in report.result.skipped:
            err.print(
                pick(
                    lang,
                    f"{name}：内容与第 {sid} 次提交相同，未重复导入",
                    f"{name}: same content as submission {sid}; not imported again",
                )
            )
        for s in report.result.submissions:
            err.print(
                pick(
                    lang,
                    f"{Path(s.source).name}：已导入 {s.rows:,} 行（提交 {s.id}）",
                    f"{Path(s.source).name}: imported {s.rows:,} rows (submission {s.id})",
                )
            )
        if report.explanations:
            n = len(report.explanations)
            err.print(pick(lang, f"已保存 {n} 条说明", f"{n} explanation(s) stored"))
        notices = [p for p in report.problems if p.severity != Severity.BLOCKING and p.rule != "file.imported"]
        if notices:
            show_problems(notices, lang)

    run(lang, body)


def _closed_note(closed: list[tuple[str, Period]], lang: str) -> None:
    """A warning that some figures lie in a closed month (``guozi period close``): importing them is refused."""
    months = sorted({str(p) for _, p in closed})
    shown = "、".join(f"{e} {p}" for e, p in closed[:5]) + (f" 等 {len(closed)} 项" if len(closed) > 5 else "")
    more = len(closed) - 5
    shown_en = ", ".join(f"{e} {p}" for e, p in closed[:5]) + (f" and {more} more" if more > 0 else "")
    err.print(
        pick(
            lang,
            f"[yellow]注意：期间 {'、'.join(months)} 已关账（{shown}）：本次校验照常进行，但导入或上报会被拒绝；"
            "如需补报，请先 guozi period reopen[/yellow]",
            f"[yellow]note: period {', '.join(months)} is closed ({shown_en}): the check runs as usual, but an import "
            "or upload would be refused; reopen it first (guozi period reopen)[/yellow]",
        )
    )


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="folders or files to check (contract files or filled forms)")],
    store: StoreOpt = None,
    reason: Annotated[str, typer.Option("--reason", help="check as if importing with this restatement reason")] = "",
    rules: RulesOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """校验文件，不写入任何数据，列出全部问题。 Validate files, change nothing, list every problem."""
    lang = parse_lang(lang)

    def body() -> None:
        f = parse_format(fmt)
        need_file(f, output)
        with workspace(store, catalog) as ws, progress_bar(lang) as report_progress:
            # staged: the facts wait in a spilling file, not in memory (a national month fits)
            result = ws.check(paths, reason=reason, rules=rules or [], progress=report_progress, staged=True)
            try:
                closed = ws.closed_figures(result)
            finally:
                if result.batch.staged is not None:
                    result.batch.staged.close()
        if closed:  # the check still runs; an import would be refused
            _closed_note(closed, lang)
        if result.problems:
            show_problems(result.problems, lang, f, output)
        if result.blocking:
            n = len(result.blocking)
            err.print(
                pick(
                    lang,
                    f"[red]有 {n} 个强制问题：不能导入[/red]",
                    f"[red]{n} blocking problem(s): cannot import[/red]",
                )
            )
            raise typer.Exit(2)
        verify = len(result.verify)
        if is_zh(lang):
            msg = f"校验通过：{result.files} 个文件，{result.facts:,} 条数据"
            if verify:
                msg += f"；{verify} 个问题需核实，导入时须逐项说明（--explain 或 --explanations）"
        else:
            msg = f"valid: {result.files} file(s), {result.facts:,} facts"
            if verify:
                msg += f"; {verify} problem(s) to verify need an explanation on import (--explain or --explanations)"
        err.print(msg)

    run(lang, body)
