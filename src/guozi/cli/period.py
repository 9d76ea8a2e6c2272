"""``guozi period``: the monthly reporting cycle — open a month for filing, see who has filed, close, reopen.

Each step is an appended event in the store and an entry of the audit log (see
:mod:`guozi.workspace.periods` for who is expected to file and how a status is decided).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from guozi.cli.app import app
from guozi.cli.common import (
    FormatOpt,
    LangOpt,
    OutputOpt,
    StoreOpt,
    err,
    need_file,
    parse_format,
    parse_lang,
    parse_period,
    run,
    workspace,
    write_workbook,
)
from guozi.kernel.errors import GuoziError
from guozi.kernel.text import pick
from guozi.presentation.output import Format, emit, print_table, rich_table

if TYPE_CHECKING:
    from guozi.workspace.filings import PeriodStatus

period_app = typer.Typer(
    name="period",
    help="月度填报周期：开启填报、上报情况、关账、重新打开。 The monthly reporting cycle: open, status, close, reopen.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(period_app, name="period")

PeriodArg = Annotated[str, typer.Argument(help="期间 YYYY-MM period")]
UserOpt = Annotated[str, typer.Option("--user", help="who acts (default: the login name)")]
SubtreeOpt = Annotated[str | None, typer.Option("--entity", help="只对该企业及其下属企业 only this entity's subtree")]
STATUSES = ("missing", "draft", "submitted", "returned", "approved")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise GuoziError(
            f"--deadline 日期格式错误：{value!r}，应为 YYYY-MM-DD",
            f"bad --deadline {value!r}; expected YYYY-MM-DD",
        ) from None


def _title(status: PeriodStatus, lang: str) -> str:
    root = status.root or pick(lang, "全部企业", "the whole tree")
    state = {"unopened": ("未开启", "not opened"), "open": ("填报中", "open"), "closed": ("已关账", "closed")}
    zh, en = state[status.state]
    due = pick(lang, f" · 截止 {status.deadline}", f" · due {status.deadline}")
    due = due if status.deadline else ""
    return pick(
        lang,
        f"{status.period} 上报情况 · {root} · {zh} · 已通过 {status.approved}/{status.expected}{due}",
        f"{status.period} filing status · {root} · {en} · approved {status.approved}/{status.expected}{due}",
    )


def _write(
    status: PeriodStatus, rows: list[dict[str, Any]], *, fmt: Format, output: Path | None, lang: str, counts: bool
) -> None:
    """Entities and counts: both in xlsx and in the table format, one of them in csv and json."""
    from guozi.workspace.filings import COUNT_COLUMNS, FILING_COLUMNS, count_rows

    tally = count_rows(status, lang)
    if fmt == "xlsx":
        assert output is not None
        sheets = [(pick(lang, "上报情况", "filings"), rows, FILING_COLUMNS)]
        write_workbook(output, [*sheets, (pick(lang, "统计", "counts"), tally, COUNT_COLUMNS)], lang, None)
        return
    if fmt in ("csv", "json"):
        sheet = (tally, COUNT_COLUMNS) if counts else (rows, FILING_COLUMNS)
        emit(sheet[0], sheet[1], fmt=fmt, output=output, lang=lang)
        return
    title = _title(status, lang)
    if output is None:  # Rich tables on a wide terminal, plain tab-separated lines for a pipe
        if not counts:
            print_table(Console(), rows, FILING_COLUMNS, lang, title)
        print_table(Console(), tally, COUNT_COLUMNS, lang, title if counts else "")
        return
    tables = [] if counts else [rich_table(rows, FILING_COLUMNS, lang, title)]
    tables.append(rich_table(tally, COUNT_COLUMNS, lang, title if counts else ""))
    with output.open("w", encoding="utf-8") as fh:
        file_console = Console(file=fh, width=200, color_system=None)
        for t in tables:
            file_console.print(t)


@period_app.command("open")
def open_(
    period: PeriodArg,
    deadline: Annotated[str, typer.Option("--deadline", help="截止日期 YYYY-MM-DD the filing deadline")],
    entity: SubtreeOpt = None,
    store: StoreOpt = None,
    user: UserOpt = "",
    lang: LangOpt = "zh",
) -> None:
    """开启某月的填报（再次开启即修改截止日期）。 Open a month for filing (again: a new deadline)."""
    lang = parse_lang(lang)

    def body() -> None:
        p = parse_period(period)
        due = _day(deadline)
        if due < date(p.year, p.month, 1):
            raise GuoziError(
                f"截止日期 {due} 早于期间 {p} 的第一天", f"the deadline {due} is before the first day of {p}"
            )
        with workspace(store) as ws:
            ws.open_period(p, due, entity=entity, user=user)
            now = ws.filing_progress(p, entity=entity)
            done, expected = now.approved, now.expected
        where = entity or pick(lang, "全部企业", "the whole tree")
        err.print(
            pick(
                lang,
                f"已开启 {p} 的填报（{where}），截止 {due}；应报 {expected} 户，已通过 {done} 户",
                f"opened {p} for filing ({where}), due {due}; {expected} expected, {done} approved",
            )
        )

    run(lang, body)


@period_app.command("status")
def status(
    period: Annotated[
        str | None, typer.Option("--period", help="YYYY-MM (default: the latest month open for filing)")
    ] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="该企业及其下属企业 this entity's subtree")] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--status", help="只列该状态 only this status (repeatable): " + "|".join(STATUSES)),
    ] = None,
    counts: Annotated[bool, typer.Option("--counts", help="只输出按层级的统计 the counts per level only")] = False,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """每户应报企业的上报状态、填报人与时间、是否逾期，按状态与层级统计。 Who has filed, who has not."""
    lang = parse_lang(lang)

    def body() -> None:
        f = parse_format(fmt)
        need_file(f, output)
        wanted = list(only or [])
        bad = [s for s in wanted if s not in STATUSES]
        if bad:
            raise GuoziError(
                f"--status 应为 {'、'.join(STATUSES)} 之一，实为 {'、'.join(bad)}",
                f"--status must be one of {', '.join(STATUSES)}, not {', '.join(bad)}",
            )
        p = parse_period(period) if period else None
        with workspace(store) as ws:
            found = ws.period_status(p, entity=entity)
        rows = [x.record(lang) for x in found.filings if not wanted or x.status in wanted]
        _write(found, rows, fmt=f, output=output, lang=lang, counts=counts)

    run(lang, body)


@period_app.command("close")
def close(
    period: PeriodArg,
    entity: SubtreeOpt = None,
    store: StoreOpt = None,
    user: UserOpt = "",
    lang: LangOpt = "zh",
) -> None:
    """关账：此后不能再导入或上报该月数据（可只关某一子树，含此后新增到该子树的企业）。 Close a month (or one subtree,
    an entity added to it later included): no import or upload into it."""
    lang = parse_lang(lang)

    def body() -> None:
        p = parse_period(period)
        with workspace(store) as ws:
            ws.close_period(p, user=user, entity=entity)
            now = ws.filing_progress(p, entity=entity)
            done, expected = now.approved, now.expected
        where = f"（{entity} 及其下属企业）" if entity else ""
        err.print(
            pick(
                lang,
                f"已关账 {p}{where}：应报 {expected} 户，已通过 {done} 户",
                f"closed {p}{f' for {entity} and below' if entity else ''}: {expected} expected, {done} approved",
            )
        )

    run(lang, body)


@period_app.command("reopen")
def reopen(
    period: PeriodArg,
    reason: Annotated[str, typer.Option("--reason", help="重新打开的原因（记入审计日志） why, kept in the audit log")],
    entity: SubtreeOpt = None,
    store: StoreOpt = None,
    user: UserOpt = "",
    lang: LangOpt = "zh",
) -> None:
    """重新打开已关账的月份（须说明原因；可只开某一子树）。 Reopen a closed month (or one subtree), with a reason."""
    lang = parse_lang(lang)

    def body() -> None:
        p = parse_period(period)
        with workspace(store) as ws:
            ws.reopen_period(p, reason, user=user, entity=entity)
        where = pick(lang, f"（{entity} 及其下属企业）", f" for {entity} and below") if entity else ""
        err.print(pick(lang, f"已重新打开 {p}{where}", f"reopened {p}{where}"))

    run(lang, body)
