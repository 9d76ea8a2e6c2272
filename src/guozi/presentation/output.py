"""Writing tables in the user's format: a Rich table, csv, json or xlsx (contract §4).

Machine formats carry full precision (amounts exact to the fen, ratios unrounded); rounding is
for the ``table`` display only. Every command that prints a table goes through :func:`emit`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.table import Table as RichTable

from guozi.kernel.money import money_unit, to_unit
from guozi.kernel.text import pick
from guozi.presentation.columnar import Records, csv_text, exact_text, json_text
from guozi.presentation.workbook import FORMULA_PREFIXES, safe_cell, write_xlsx

Format = Literal["table", "csv", "json", "xlsx"]
Money = Literal["", "row", "always"]
SUFFIXES: dict[str, tuple[str, ...]] = {"csv": (".csv",), "json": (".json",), "xlsx": (".xlsx",)}
WIDE_TERMINAL = 100  # narrower than this (or a pipe), tables are printed as plain tab-separated lines
__all__ = [
    "FORMULA_PREFIXES",
    "Column",
    "emit",
    "exact_text",
    "in_unit",
    "safe_cell",
    "to_csv",
    "to_json",
    "write_xlsx",
]


@dataclass(frozen=True)
class Column:
    """One output column: its key, its headings in both languages and how to show it."""

    key: str
    zh: str
    en: str
    display: Callable[[Any, dict[str, Any]], str] | None = None  # for the table format only
    justify: Literal["left", "right"] = "left"
    # "row": money when the row's unit is 元 (a panel's value); "always": an amount in yuan
    money: Money = ""
    fmt: Literal["", "percent", "pp"] = ""  # percent: a percentage number; pp: a change in points for % rows

    def heading(self, lang: str, unit: str = "") -> str:
        """The heading in ``lang``; an amount column names ``unit``: 「差额（万元）」."""
        text = pick(lang, self.zh, self.en)
        if self.money == "always" and unit:
            name = money_unit(unit).name(lang)
            return pick(lang, f"{text}（{name}）", f"{text} ({name})")
        return text


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        text = exact_text(value)
        return text if text else "null"
    return json.dumps(value, ensure_ascii=False, default=str)


def to_json(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A JSON array of records; decimals are written as exact JSON numbers."""
    if isinstance(rows, Records):
        return json_text(rows, [c.key for c in columns])
    out = io.StringIO()
    out.write("[")
    for i, row in enumerate(rows):
        out.write(",\n " if i else "\n ")
        out.write("{" + ", ".join(f"{json.dumps(c.key)}: {_json_value(row.get(c.key))}" for c in columns) + "}")
    out.write("\n]\n" if rows else "]\n")
    return out.getvalue()


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """UTF-8 CSV with a header of the column keys.

    Text that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage
    return) gets a leading apostrophe (:func:`safe_cell`); numbers, negative ones included, are
    written as they are. A row holding a carriage return is quoted whole (the csv module leaves a
    lone ``\\r`` unquoted when lines end in ``\\n``). Rows held as columns (:class:`Records`) are
    written column by column, to the same text.
    """
    if isinstance(rows, Records):
        return csv_text(rows, [c.key for c in columns])
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow([safe_cell(c.key) for c in columns])
    for row in rows:
        cells = [safe_cell(exact_text(v)) if isinstance(v := row.get(c.key), str) else exact_text(v) for c in columns]
        (quoted if any("\r" in c for c in cells) else plain).writerow(cells)
    return out.getvalue()


def default_unit(fmt: Format) -> str:
    """The money unit of a format when the user names none: 万元 for people, 元 for machines."""
    return "元" if fmt in ("csv", "json") else "万元"


def _in(value: Any, unit: str) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isnan(value) else to_unit(Decimal(repr(value)), unit)
    if isinstance(value, Decimal | int):
        return to_unit(value, unit)
    return value


def _records_in_unit(rows: Records, always: list[str], by_row: list[str], unit: str) -> Records:
    """:func:`in_unit` of rows held as columns, column by column."""
    yuan = [u == "元" for u in rows.column("unit")]
    data = dict(rows.data)
    for k in always:
        if k in data:
            data[k] = [_in(v, unit) for v in data[k]]
    for k in by_row:
        if k in data:
            data[k] = [_in(v, unit) if y else v for v, y in zip(data[k], yuan, strict=True)]
    if by_row and "unit" in data:
        data["unit"] = [unit if y else u for u, y in zip(data["unit"], yuan, strict=True)]
    return Records(data, rows.n)


def in_unit(rows: Sequence[dict[str, Any]], columns: Sequence[Column], unit: str) -> Sequence[dict[str, Any]]:
    """``rows`` with their amounts in ``unit`` (exact: the factors are powers of ten).

    Columns marked ``money="always"`` are converted in every row; ``money="row"`` ones in rows whose
    ``unit`` is 元, and that row's unit then reads ``unit``. Yuan stay as they are.
    """
    money_unit(unit)  # an unknown unit is refused in both languages
    if unit == "元":
        return rows if isinstance(rows, Records) else list(rows)
    always = [c.key for c in columns if c.money == "always"]
    by_row = [c.key for c in columns if c.money == "row"]
    if not always and not by_row:
        return rows if isinstance(rows, Records) else list(rows)
    if isinstance(rows, Records):
        return _records_in_unit(rows, always, by_row, unit)
    out = []
    for row in rows:
        new = dict(row)
        keys = always + by_row if row.get("unit") == "元" else always
        for k in keys:
            if k in new:
                new[k] = _in(new[k], unit)
        if by_row and row.get("unit") == "元":
            new["unit"] = unit
        out.append(new)
    return out


def _cell_text(col: Column, row: dict[str, Any], lang: str) -> str:
    value = row.get(col.key)
    if col.display:
        return col.display(value, row)
    if isinstance(value, bool):
        return pick(lang, "是", "yes") if value else pick(lang, "否", "no")
    return exact_text(value)


def plain_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], lang: str, title: str = "", caption: str = ""
) -> str:
    """The table as tab-separated lines: for a pipe or a narrow terminal, where a Rich table folds."""
    lines = [title] if title else []
    lines.append("\t".join(c.heading(lang) for c in columns))
    lines += ["\t".join(_cell_text(c, r, lang).replace("\t", " ").replace("\n", " ") for c in columns) for r in rows]
    if caption:
        lines.append(caption)
    return "\n".join(lines) + "\n"


def rich_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], lang: str, title: str = "", caption: str = ""
) -> RichTable:
    """A Rich table for the terminal, values rounded for display."""
    table = RichTable(title=title or None, caption=caption or None, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col.heading(lang), justify=col.justify, overflow="fold")
    for row in rows:
        table.add_row(*[_cell_text(col, row, lang) for col in columns])
    return table


def print_table(
    console: Console,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    lang: str,
    title: str = "",
    caption: str = "",
) -> None:
    """A Rich table on a wide terminal, else plain tab-separated lines (never one word per line)."""
    if console.is_terminal and console.width >= WIDE_TERMINAL:
        console.print(rich_table(rows, columns, lang, title, caption))
    else:
        console.file.write(plain_table(rows, columns, lang, title, caption))
        console.file.flush()


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    fmt: Format,
    output: Path | None,
    lang: str,
    title: str = "",
    caption: str = "",
    sheet: str = "data",
    console: Console | None = None,
    unit: str | None = None,
) -> None:
    """Write ``rows`` in ``fmt`` to ``output`` (standard output without it), money in ``unit``.

    Without ``unit``, money is in :func:`default_unit` (万元 for tables and Excel, 元 for csv and
    json). csv and json in another unit than 元 gain a ``money_unit`` column naming it. A csv file
    starts with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it right; standard output
    never does.
    """
    money = unit or default_unit(fmt)
    rows = in_unit(rows, columns, money)
    if fmt == "xlsx":
        if output is None:
            raise ValueError("xlsx needs --output FILE")
        write_xlsx(output, [(sheet, rows, columns)], lang, money)
        return
    if fmt == "table":
        columns = [replace(c, zh=c.heading("zh", money), en=c.heading("en", money), money="") for c in columns]
        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=200, color_system=None).print(rich_table(rows, columns, lang, title, caption))
        else:
            print_table(console or Console(), rows, columns, lang, title, caption)
        return
    if money != "元" and any(c.money for c in columns):
        rows = (
            rows.with_column("money_unit", [money] * len(rows))
            if isinstance(rows, Records)
            else [{**r, "money_unit": money} for r in rows]
        )
        columns = [*columns, Column("money_unit", "金额单位", "money unit")]
    text = to_csv(rows, columns) if fmt == "csv" else to_json(rows, columns)
    if output is not None:
        output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    else:
        sys.stdout.write(text)
