"""What every command shares: options, exit codes, problem listings and panel printing."""

from __future__ import annotations

import math
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from guozi.kernel.errors import INTERNAL_ERROR, GuoziError, InvalidInputError, Problem
from guozi.kernel.money import DEFAULT_UNIT, DISPLAY_UNITS, UNITS, figure, money_figure, points
from guozi.kernel.periods import RANGE_TEXT, Period
from guozi.kernel.text import LANGS, is_zh, pick
from guozi.presentation.columnar import Records
from guozi.presentation.output import Column, Format, emit, in_unit, write_xlsx

if TYPE_CHECKING:  # the engine (pandas, Ibis) is imported by the commands that compute, not by `guozi --help`
    from guozi.engine.panel import Panel, View
    from guozi.workspace import Workspace

err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 160)

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store", envvar="GUOZI_STORE", help="duckdb:///path.duckdb (default ./guozi.duckdb) or postgresql://…"
    ),
]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | csv | json | xlsx")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write to FILE instead of standard output")]
UnitOpt = Annotated[
    str | None, typer.Option("--unit", help="元 | 万元 | 亿元 (default 万元 for table and xlsx, 元 for csv and json)")
]
LangOpt = Annotated[str, typer.Option("--lang", help="zh | en")]
CatalogOpt = Annotated[
    list[Path] | None, typer.Option("--catalog", help="your own catalogue file(s), overriding or adding indicators")
]
DataOpt = Annotated[
    list[Path] | None, typer.Option("--data", help="compute from these files/folders instead of the store")
]
PeriodOpt = Annotated[str | None, typer.Option("--period", help="YYYY-MM (default: the latest in the data)")]
ViewOpt = Annotated[str, typer.Option("--view", help="reported (合并) | children (节点汇总) | leaves (完全汇总)")]
LevelOpt = Annotated[int | None, typer.Option("--level", help="tree level to aggregate (1 = tops of the tree)")]
T = TypeVar("T")


def parse_format(value: str) -> Format:
    if value not in ("table", "csv", "json", "xlsx"):
        raise GuoziError(
            f"--format 应为 table、csv、json 或 xlsx，实为 {value}",
            f"--format must be table, csv, json or xlsx, not {value}",
        )
    return value  # type: ignore[return-value]


def parse_lang(value: str) -> str:
    """The --lang value; a bad one is refused in both languages with exit code 2 (there is no language yet)."""
    if value not in LANGS:
        err.print(
            f"[red]{GuoziError.code} --lang 应为 zh 或 en，实为 {value} / --lang must be zh or en, not {value}[/red]"
        )
        raise typer.Exit(2)
    return value


def parse_period(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError:
        raise GuoziError(
            f"期间格式错误：{value!r}，应为 YYYY-MM（{RANGE_TEXT}）",
            f"bad period {value!r}; expected YYYY-MM ({RANGE_TEXT})",
        ) from None


def period_or_latest(ws: Workspace, period: str | None, entity: str | None = None) -> Period:
    """``--period`` if given, else the default period for ``entity``'s subtree (the whole tree without).

    The default: the latest closed month; with none closed, the latest month every expected entity
    has filed; only then the latest holding any figures (:meth:`Workspace.default_period`).
    """
    return parse_period(period) if period else ws.default_period(entity)


def parse_unit(value: str | None) -> str | None:
    """``--unit``: one of 元, 万元, 亿元 (None: the format's default)."""
    if value is not None and value not in DISPLAY_UNITS:
        choices = "、".join(DISPLAY_UNITS)
        raise GuoziError(f"--unit 应为 {choices} 之一，实为 {value}", f"--unit must be one of {choices}, not {value}")
    return value


def write_workbook(
    output: Path | None,
    sheets: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[Column]]],
    lang: str,
    unit: str | None,
) -> None:
    """Several sheets in one Excel workbook, money in ``unit`` (万元 without it, as in every Excel file)."""
    assert output is not None
    money = unit or DEFAULT_UNIT
    write_xlsx(output, [(name, in_unit(rows, cols, money), cols) for name, rows, cols in sheets], lang, money)


OTHER_SUFFIXES = (".csv", ".json", ".xlsx", ".pdf", ".html", ".htm", ".docx", ".tar", ".parquet")
SUFFIXES: dict[str, tuple[str, ...]] = {"csv": (".csv",), "json": (".json",), "xlsx": (".xlsx",)}


def check_output(output: Path | None, suffixes: tuple[str, ...] = (), what: str = "") -> None:
    """Refuse, before any work, an output path that cannot be written or does not fit the format.

    The folder must exist and be writable, the path must not be a folder, and with ``suffixes`` the
    file's suffix must be one of them (HTML is not written into ``x.pdf``).
    """
    if output is None:
        return
    folder = output.parent
    if output.is_dir():
        raise GuoziError(f"输出路径是文件夹：{output}", f"the output path is a folder: {output}")
    if not folder.is_dir():
        raise GuoziError(
            f"输出文件夹不存在：{folder}（{output}）", f"the output folder does not exist: {folder} ({output})"
        )
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise GuoziError(f"无权写入：{output}", f"cannot write to {output} (permission denied)")
    if suffixes and output.suffix.lower() not in suffixes:
        want = "、".join(suffixes)
        raise GuoziError(
            f"输出文件 {output} 的后缀应为 {want}（{what}），实为 {output.suffix or '无'}",
            f"the output file {output} should end in {', '.join(suffixes)} ({what}), not {output.suffix or 'nothing'}",
        )


def need_file(fmt: Format, output: Path | None) -> None:
    """The xlsx format is written to a file only: refuse it without ``--output``; check the path."""
    if fmt == "xlsx" and output is None:
        raise GuoziError("xlsx 格式需要 --output 文件", "the xlsx format needs --output FILE")
    check_output(output, SUFFIXES.get(fmt, ()), fmt)
    if fmt == "table" and output is not None and output.suffix.lower() in OTHER_SUFFIXES:
        raise GuoziError(
            f"表格文本不能写入 {output}：请用 --format {output.suffix.lstrip('.').lower()} 或 .txt 文件",
            f"a text table cannot be written to {output}: use --format {output.suffix.lstrip('.').lower()} or a .txt file",
        )


def outputs(fmt: str, unit: str | None, output: Path | None) -> tuple[Format, str | None]:
    """``--format``, ``--unit`` and ``--output`` of a command that writes a table: the format and the
    money unit, each checked, and the output path checked before any work (:func:`need_file`)."""
    f = parse_format(fmt)
    money = parse_unit(unit)
    need_file(f, output)
    return f, money


def check_view(view: str, by: str | None = None, level: int | None = None) -> View:
    """``--view`` (reported, children or leaves), or ``"level"`` when ``--by`` or ``--level`` is given."""
    if view not in ("reported", "children", "leaves"):
        raise GuoziError(
            f"--view 应为 reported、children 或 leaves，实为 {view}",
            f"--view must be reported, children or leaves, not {view}",
        )
    return "level" if by is not None or level is not None else view  # type: ignore[return-value]


PROBLEM_COLUMNS = [
    Column("severity", "级别", "severity"),
    Column("file", "文件", "file"),
    Column("sheet", "工作表", "sheet"),
    Column("row", "行", "row", justify="right"),
    Column("column", "列", "column"),
    Column("entity", "企业", "entity"),
    Column("period", "期间", "period"),
    Column("item", "项目", "item"),
    Column("rule", "规则", "rule"),
    Column("expected", "应为", "expected"),
    Column("found", "实为", "found"),
    Column("message", "说明", "message"),
]
MAX_SHOWN = 200


def show_problems(problems: list[Problem], lang: str, fmt: Format = "table", output: Path | None = None) -> None:
    """List every problem: on the terminal (first 200, with the count) or in full to a file."""
    rows = [p.as_dict(lang) for p in problems]
    for r, p in zip(rows, problems, strict=True):
        r["severity"] = p.severity.label(lang)
    if fmt == "table" and output is None:
        shown = rows[:MAX_SHOWN]
        more = len(rows) - len(shown)
        caption = ""
        if more:
            caption = pick(
                lang,
                f"另有 {more} 个问题未显示；用 --format csv --output 文件 保存全部",
                f"{more} more not shown; use --format csv --output FILE for all",
            )
        title = pick(lang, f"发现 {len(rows)} 个问题", f"{len(rows)} problem(s) found")
        emit(shown, PROBLEM_COLUMNS, fmt="table", output=None, lang=lang, title=title, caption=caption, console=err)
    else:
        emit(rows, PROBLEM_COLUMNS, fmt=fmt, output=output, lang=lang, sheet="problems")


@contextmanager
def spinner(text: str) -> Iterator[None]:
    if not err.is_terminal:
        yield
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    ) as progress:
        progress.add_task(text, total=None)
        yield


@contextmanager
def workspace(
    store: str | None, catalog: list[Path] | None = None, data: list[Path] | None = None, *, lang: str | None = None
) -> Iterator[Workspace]:
    """The workspace of a command (over ``data`` files if given), closed on every way out.

    With ``lang``, a spinner says "reading…" while it opens.
    """
    from guozi.workspace import Workspace

    with spinner(pick(lang, "读取数据…", "reading…")) if lang else nullcontext():
        ws = (
            Workspace.from_data(data, catalog_files=catalog or [])
            if data
            else Workspace.open(store, catalog_files=catalog or [])
        )
    try:
        yield ws
    finally:
        ws.close()


def run(lang: str, body: Callable[[], T]) -> T:
    """Run a command body with guozi's exit codes: 2 invalid input, 1 internal error."""
    try:
        return body()
    except InvalidInputError as exc:
        show_problems(exc.problems, lang)
        err.print(f"[red]{exc.coded(lang)}[/red]")
        raise typer.Exit(2) from None
    except GuoziError as exc:
        err.print(f"[red]{exc.coded(lang)}[/red]")
        raise typer.Exit(2) from None
    except typer.Exit:
        raise
    except BrokenPipeError:  # the reader stopped (`| head`): nothing more to say, no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        msg = pick(lang, "内部错误（请报告此问题）", "internal error (please report it)")
        err.print(f"[red]{INTERNAL_ERROR.code} {msg}: {type(exc).__name__}: {exc}[/red]")
        raise typer.Exit(1) from None


# display helpers: the table format rounds, machine formats do not
def _amount(value: Any, unit: str) -> str:
    """An amount already in its row's unit (emit converts money to the unit asked for)."""
    return figure(value, 0 if unit == "人" else 2)


def unit_name(unit: str, lang: str) -> str:
    """A row's unit in ``lang``: a money unit by its name (万元 / 10k yuan), others as they are."""
    return UNITS[unit].name(lang) if unit in UNITS else pick(lang, unit, _UNIT_EN.get(unit, unit))


_UNIT_EN = {"万元": "10k yuan", "万元/人": "10k yuan/person", "人": "persons", "倍": "times", "%": "%"}


def display_unit(unit: str, lang: str = "zh") -> str:
    """The unit amounts are shown in by the table format (money in 万元)."""
    shown = DEFAULT_UNIT if unit == "元" else unit
    return pick(lang, shown, _UNIT_EN.get(shown, shown))


def _change(value: Any, unit: str, lang: str) -> str:
    if value is None:
        return "—"
    if unit == "%":  # the digits that decide it: +0.001, never +0.00 for a change that is not zero
        pp = points(value, group="")
        return pick(lang, f"{pp} 个百分点", f"{pp} pp")
    if unit in UNITS:
        return money_figure(Decimal(value) * UNITS[unit].factor, unit, signed=True)
    if unit == "人":
        return figure(value, 0, signed=True)
    return figure(value, signed=True)


def _growth(value: Any, row: dict[str, Any]) -> str:
    if value is None or math.isnan(value) or row.get("unit") == "%":
        return ""
    return f"{figure(value, signed=True, group='')}%"


def panel_rows(panel: Panel, ws: Workspace, lang: str) -> Records:
    """The panel's rows as output records (contract §4 columns first), held as columns.

    The values are those of ``frame.to_dict("records")``: numpy scalars made Python ones.
    """
    f = panel.frame
    data = {str(k): _native(f[k].tolist()) if f[k].dtype == object else f[k].tolist() for k in f.columns}
    data["note"] = data.pop("note_zh") if is_zh(lang) else data.pop("note_en")
    data.pop(pick(lang, "note_en", "note_zh"), None)
    names: dict[str, str] = {}
    for code in set(data["indicator"]):
        names[code] = ws.catalog.indicators[code].name(lang)
    data["indicator_name"] = [names[code] for code in data["indicator"]]
    if "growth" in data:
        data["growth"] = [None if g is not None and math.isnan(g) else g for g in data["growth"]]
    return Records(data, len(f))


def _native(values: list[Any]) -> list[Any]:
    """``values`` with numpy scalars (left in an object column by ``tolist``) made Python ones."""
    if all(t.__module__ != "numpy" for t in set(map(type, values))):
        return values
    return [v.item() if type(v).__module__ == "numpy" else v for v in values]


PANEL_COLUMNS = [
    Column("entity_id", "企业/分组", "entity / group"),
    Column("period", "期间", "period"),
    Column("indicator", "指标代码", "indicator"),
    Column("value", "本期", "value", lambda v, r: _amount(v, r["unit"]), "right", money="row"),
    Column("unit", "单位", "unit", lambda v, r: unit_name(v, "zh")),
    Column("note", "说明", "note"),
    Column("prior_value", "上年同期", "prior year", lambda v, r: _amount(v, r["unit"]), "right", money="row"),
    Column("change", "增减", "change", None, "right", money="row", fmt="pp"),
    Column("growth", "增幅", "growth", _growth, "right", fmt="percent"),
    Column("name", "名称", "name"),
    Column("indicator_name", "指标", "indicator name"),
    Column("view", "口径", "view"),
    Column("members", "企业数", "entities", None, "right"),
    # which tree the prior-year values follow: reported (报告口径) or same_basis (同口径)
    Column("prior_basis", "上年同期口径", "prior-year basis"),
]


def _table_columns(lang: str) -> list[Column]:
    """The columns of the terminal table: names instead of codes, rounded values."""
    by_key = {c.key: c for c in PANEL_COLUMNS}
    change = Column("change", "增减", "change", lambda v, r: _change(v, r["unit"], lang), "right", money="row")
    unit = Column("unit", "单位", "unit", lambda v, r: unit_name(v, lang))
    return [
        by_key["name"],
        by_key["period"],
        by_key["indicator_name"],
        by_key["value"],
        by_key["prior_value"],
        change,
        by_key["growth"],
        unit,
        by_key["note"],
    ]


def wide_sheet(rows: Sequence[dict[str, Any]], lang: str) -> tuple[list[dict[str, Any]], list[Column]]:
    """Entity × indicator: one row per entity and period, one column per indicator headed with its unit.

    ``rows`` are a panel's rows with money already in the unit shown (:func:`in_unit`).
    """
    heads: dict[str, Column] = {}
    wide: dict[tuple[Any, Any], dict[str, Any]] = {}
    for r in rows:
        ind = str(r["indicator"])
        if ind not in heads:
            zh, en = unit_name(r["unit"], "zh"), unit_name(r["unit"], "en")
            name = r.get("indicator_name") or ind
            pct: Literal["", "percent"] = "percent" if r["unit"] == "%" else ""
            heads[ind] = Column(f"i:{ind}", f"{name}（{zh}）", f"{name} ({en})", fmt=pct)
        key = (r["entity_id"], r["period"])
        line = wide.setdefault(key, {"entity_id": r["entity_id"], "name": r.get("name"), "period": r["period"]})
        line[f"i:{ind}"] = r.get("value")
    first = [PANEL_COLUMNS[0], Column("name", "名称", "name"), PANEL_COLUMNS[1]]
    return list(wide.values()), [*first, *heads.values()]


def print_panel(
    panel: Panel,
    ws: Workspace,
    *,
    fmt: Format,
    output: Path | None,
    lang: str,
    title: str = "",
    unit: str | None = None,
) -> None:
    """Write a panel in any format, money in ``unit`` (the format's default without it).

    A workbook holds the long sheet (one row per entity, period and indicator) and beside it the
    wide one (entity × indicator).
    """
    rows = panel_rows(panel, ws, lang)
    if fmt == "xlsx" and output is not None:
        money = unit or DEFAULT_UNIT
        converted = in_unit(rows, PANEL_COLUMNS, money)
        wide_rows, wide_columns = wide_sheet(converted, lang)
        write_xlsx(
            output,
            [("indicators", converted, PANEL_COLUMNS), ("indicators_wide", wide_rows, wide_columns)],
            lang,
            money,
        )
        return
    columns = _table_columns(lang) if fmt == "table" else PANEL_COLUMNS
    if fmt == "table" and panel.frame.entity_id.nunique() <= 1 and len(panel.periods) == 1:
        columns = [c for c in columns if c.key not in ("name", "period")]  # both are in the title
    emit(rows, columns, fmt=fmt, output=output, lang=lang, title=title, sheet="indicators", unit=unit)


def scorecard_title(ws: Workspace, panel: Panel, entity: str, lang: str) -> str:
    """The heading of a scorecard: the entity, the period and the regime."""
    period = panel.periods[-1]
    regime = ws.catalog.regime_for(period.year)
    name = ws.tree().nodes.set_index("entity_id").name.get(entity, entity) if "name" in ws.tree().nodes else entity
    name = name if isinstance(name, str) else str(name.iloc[-1])
    if is_zh(lang):
        return f"{name} {period.year}年1—{period.month}月「{regime.name_zh}」指标"
    return f"{name}: {regime.name_en}, January–{period} year to date"
