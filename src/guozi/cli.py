"""The ``guozi`` command line: a thin shell over :class:`guozi.workspace.Workspace`."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from guozi.engine.panel import Basis, Panel, View
from guozi.errors import GuoziError, InvalidInputError, Problem
from guozi.output import Column, Format, emit
from guozi.periods import Period
from guozi.workspace import Workspace

app = typer.Typer(
    name="guozi",
    help="国资监管指标体系：采集、校验、计算、预警与分析。 Steering SOEs by their operating indicators.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 160)

StoreOpt = Annotated[str | None, typer.Option("--store", envvar="GUOZI_STORE", help="duckdb:///path.duckdb (default ./guozi.duckdb) or postgresql://…")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table | csv | json | xlsx")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write to FILE instead of standard output")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh | en")]
CatalogOpt = Annotated[list[Path] | None, typer.Option("--catalog", help="your own catalogue file(s), overriding or adding indicators")]
T = TypeVar("T")


def _fmt(value: str) -> Format:
    if value not in ("table", "csv", "json", "xlsx"):
        raise GuoziError(f"--format 应为 table、csv、json 或 xlsx，实为 {value}", f"--format must be table, csv, json or xlsx, not {value}")
    return value  # type: ignore[return-value]


def _lang(value: str) -> str:
    if value not in ("zh", "en"):
        raise GuoziError(f"--lang 应为 zh 或 en，实为 {value}", f"--lang must be zh or en, not {value}")
    return value


def _period(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError:
        raise GuoziError(f"期间格式错误：{value!r}，应为 YYYY-MM", f"bad period {value!r}; expected YYYY-MM") from None


PROBLEM_COLUMNS = [
    Column("severity", "级别", "severity"),
    Column("file", "文件", "file"),
    Column("sheet", "工作表", "sheet"),
    Column("row", "行", "row", justify="right"),
    Column("column", "列", "column"),
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
            caption = f"另有 {more} 个问题未显示；用 --format csv --output 文件 保存全部" if lang == "zh" else f"{more} more not shown; use --format csv --output FILE for all"
        title = f"发现 {len(rows)} 个问题" if lang == "zh" else f"{len(rows)} problem(s) found"
        emit(shown, PROBLEM_COLUMNS, fmt="table", output=None, lang=lang, title=title, caption=caption, console=err)
    else:
        emit(rows, PROBLEM_COLUMNS, fmt=fmt, output=output, lang=lang, sheet="problems")


@contextmanager
def _spinner(text: str) -> Iterator[None]:
    if not err.is_terminal:
        yield
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True) as progress:
        progress.add_task(text, total=None)
        yield


def _run(lang: str, body: Callable[[], T]) -> T:
    """Run a command body with guozi's exit codes: 2 invalid input, 1 internal error."""
    try:
        return body()
    except InvalidInputError as exc:
        show_problems(exc.problems, lang)
        err.print(f"[red]{exc.message(lang)}[/red]")
        raise typer.Exit(2) from None
    except GuoziError as exc:
        err.print(f"[red]{exc.message(lang)}[/red]")
        raise typer.Exit(2) from None
    except typer.Exit:
        raise
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        msg = "内部错误（请报告此问题）" if lang == "zh" else "internal error (please report it)"
        err.print(f"[red]{msg}: {type(exc).__name__}: {exc}[/red]")
        raise typer.Exit(1) from None


# display helpers: the table format rounds, machine formats do not
def _amount(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "人":
        return f"{Decimal(value):,.0f}"
    if unit == "元":
        return f"{(Decimal(value) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    return f"{float(value):,.2f}"


def display_unit(unit: str) -> str:
    """The unit amounts are shown in by the table format."""
    return "万元" if unit == "元" else unit


def _change(value: Any, unit: str, lang: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        pp = f"{float(value):+.2f}"
        return f"{pp} 个百分点" if lang == "zh" else f"{pp} pp"
    if unit == "元":
        return f"{(Decimal(value) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):+,}"
    if unit == "人":
        return f"{Decimal(value):+,.0f}"
    return f"{float(value):+,.2f}"


def _growth(value: Any, row: dict[str, Any]) -> str:
    if value is None or value != value or row.get("unit") == "%":
        return ""
    return f"{float(value):+.2f}%"


def panel_rows(panel: Panel, ws: Workspace, lang: str) -> list[dict[str, Any]]:
    """The panel's rows as output records (contract §4 columns first)."""
    f = panel.frame
    rows = f.to_dict("records")
    for r in rows:
        r["note"] = r.pop("note_zh") if lang == "zh" else r.pop("note_en")
        r.pop("note_en" if lang == "zh" else "note_zh", None)
        r["indicator_name"] = ws.catalog.indicators[r["indicator"]].name(lang)
        g = r.get("growth")
        if g is not None and g != g:
            r["growth"] = None
    return rows


PANEL_COLUMNS = [
    Column("entity_id", "企业/分组", "entity / group"),
    Column("period", "期间", "period"),
    Column("indicator", "指标代码", "indicator"),
    Column("value", "本期", "value", lambda v, r: _amount(v, r["unit"]), "right"),
    Column("unit", "单位", "unit", lambda v, r: display_unit(v)),
    Column("note", "说明", "note"),
    Column("prior_value", "上年同期", "prior year", lambda v, r: _amount(v, r["unit"]), "right"),
    Column("change", "增减", "change", None, "right"),
    Column("growth", "增幅", "growth", _growth, "right"),
    Column("name", "名称", "name"),
    Column("indicator_name", "指标", "indicator name"),
    Column("view", "口径", "view"),
    Column("members", "企业数", "entities", None, "right"),
]


def _table_columns(lang: str) -> list[Column]:
    """The columns of the terminal table: names instead of codes, rounded values."""
    by_key = {c.key: c for c in PANEL_COLUMNS}
    change = Column("change", "增减", "change", lambda v, r: _change(v, r["unit"], lang), "right")
    return [by_key["name"], by_key["period"], by_key["indicator_name"], by_key["value"], by_key["prior_value"], change, by_key["growth"], by_key["unit"], by_key["note"]]


def print_panel(panel: Panel, ws: Workspace, *, fmt: Format, output: Path | None, lang: str, title: str = "") -> None:
    """Write a panel in any format."""
    rows = panel_rows(panel, ws, lang)
    columns = _table_columns(lang) if fmt == "table" else PANEL_COLUMNS
    if fmt == "table" and panel.frame.entity_id.nunique() <= 1 and len(panel.periods) == 1:
        columns = [c for c in columns if c.key not in ("name", "period")]  # both are in the title
    emit(rows, columns, fmt=fmt, output=output, lang=lang, title=title, sheet="indicators")


def scorecard_title(ws: Workspace, panel: Panel, entity: str, lang: str) -> str:
    """The heading of a scorecard: the entity, the period and the regime."""
    period = panel.periods[-1]
    regime = ws.catalog.regime_for(period.year)
    name = ws.tree().nodes.set_index("entity_id").name.get(entity, entity) if "name" in ws.tree().nodes else entity
    name = name if isinstance(name, str) else str(name.iloc[-1])
    if lang == "zh":
        return f"{name} {period.year}年1—{period.month}月「{regime.name_zh}」指标"
    return f"{name}: {regime.name_en}, January–{period} year to date"


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--folder", help="where to write the demo's data files")] = Path("guozi-demo"),
    store: StoreOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """导入演示集团数据并显示最新月份的「一利五率」。 Import the demo group and show its scorecard."""
    from guozi.demo import generate_group, write_group

    lang = _lang(lang)

    def body() -> None:
        with _spinner("生成演示数据…" if lang == "zh" else "generating the demo data…"):
            write_group(generate_group(), folder)
        ws = Workspace.open(store)
        with _spinner("导入…" if lang == "zh" else "importing…"):
            report = ws.import_files([folder], user="demo")
        n_new = len(report.result.submissions)
        msg = (
            f"已导入 {report.facts:,} 条数据（{n_new} 个文件）到 {ws.store.url}" if n_new else f"演示数据已在 {ws.store.url} 中，未重复导入"
        ) if lang == "zh" else (
            f"imported {report.facts:,} facts ({n_new} files) into {ws.store.url}" if n_new else f"the demo is already in {ws.store.url}; nothing imported again"
        )
        err.print(msg)
        period = ws.latest_period()
        roots = ws.tree().at(period)
        top = str(roots[roots.level == 1].entity_id.iloc[0])
        panel = ws.indicators(period, entity=top)
        print_panel(panel, ws, fmt="table", output=None, lang=lang, title=scorecard_title(ws, panel, top, lang))
        ws.close()

    _run(lang, body)


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="folders or files: entities.*, facts.*, targets.* (csv, parquet, xlsx)")],
    store: StoreOpt = None,
    user: Annotated[str, typer.Option("--user", help="who submits (default: the login name)")] = "",
    reason: Annotated[str, typer.Option("--reason", help="why (required to restate a closed period)")] = "",
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """导入数据（原子操作：全部成功或全部不写入）。 Load files atomically."""
    lang = _lang(lang)

    def body() -> None:
        ws = Workspace.open(store, catalog_files=catalog or [])
        with _spinner("校验并导入…" if lang == "zh" else "checking and importing…"):
            report = ws.import_files(paths, user=user, reason=reason)
        for name, sid in report.result.skipped:
            err.print(f"{name}：内容与第 {sid} 次提交相同，未重复导入" if lang == "zh" else f"{name}: same content as submission {sid}; not imported again")
        for s in report.result.submissions:
            err.print(f"{Path(s.source).name}：已导入 {s.rows:,} 行（提交 {s.id}）" if lang == "zh" else f"{Path(s.source).name}: imported {s.rows:,} rows (submission {s.id})")
        notices = [p for p in report.batch.problems if p.severity != "blocking"]
        if notices:
            show_problems(notices, lang)
        ws.close()

    _run(lang, body)


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
    lang = _lang(lang)

    def body() -> None:
        f = _fmt(fmt)
        ws = Workspace.open(store, catalog_files=catalog or [])
        batch = ws.check(paths)
        ws.close()
        if batch.problems:
            show_problems(batch.problems, lang, f, output)
        if batch.blocking:
            raise typer.Exit(2)
        n = 0 if batch.facts is None else batch.facts.num_rows
        err.print(f"校验通过：{len(batch.files)} 个文件，{n:,} 条数据" if lang == "zh" else f"valid: {len(batch.files)} file(s), {n:,} facts")

    _run(lang, body)


@app.command()
def indicators(
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM (default: the latest in the data)")] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", help="compute from these files/folders instead of the store")] = None,
    regime: Annotated[str | None, typer.Option("--regime", help="regime year, e.g. 2023 (default: the period's year)")] = None,
    indicator: Annotated[list[str] | None, typer.Option("--indicator", "-i", help="indicator code(s) instead of the regime's")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="one entity (or, with --by, its subtree)")] = None,
    by: Annotated[str | None, typer.Option("--by", help="group the entities of --level by this entity column")] = None,
    level: Annotated[int | None, typer.Option("--level", help="tree level to aggregate (1 = tops of the tree)")] = None,
    view: Annotated[str, typer.Option("--view", help="reported (合并) | children (节点汇总) | leaves (完全汇总)")] = "reported",
    basis: Annotated[str, typer.Option("--basis", help="ytd (本年累计) | month (当月)")] = "ytd",
    engine: Annotated[str, typer.Option("--engine", help="duckdb | spark")] = "duckdb",
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """计算指标面板。 Compute the indicator panel."""
    lang = _lang(lang)

    def body() -> None:
        f = _fmt(fmt)
        if engine != "duckdb":
            raise GuoziError("Spark 引擎尚未实现（见 issue 7）", "the Spark engine is not implemented yet (issue 7)")
        if view not in ("reported", "children", "leaves"):
            raise GuoziError(f"--view 应为 reported、children 或 leaves，实为 {view}", f"--view must be reported, children or leaves, not {view}")
        if basis not in ("ytd", "month"):
            raise GuoziError(f"--basis 应为 ytd 或 month，实为 {basis}", f"--basis must be ytd or month, not {basis}")
        if f == "xlsx" and output is None:
            raise GuoziError("xlsx 格式需要 --output 文件", "the xlsx format needs --output FILE")
        with _spinner("读取数据…" if lang == "zh" else "reading…"):
            ws = Workspace.from_data(data, catalog_files=catalog or []) if data else Workspace.open(store, catalog_files=catalog or [])
        p = _period(period) if period else ws.latest_period()
        v: View = "level" if (by is not None or level is not None) else view  # type: ignore[assignment]
        with _spinner("计算…" if lang == "zh" else "computing…"):
            panel = ws.indicators(
                p, regime=regime, indicators=indicator, entity=entity, view=v, by=by, level=level or 1, basis=basis  # type: ignore[arg-type]
            )
        b: Basis = basis  # type: ignore[assignment]
        title = ""
        if f == "table":
            reg = ws.catalog.regime(regime) if regime else ws.catalog.regime_for(p.year)
            title = f"{p} {reg.name(lang)}" + (("（当月）" if lang == "zh" else " (month)") if b == "month" else "")
        print_panel(panel, ws, fmt=f, output=output, lang=lang, title=title)
        ws.close()

    _run(lang, body)


def main() -> None:  # pragma: no cover
    """Entry point for ``python -m guozi``."""
    app()
