"""``guozi reconcile``: 内部往来对账, pair by pair, differences above the tolerance first (issue 21).

Also the columns of ``guozi indicators --view consolidated`` (the computed 合并 beside the filed one).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    PANEL_COLUMNS,
    CatalogOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PeriodOpt,
    StoreOpt,
    UnitOpt,
    _amount,
    outputs,
    panel_rows,
    parse_lang,
    period_or_latest,
    run,
    workspace,
)
from guozi.cli.common import _table_columns as table_columns  # the panel's terminal table, shared
from guozi.kernel.errors import GuoziError
from guozi.kernel.money import money_unit
from guozi.kernel.text import pick
from guozi.presentation.output import Column, Format, default_unit, emit

if TYPE_CHECKING:
    from pathlib import Path

    from guozi.engine.panel import Panel
    from guozi.engine.reconcile import ReconcileReport
    from guozi.workspace import Workspace


def _machine() -> list[Column]:
    """Every column of the report, exact (csv, json, xlsx)."""
    from guozi.engine.reconcile import LABELS

    return [Column(k, zh, en, money="always" if k in AMOUNTS else "") for k, (zh, en) in LABELS.items()]


AMOUNTS = ("receivable", "payable", "difference", "sales")  # yuan in the report, shown in the unit asked for


def _table(lang: str) -> list[Column]:
    """The terminal table: names, amounts (in the unit asked for), the node where each pair meets."""
    by = {c.key: c for c in _machine()}
    return [
        by["creditor_name"],
        by["debtor_name"],
        *(Column(k, by[k].zh, by[k].en, lambda v, r: _amount(v, "元"), "right", money="always") for k in AMOUNTS),
        Column("meet_name", by["meet_id"].zh, by["meet_id"].en),
        Column(
            "mismatch", by["mismatch"].zh, by["mismatch"].en, lambda v, r: pick(lang, "不符", "mismatch") if v else ""
        ),
    ]


def parse_tolerance(text: str | None) -> Decimal | None:
    """``--tolerance`` as an exact number of yuan (``None`` without it)."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise GuoziError(
            f"--tolerance 应为非负的金额（元），实为 {text}", f"--tolerance must be an amount in yuan, >= 0, not {text}"
        )
    return value


def reconcile_rows(report: ReconcileReport, names: dict[str, str]) -> list[dict[str, Any]]:
    """The report's pairs as output records, with the name of the node where each pair meets."""
    rows = [{str(k): v for k, v in r.items()} for r in report.pairs.to_dict("records")]
    for r in rows:
        r["mismatch"] = bool(r["mismatch"])
        r["meet_name"] = names.get(r["meet_id"], r["meet_id"])
    return rows


@app.command()
def reconcile(
    period: PeriodOpt = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="the root of the subtree (default: every entity)")
    ] = None,
    tolerance: Annotated[
        str | None,
        typer.Option("--tolerance", help="yuan; larger differences come first (default: the parameter file's)"),
    ] = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """内部往来对账：每对企业的应收与对方应付并列，差额超出容差的排在前面。 Intercompany reconciliation."""
    lang = parse_lang(lang)

    def body() -> None:
        f, money = outputs(fmt, unit, output)
        given = parse_tolerance(tolerance)
        with workspace(store, catalog) as ws:
            p = period_or_latest(ws, period)
            report = ws.reconcile(p, entity=entity, tolerance=given)
            names = ws.tree().names
        tol = report.tolerance
        where = names.get(entity, entity) if entity else pick(lang, "全部企业", "every entity")
        shown = money_unit(money or default_unit(f)).name(lang)
        title = pick(
            lang,
            f"{where} {p} 内部往来对账（金额：{shown}；容差 {tol.value} 元；{report.mismatches} 对不符）",
            f"{where} {p}: intercompany reconciliation ({shown}; tolerance {tol.value} yuan; "
            f"{report.mismatches} pairs do not match)",
        )
        emit(
            reconcile_rows(report, names),
            _table(lang) if f == "table" else _machine(),
            fmt=f,
            output=output,
            lang=lang,
            title=title,
            sheet="reconcile",
            unit=money,
        )

    run(lang, body)


def print_consolidated(panel: Panel, ws: Workspace, *, fmt: Format, output: Path | None, lang: str, title: str) -> None:
    """Write a ``consolidated`` panel: the computed 合并 with the filed one and their difference beside it."""
    rows = panel_rows(panel, ws, lang)
    by = {c.key: c for c in PANEL_COLUMNS}
    filed = Column("reported_value", "报送合并数", "filed consolidated", money="row")
    diff = Column("difference", "差额（报送−计算）", "difference (filed − computed)", money="row")
    if fmt != "table":
        emit(rows, [*PANEL_COLUMNS, filed, diff], fmt=fmt, output=output, lang=lang, title=title, sheet="indicators")
        return
    shown = [c for c in table_columns(lang) if c.key not in ("prior_value", "change", "growth")]
    at = next(i for i, c in enumerate(shown) if c.key == "value") + 1
    extra = [
        Column(filed.key, "报送合并", "filed", by["value"].display, "right", money="row"),
        Column(diff.key, "差额", "difference", by["value"].display, "right", money="row"),
    ]
    if panel.frame.entity_id.nunique() <= 1 and len(panel.periods) == 1:
        shown = [c for c in shown if c.key not in ("name", "period")]  # both are in the title
    emit(rows, [*shown[:at], *extra, *shown[at:]], fmt=fmt, output=output, lang=lang, title=title, sheet="indicators")
