"""Excel workbooks built for finance: number formats, fitted widths, frozen headers, print setup.

Formats (one choice, used everywhere):

- money and other amounts: ``#,##0.00``; head counts: ``#,##0``;
- percentages are stored as percentage numbers (94.1357 means 94.1357 %, the figure the rest of
  guozi computes) and shown with ``0.00"%"``, so the cell holds the exact figure and reads 94.14%
  (a rate that would read 100.00% without being 100 with more decimals: 99.997%);
- changes of a percentage in points (个百分点): ``0.00``, more decimals (at most four) where a change
  that is not zero would read 0.00 (:func:`guozi.kernel.money.decisive_decimals`): ``0.000``;
- booleans as 是/否 (Yes/No), never the text True/False.

Every sheet has its header row frozen and repeated on each printed page, an autofilter, A4
landscape fitted to one page wide, and a Chinese name in Chinese output (:data:`SHEET_NAMES`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Protocol

from guozi.kernel.money import MOST_DECIMALS, decisive_decimals
from guozi.kernel.text import Text, pick


class Column(Protocol):
    """What a workbook needs of a column (:class:`guozi.presentation.output.Column` has it)."""

    @property
    def key(self) -> str: ...
    @property
    def money(self) -> str: ...
    @property
    def fmt(self) -> str: ...
    def heading(self, lang: str, unit: str = "") -> str: ...


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT: Final = "#,##0.00"
COUNT_FORMAT: Final = "#,##0"
PERCENT_FORMATS: Final = tuple(f'0.{"0" * n}"%"' for n in range(2, MOST_DECIMALS + 1))  # 0.00"%" … 0.0000"%"
PERCENT_FORMAT: Final = PERCENT_FORMATS[0]
POINTS_FORMATS: Final = tuple("0." + "0" * n for n in range(2, MOST_DECIMALS + 1))  # 0.00 … 0.0000
RATIO_FORMAT: Final = "0.0000"
A4: Final = 9  # xlsxwriter's paper code for A4
MIN_WIDTH, MAX_WIDTH = 6, 60

SHEET_NAMES: Final[dict[str, Text]] = {
    "data": Text("数据", "data"),
    "indicators": Text("指标", "indicators"),
    "indicators_wide": Text("指标（宽表）", "indicators (wide)"),
    "problems": Text("问题", "problems"),
    "history": Text("修改记录", "history"),
    "reconcile": Text("内部往来对账", "reconciliation"),
    "gaps": Text("差距", "gaps"),
    "warnings": Text("预警", "warnings"),
    "breakdown": Text("计算过程", "breakdown"),
    "eva": Text("经济增加值", "EVA"),
    "targets": Text("目标完成", "targets"),
    "verdicts": Text("考核结论", "verdicts"),
    "losses": Text("亏损企业", "losses"),
    "loss_entities": Text("亏损及扭亏企业", "loss entities"),
    "peers": Text("同行对标", "peers"),
    "world": Text("对标世界一流", "world"),
    "world_peers": Text("世界一流对标明细", "world peers"),
    "standards": Text("标准值评分", "standards"),
}


def safe_cell(value: Any) -> Any:
    """A cell that Excel will not run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sheet_name(name: str, lang: str) -> str:
    """The sheet's name in ``lang`` (a known code translated), cut to Excel's 31 characters."""
    label = SHEET_NAMES.get(name)
    return (label.in_(lang) if label else name)[:31]


def text_width(text: str) -> int:
    """Columns ``text`` takes in Excel: a CJK (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_format(col: Column, row: dict[str, Any], value: Any) -> str | None:
    """The number format of one cell (None for text)."""
    unit = row.get("unit")
    if col.fmt == "percent":  # a completion of 99.997 reads 99.997%, never 100.00% beside 未达标
        return PERCENT_FORMATS[decisive_decimals(value, 100) - 2]
    if col.money == "row" or col.fmt == "pp":
        if unit == "%":
            return points_format(value) if col.fmt == "pp" else PERCENT_FORMAT
        if unit == "人":
            return COUNT_FORMAT
        return MONEY_FORMAT
    if col.money == "always" or isinstance(value, Decimal):
        return MONEY_FORMAT
    if isinstance(value, float):
        return MONEY_FORMAT
    if isinstance(value, int):
        return COUNT_FORMAT
    return None


def points_format(value: Any) -> str:
    """The format of a change in points: to the digits that decide it (0.0012 reads 0.001, not 0.00)."""
    return POINTS_FORMATS[decisive_decimals(value) - 2]


def _shown_width(value: Any, num_format: str | None) -> int:
    """About how wide a cell shows: the number as formatted, or the text."""
    if isinstance(value, bool):
        return 2
    if num_format is not None and isinstance(value, int | float | Decimal):
        decimals = num_format.count("0") - 1  # #,##0 → 0, #,##0.00 → 2, 0.0000 → 4
        return len(f"{float(value):,.{decimals}f}") + (1 if num_format.endswith('"%"') else 0)
    return text_width(str(value))


def write_xlsx(
    path: Path, sheets: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[Column]]], lang: str, unit: str = ""
) -> None:
    """A formatted workbook, one sheet per table (``unit`` named in the headings of money columns)."""
    import xlsxwriter  # noqa: PLC0415 - xlsxwriter only when a workbook is written; the CLI loads this module at start

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    kinds = (MONEY_FORMAT, COUNT_FORMAT, *PERCENT_FORMATS, *POINTS_FORMATS, RATIO_FORMAT)
    formats = {f: wb.add_format({"num_format": f}) for f in kinds}
    yes, no = pick(lang, "是", "Yes"), pick(lang, "否", "No")
    for title, rows, columns in sheets:
        ws = wb.add_worksheet(sheet_name(title, lang))
        widths = [text_width(col.heading(lang, unit)) for col in columns]
        for j, col in enumerate(columns):
            ws.write_string(0, j, col.heading(lang, unit), head)
        for i, row in enumerate(rows, start=1):
            for j, col in enumerate(columns):
                v = row.get(col.key)
                num_format = cell_format(col, row, v)
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    ws.write_blank(i, j, None)
                    continue
                if isinstance(v, bool):
                    ws.write_string(i, j, yes if v else no)
                elif isinstance(v, Decimal | float | int):
                    ws.write_number(i, j, float(v), formats[num_format or MONEY_FORMAT])
                elif isinstance(v, list | tuple):  # several codes in one cell
                    ws.write_string(i, j, str(safe_cell(";".join(map(str, v)))))
                else:
                    ws.write_string(i, j, str(safe_cell(v)))
                widths[j] = max(widths[j], _shown_width(v, num_format))
        for j, w in enumerate(widths):
            ws.set_column(j, j, max(MIN_WIDTH, min(MAX_WIDTH, w + 2)))
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0)
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        if rows:
            ws.autofilter(0, 0, len(rows), len(columns) - 1)
    wb.close()
