"""The report as a formatted Excel workbook: the text on a first sheet, one sheet per section with
its tables (frozen headings, number formats), and the panel in full (exact values, every column).

Numbers are written as numbers, not as the rounded text of the other formats: amounts in 元
(format ``#,##0.00``), ratios and rates in percent (``0.00``), growth in percent (``0.0``), so a
reader can compute with them; the headings say the unit.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from guozi.kernel.money import MOST_DECIMALS, decisive_decimals
from guozi.kernel.text import pick
from guozi.presentation.output import safe_cell
from guozi.report import narrative as nv
from guozi.report.cells import cell_text
from guozi.report.model import Col, Fig, Report, Table, Text

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
PANEL_COLUMNS = (
    ("entity_id", "企业代码", "entity"),
    ("name", "企业", "name"),
    ("period", "期间", "period"),
    ("indicator", "指标代码", "indicator"),
    ("indicator_name", "指标", "indicator name"),
    ("value", "本期", "value"),
    ("unit", "单位", "unit"),
    ("prior_value", "上年同期", "prior year"),
    ("change", "增减", "change"),
    ("growth", "增幅（%）", "growth (%)"),
    ("note", "说明", "note"),
    ("view", "口径", "view"),
    ("members", "企业数", "entities"),
)


def sheet_name(number: int, title: str) -> str:
    """A valid, unique-by-number sheet name: "1 总体情况"."""
    return _BAD_SHEET.sub("", f"{number} {title}")[:31]


def _unit_heading(col: Col, lang: str) -> str:
    text = col.heading(lang)
    unit = {"amount": pick(lang, "元", "yuan"), "growth": "%", "pct": "%"}.get(col.kind, col.unit)
    if col.kind == "value":
        return text
    if not unit:
        return text
    return pick(lang, f"{text}（{unit}）", f"{text} ({unit})")


class _Writer:
    def __init__(self, path: Path, lang: str) -> None:
        import xlsxwriter  # noqa: PLC0415 - xlsxwriter only when the report is asked for as xlsx

        self.lang = lang
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
        wb = self.wb
        self.title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"})
        self.caption = wb.add_format({"bold": True, "font_size": 11})
        self.head = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top", "align": "center"}
        )
        self.text = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self.para = wb.add_format({"text_wrap": True, "valign": "top"})
        self.note = wb.add_format({"font_color": "#666666", "italic": True, "text_wrap": False})
        self.missing = wb.add_format({"font_color": "#B03A2E", "border": 1, "align": "center"})
        self.formats = {
            "amount": wb.add_format({"num_format": "#,##0.00", "border": 1}),
            "ratio": wb.add_format({"num_format": "0.00", "border": 1}),
            "growth": wb.add_format({"num_format": "+0.0;-0.0;0.0", "border": 1}),
            "change": wb.add_format({"num_format": "+#,##0.00;-#,##0.00;0.00", "border": 1}),
            **{  # a change in points to the digits that decide it: +0.001, not +0.00 (kernel.money)
                f"pp{n}": wb.add_format({"num_format": f"+0.{z};-0.{z};0.{z}", "border": 1})
                for n in range(2, MOST_DECIMALS + 1)
                for z in ["0" * n]
            },
            "count": wb.add_format({"num_format": "0", "border": 1}),
            "exact": wb.add_format({"num_format": "#,##0.00##########"}),
            "float": wb.add_format({"num_format": "0.00########"}),
        }

    def cell(self, ws: Any, r: int, c: int, cell: Any, col: Col) -> None:
        lang = self.lang
        if cell is None:
            ws.write_string(r, c, "—", self.text)
        elif isinstance(cell, Text):
            ws.write_string(r, c, str(safe_cell(cell(lang))), self.text)
        elif isinstance(cell, Fig):
            if cell.value is None:
                ws.write_string(r, c, cell_text(cell, col, None, lang), self.missing if cell.missing else self.text)
                return
            if cell.unit == "元":
                fmt = "change" if cell.measure in ("change", "this − prior") else "amount"
            elif cell.unit == "growth" or col.kind == "growth":
                fmt = "growth"
            elif cell.unit in ("count", "人"):
                fmt = "count"
            elif cell.unit == "pp":
                fmt = f"pp{decisive_decimals(cell.value)}"
            else:
                fmt = "ratio"
            value = cell.value
            ws.write_number(r, c, float(value) if isinstance(value, Decimal | float | int) else 0.0, self.formats[fmt])
        elif isinstance(cell, int) and not isinstance(cell, bool):
            ws.write_number(r, c, cell, self.formats["count"])
        else:
            ws.write_string(r, c, str(safe_cell(str(cell))), self.text)

    def table(self, ws: Any, row: int, table: Table) -> tuple[int, int]:
        """Write ``table`` from ``row``; return the heading row and the next free row."""
        lang = self.lang
        ws.write_string(row, 0, table.title(lang), self.caption)
        head = row + 1
        for j, col in enumerate(table.columns):
            ws.write_string(head, j, _unit_heading(col, lang), self.head)
        r = head + 1
        for cells in table.rows:
            for j, (cell, col) in enumerate(zip(cells, table.columns, strict=True)):
                self.cell(ws, r, j, cell, col)
            r += 1
        for n in table.notes:
            ws.write_string(r, 0, n(lang), self.note)
            r += 1
        return head, r + 1

    def section_sheet(self, number: int, title: str, tables: list[Table]) -> None:
        ws = self.wb.add_worksheet(sheet_name(number, title))
        ws.write_string(0, 0, nv.section_heading(number, title, self.lang), self.title)
        row = 2
        first_head = None
        widths: dict[int, int] = {}
        for t in tables:
            head, row = self.table(ws, row, t)
            first_head = head if first_head is None else first_head
            for j, col in enumerate(t.columns):
                w = 34 if col.key in ("message", "note") else (22 if col.kind == "text" else 14)
                widths[j] = max(widths.get(j, 0), w)
        for j, w in widths.items():
            ws.set_column(j, j, w)
        if first_head is not None:
            ws.freeze_panes(first_head + 1, 1)

    def text_sheet(self, report: Report) -> None:
        lang = self.lang
        ws = self.wb.add_worksheet(pick(lang, "报告正文", "Text"))
        ws.set_column(0, 0, 120)
        ws.write_string(0, 0, report.title(lang), self.title)
        ws.write_string(1, 0, report.subtitle(lang), self.note)
        r = 3
        for s in report.sections:
            paras = s.paragraphs()
            if not paras:
                continue
            ws.write_string(r, 0, nv.section_heading(s.number, s.title(lang), lang), self.caption)
            r += 1
            for p in paras:
                ws.write_string(r, 0, p.text(lang), self.para if p.kind == "text" else self.note)
                r += 1
            r += 1
        ws.freeze_panes(1, 0)

    def panel_sheet(self, name: str, frame: pd.DataFrame, report: Report) -> None:
        lang = self.lang
        ws = self.wb.add_worksheet(name[:31])
        for j, (_, zh, en) in enumerate(PANEL_COLUMNS):
            ws.write_string(0, j, pick(lang, zh, en), self.head)
            ws.set_column(j, j, 28 if j in (1, 10) else 14)
        for i, rec in enumerate(frame.to_dict("records"), start=1):
            code = str(rec["indicator"])
            row = {
                **rec,
                "indicator_name": report.indicator_names[code](lang) if code in report.indicator_names else code,
                "note": pick(lang, rec["note_zh"], rec["note_en"]),
            }
            for j, (key, _, _) in enumerate(PANEL_COLUMNS):
                v = row.get(key)
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    ws.write_blank(i, j, None)
                elif isinstance(v, Decimal):
                    ws.write_number(i, j, float(v), self.formats["exact"])
                elif isinstance(v, float):
                    ws.write_number(i, j, v, self.formats["float"])
                elif isinstance(v, int) and not isinstance(v, bool):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(safe_cell(str(v))))
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(len(frame), 1), len(PANEL_COLUMNS) - 1)


def write_xlsx(report: Report, path: Path, lang: str = "zh") -> None:
    """Write the workbook: 报告正文, one sheet per section, then the panels in full."""
    w = _Writer(path, lang)
    w.text_sheet(report)
    for s in report.sections:
        tables = s.tables()
        if tables:
            w.section_sheet(s.number, s.title(lang), tables)
    for _key, title, frame in report.panels:
        w.panel_sheet(title(lang), frame, report)
    w.wb.close()


def annex_path(path: Path, lang: str = "zh") -> Path:
    """Where the 附表 workbook of the report written to ``path`` goes: beside it, "<name>_附表.xlsx"."""
    return path.with_name(f"{path.stem}{pick(lang, '_附表', '_appendix')}.xlsx")


def write_annex(report: Report, path: Path, lang: str = "zh") -> bool:
    """Write the 附表 (every entity's figures, every warning, what could not be checked) as its own
    workbook, one sheet per table, set up to print on A4 landscape; False when the report has none."""
    annex = [s for s in report.sections if s.key == "appendix"]
    tables = [t for s in annex for t in s.tables()]
    if not tables:
        return False
    w = _Writer(path, lang)
    for i, t in enumerate(tables, start=1):
        w.section_sheet(i, t.title(lang), [t])
    for ws in w.wb.worksheets():
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(3)
    w.wb.close()
    return True
