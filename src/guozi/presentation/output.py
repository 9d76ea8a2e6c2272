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
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.table import Table as RichTable

from guozi.kernel.text import pick

Format = Literal["table", "csv", "json", "xlsx"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One output column: its key, its headings in both languages and how to show it."""

    key: str
    zh: str
    en: str
    display: Callable[[Any, dict[str, Any]], str] | None = None  # for the table format only
    justify: Literal["left", "right"] = "left"

    def heading(self, lang: str) -> str:
        """The heading in ``lang``."""
        return pick(lang, self.zh, self.en)


def exact_text(value: Any) -> str:
    """A value as exact text: decimals without float noise, floats in shortest round-trip form."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        text = format(value.normalize(), "f")
        return text if "." not in text or len(text.split(".")[1]) >= 2 else format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    return str(value)


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        text = exact_text(value)
        return text if text else "null"
    return json.dumps(value, ensure_ascii=False, default=str)


def to_json(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A JSON array of records; decimals are written as exact JSON numbers."""
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
    lone ``\\r`` unquoted when lines end in ``\\n``).
    """
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow([safe_cell(c.key) for c in columns])
    for row in rows:
        cells = [safe_cell(exact_text(v)) if isinstance(v := row.get(c.key), str) else exact_text(v) for c in columns]
        (quoted if any("\r" in c for c in cells) else plain).writerow(cells)
    return out.getvalue()


def safe_cell(value: Any) -> Any:
    """A cell that Excel will not run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(path: Path, sheets: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[Column]]], lang: str) -> None:
    """A formatted workbook, one sheet per table: frozen header, filters, number formats."""
    import xlsxwriter  # noqa: PLC0415 - xlsxwriter only when a workbook is written; the CLI loads this module at start

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    number = wb.add_format({"num_format": "#,##0.00"})
    ratio = wb.add_format({"num_format": "0.0000"})
    for title, rows, columns in sheets:
        ws = wb.add_worksheet(title[:31])
        for j, col in enumerate(columns):
            ws.write_string(0, j, col.heading(lang), head)
            ws.set_column(j, j, max(10, min(40, len(col.heading(lang)) * 2 + 2)))
        for i, row in enumerate(rows, start=1):
            for j, col in enumerate(columns):
                v = row.get(col.key)
                if v is None:
                    ws.write_blank(i, j, None)
                elif isinstance(v, Decimal):
                    # the exact text as well as the number: Excel holds 15 significant digits
                    ws.write_number(i, j, float(v), number)
                elif isinstance(v, float):
                    ws.write_number(i, j, v, ratio)
                elif isinstance(v, int) and not isinstance(v, bool):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(safe_cell(v)))
        ws.freeze_panes(1, 0)
        if rows:
            ws.autofilter(0, 0, len(rows), len(columns) - 1)
    wb.close()


def rich_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], lang: str, title: str = "", caption: str = ""
) -> RichTable:
    """A Rich table for the terminal, values rounded for display."""
    table = RichTable(title=title or None, caption=caption or None, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col.heading(lang), justify=col.justify, overflow="fold")
    for row in rows:
        table.add_row(
            *[(col.display(row.get(col.key), row) if col.display else exact_text(row.get(col.key))) for col in columns]
        )
    return table


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
) -> None:
    """Write ``rows`` in ``fmt`` to ``output`` (standard output without it)."""
    if fmt == "xlsx":
        if output is None:
            raise ValueError("xlsx needs --output FILE")
        write_xlsx(output, [(sheet, rows, columns)], lang)
        return
    if fmt == "table":
        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=200, color_system=None).print(rich_table(rows, columns, lang, title, caption))
        else:
            (console or Console(width=None if sys.stdout.isatty() else 160)).print(
                rich_table(rows, columns, lang, title, caption)
            )
        return
    text = to_csv(rows, columns) if fmt == "csv" else to_json(rows, columns)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
