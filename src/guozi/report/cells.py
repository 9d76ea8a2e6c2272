"""How a table cell is shown: each amount column in one scale (亿元 or 万元), the money of each
value column in one scale too, its heading with its unit, and each cell in the register of :mod:`guozi.report.narrative` ("缺数" when missing)."""

from __future__ import annotations

from guozi.kernel.money import decisive_decimals
from guozi.kernel.text import pick
from guozi.report.model import Col, Fig, Table, Text
from guozi.report.narrative import Scale, amount, amount_scale, dec, number, scaled, shown


def column_scales(table: Table, lang: str) -> list[Scale | None]:
    """The scale of each amount column of a :class:`~guozi.report.model.Table` (None for others):
    one scale for the whole table, so 本期, 上年同期 and 增减 read in the same unit (亿元 only
    when every amount of the table reaches 1 亿)."""
    amounts = [j for j, col in enumerate(table.columns) if col.kind == "amount"]
    values = [c.value for row in table.rows for j in amounts if isinstance(c := row[j], Fig) and c.value is not None]
    scale = amount_scale(values, lang) if amounts else None
    return [
        scale if col.kind == "amount" else _value_scale(table, j, lang) if col.kind == "value" else None
        for j, col in enumerate(table.columns)
    ]


def _value_scale(table: Table, j: int, lang: str) -> Scale | None:
    """The one scale of the money cells of a value column (rows of several indicators), chosen
    from the column's largest amount: 亿元 when it reaches 1 亿, else 万元; so 增减 reads
    「+42.73」 and 「-0.18」 under 「增减（亿元）」, never 「-1 827.03万元」 beside 「+42.73亿元」.
    None when the column holds no money (its cells keep their own units: %, 倍, 万元/人)."""
    money = [
        abs(d)
        for row in table.rows
        if isinstance(c := row[j], Fig) and c.unit == "元" and (d := dec(c.value)) is not None
    ]
    return amount_scale([max(money)], lang) if money else None


def heading(col: Col, scale: Scale | None, lang: str) -> str:
    """A column heading with its unit: "本期（亿元）" / "this period (billion yuan)"."""
    text = str(col.heading(lang))
    unit = scale.name(lang) if scale is not None else str(col.unit)
    if col.kind == "growth":
        unit = "%"
    if not unit:
        return text
    if lang == "en" and unit == "万元/人":
        unit = "10k yuan/person"
    return pick(lang, f"{text}（{unit}）", f"{text} ({unit})")


def _signed(fig: Fig) -> bool:
    return str(fig.measure) in ("change", "this − prior", "this − prior month", "difference")


def cell_text(cell: object, col: Col, scale: Scale | None, lang: str) -> str:
    """A table cell as the report shows it; a missing figure is "缺数" (the table's notes say why),
    a figure that does not apply is "—"."""
    if cell is None:
        return "—"
    if isinstance(cell, Text):
        return cell(lang)
    if not isinstance(cell, Fig):
        return str(cell)
    if cell.value is None:
        return pick(lang, "缺数", "missing") if cell.missing else "—"
    v, kind, signed = cell.value, col.kind, _signed(cell)
    if (kind == "amount" or (kind == "value" and scale is not None)) and cell.unit == "元":
        return scaled(v, scale or amount_scale([v], lang), lang, signed=signed)
    if kind in ("number", "amount"):
        return number(v, 0 if cell.unit in ("人", "count") else 2, lang, signed=signed)
    if kind == "growth" or cell.unit == "growth":
        return f"{number(v, 1, lang, signed=True)}%"
    if kind == "pct" or cell.unit == "pct":
        return f"{number(v, decisive_decimals(v, 100), lang)}%"
    if kind == "count" or cell.unit == "count":
        return number(v, 0, lang)
    if cell.unit == "元" and signed:
        d = dec(v)
        assert d is not None
        return ("+" if d > 0 else "-" if d < 0 else "") + amount(abs(d), lang)
    if cell.unit == "%" and signed:
        return shown(v, "pp", lang)
    text = shown(v, cell.unit, lang)
    d = dec(v)
    return "+" + text if signed and d is not None and d > 0 and not text.startswith("+") else text
