"""``guozi history``: every version of an entity's figures, with when, who, which file and why."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from guozi.cli.app import app
from guozi.cli.common import (
    CatalogOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    StoreOpt,
    UnitOpt,
    _amount,
    err,
    outputs,
    parse_lang,
    parse_period,
    run,
    unit_name,
    workspace,
)
from guozi.kernel.money import money_unit
from guozi.kernel.text import pick
from guozi.presentation.output import Column, default_unit, emit


def _yes(value: Any, row: dict[str, Any]) -> str:
    return "✓" if value else ""


MACHINE = [
    Column("entity_id", "企业", "entity"),
    Column("period", "期间", "period"),
    Column("item", "项目代码", "item"),
    Column("item_name", "项目", "item name"),
    Column("version", "版本", "version", justify="right"),
    Column("current", "当前", "current"),
    Column("value", "数值", "value", justify="right", money="row"),
    Column("unit", "单位", "unit"),
    Column("submission_id", "提交", "submission", justify="right"),
    Column("created_at", "时间", "when"),
    Column("user", "提交人", "by"),
    Column("file", "文件", "file"),
    Column("sha256", "文件哈希", "sha256"),
    Column("reason", "重报原因", "reason"),
    Column("explanation", "核实说明", "explanation"),
]


def _table(lang: str) -> list[Column]:
    by = {c.key: c for c in MACHINE}
    return [
        by["item_name"],
        by["version"],
        Column("current", "当前", "current", _yes),
        Column("value", "数值", "value", lambda v, r: _amount(v, r["unit"]), "right", money="row"),
        Column("unit", "单位", "unit", lambda v, r: unit_name(v, lang)),
        by["created_at"],
        by["user"],
        by["file"],
        Column("sha256", "文件哈希", "sha256", lambda v, r: str(v)[:12]),
        by["reason"],
        by["explanation"],
    ]


@app.command()
def history(
    entity: Annotated[str, typer.Option("--entity", help="the entity_id")],
    period: Annotated[str, typer.Option("--period", help="YYYY-MM")],
    item: Annotated[str | None, typer.Option("--item", help="one item code (default: every item)")] = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    unit: UnitOpt = None,
    lang: LangOpt = "zh",
    catalog: CatalogOpt = None,
) -> None:
    """每个数据的全部版本：数值、时间、提交人、来源文件（哈希）与重报原因。 Every version of each figure."""
    lang = parse_lang(lang)

    def body() -> None:
        f, money = outputs(fmt, unit, output)
        p = parse_period(period)
        with workspace(store, catalog) as ws:
            frame = ws.history(entity, p, item)
        if frame.empty:
            err.print(pick(lang, f"{entity} 在 {p} 没有数据", f"{entity} has no figures for {p}"))
            return
        rows: list[dict[str, Any]] = []
        for rec in frame.to_dict("records"):
            r = {str(k): v for k, v in rec.items()}
            r["item_name"] = pick(lang, r["name_zh"], r["name_en"])
            r["explanation"] = pick(lang, r["explanation"], r["explanation_en"])
            r["created_at"] = str(r["created_at"])[:19]
            r["current"] = bool(r["current"])
            rows.append(r)
        shown = money_unit(money or default_unit(f)).name(lang)
        title = pick(
            lang, f"{entity} {p} 数据版本（金额：{shown}）", f"{entity} {p}: every version (amounts in {shown})"
        )
        emit(
            rows,
            _table(lang) if f == "table" else MACHINE,
            fmt=f,
            output=output,
            lang=lang,
            title=title,
            sheet="history",
            unit=money,
        )

    run(lang, body)
