"""The monthly report template (月度财务快报): an xlsx form a subsidiary fills in.

One sheet per statement (资产负债表, 利润表, 现金流量表, 统计指标 — the ``template`` section of
``rules/validation.yaml``), its lines in the paper form's order with its section headings
(``form.yaml``), each an item of items.yaml with its Chinese label and unit. The figure filed is
column C on every sheet: a balance's 期末数, a flow's 本年累计数. Beside it, locked, as on the paper
form (:mod:`guozi.ingest.formlayout`): the balance sheet's 年初数 (the stored 期末数 of the previous
December; open to fill in when none is stored) and 上月末数; the income and cash-flow statements'
本月数 (a formula: 本年累计 − the previous month's 本年累计; January's is its 本年累计) and
上年同期累计数; the statistics' 上年同期. Excel accepts only numbers in the open cells. The entity,
the period, the unit and the layout are fixed in a very hidden ``_meta`` sheet with a checksum, and
every line keeps its item code in a hidden column G: reading a form back
(:mod:`guozi.ingest.formread`) maps cells to items by those codes, never by position or label, and
a form whose entity, period or layout was altered is refused (``template.invalid``).

The checksum detects alteration, not forgery: it is not a signature (anyone with the code can
recompute it). The server tier should also check that a filer may file for the form's entity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from guozi.catalog.model import Catalog, Item
from guozi.ingest.formlayout import (
    CODE_COL,
    CODE_LETTER,
    FIRST_ROW,
    META_KEYS,
    VALUE_COL,
    VALUE_LETTER,
    Form,
    Heading,
    checksum,
    columns,
    layout,
    sheet_lines,
)
from guozi.ingest.formread import form_openings, read_form, read_template
from guozi.ingest.readers import META_SHEET
from guozi.ingest.rules import RuleSet, Statement
from guozi.kernel.errors import GuoziError
from guozi.kernel.periods import Period
from guozi.kernel.text import is_zh, pick
from guozi.kernel.units import MONEY_UNITS, STORE_LIMIT, chinese_money_unit, unit_name

__all__ = [
    "CODE_LETTER",
    "VALUE_LETTER",
    "Earlier",
    "Form",
    "checksum",
    "form_openings",
    "layout",
    "read_form",
    "read_template",
    "write_template",
]

BASIS = {"zh": {"stock": "期末数", "flow": "本年累计"}, "en": {"stock": "end of period", "flow": "year to date"}}


@dataclass(frozen=True)
class Earlier:
    """The stored figures a form shows beside its lines, in yuan (persons), by item code."""

    previous: Mapping[str, Decimal] = field(default_factory=dict)  # the previous month
    opening: Mapping[str, Decimal] = field(default_factory=dict)  # the previous December (年初数)
    prior_year: Mapping[str, Decimal] = field(default_factory=dict)  # the same month a year before


def _heading(role: str, statement: str, period: Period, lang: str) -> str:
    """The heading of a column of ``role`` on a sheet of ``statement``."""
    flows = statement in ("income", "cash")
    last = period.shift(-12)
    value = ("期末数", "End of period") if statement == "balance" else ("本期数", "This period")
    words = {
        "label": ("项目", "Item"),
        "line": ("行次", "Line"),
        "value": ("本年累计数", "Year to date") if flows else value,
        "opening": (f"年初数（{period.year - 1}年末）", f"Opening ({period.year - 1}-12)"),
        "previous": (f"上月末数（{period.shift(-1)}）", f"Previous month end ({period.shift(-1)})"),
        "month": ("本月数", "This month"),
        "prior_year": (f"上年同期{'累计数' if flows else ''}（{last}）", f"Same period last year ({last})"),
        "unit": ("单位", "Unit"),
        "basis": ("口径", "Basis"),
        "code": ("代码", "Code"),
    }
    return pick(lang, *words[role])


def write_template(
    path: Path,
    *,
    catalog: Catalog,
    rules: RuleSet,
    entity_id: str,
    entity_name: str,
    period: Period,
    earlier: Earlier,
    unit: str = "万元",
    lang: str = "zh",
) -> Path:
    """Write the report form of ``entity_id`` for ``period`` to ``path`` (xlsx), ``earlier`` beside it."""
    import xlsxwriter  # noqa: PLC0415 - xlsxwriter only when a form is written (not on loading the ingest layer)

    canonical = chinese_money_unit(unit)
    if canonical is None:
        raise GuoziError(
            f"--unit 应为 {'、'.join(MONEY_UNITS)} 之一，实为 {unit}",
            f"--unit must be one of {', '.join(MONEY_UNITS)}, not {unit}",
        )
    unit = canonical
    sheets = sheet_lines(rules.statements, catalog)  # a bad form layout is refused before the file is made
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        formats = _formats(wb)
        used: set[str] = set()
        cells: list[tuple[str, int, str]] = []
        names: list[str] = []
        codes: list[str] = []
        for st, lines in sheets:
            name = _sheet_name(st.name(lang), used)
            names.append(name)
            codes.append(st.code)
            ws = wb.add_worksheet(name)
            _write_heading(ws, st, formats, entity_id, entity_name, period, unit, lang)
            sheet = _Sheet(ws, name, st.code, formats, earlier, period, unit, lang)
            cells.extend(sheet.write(lines))
            _guard_values(ws, sheet.open_cells, len(lines), unit, lang)
        values: dict[str, str] = {
            "template_version": str(rules.template_version),
            "entity_id": entity_id,
            "entity_name": entity_name,
            "period": str(period),
            "unit": canonical,
            "lang": lang,
            "sheets": "\t".join(names),
            "statements": "\t".join(codes),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "checksum": checksum(rules.template_version, entity_id, str(period), canonical, cells, codes),
        }
        meta = wb.add_worksheet(META_SHEET)
        for k, key in enumerate((*META_KEYS, "statements")):
            meta.write_string(k, 0, key)
            meta.write_string(k, 1, values[key])
        meta.protect()
        meta.very_hidden()
    finally:
        wb.close()
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
    base, k = clean, 2
    while clean.lower() in used or clean == META_SHEET:
        clean = f"{base[:28]}_{k}"
        k += 1
    used.add(clean.lower())
    return clean


def _formats(wb: Any) -> dict[str, Any]:
    """The cell formats of a form, by use."""
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "info": wb.add_format({"font_color": "#333333"}),
        "note": wb.add_format({"font_color": "#7F7F7F", "italic": True}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "locked": True, "text_wrap": True}),
        "section": wb.add_format({"bold": True, "border": 1, "locked": True, "bg_color": "#F2F2F2"}),
        "label": wb.add_format({"border": 1, "locked": True}),
        "center": wb.add_format({"border": 1, "locked": True, "align": "center"}),
        "money_in": wb.add_format({"border": 1, "locked": False, "num_format": "#,##0.00", "bg_color": "#FFF9E5"}),
        "persons_in": wb.add_format({"border": 1, "locked": False, "num_format": "#,##0", "bg_color": "#FFF9E5"}),
        "money_ref": wb.add_format({"border": 1, "locked": True, "num_format": "#,##0.00", "font_color": "#595959"}),
        "persons_ref": wb.add_format({"border": 1, "locked": True, "num_format": "#,##0", "font_color": "#595959"}),
    }


def _write_heading(
    ws: Any,
    st: Statement,
    formats: Mapping[str, Any],
    entity_id: str,
    entity_name: str,
    period: Period,
    unit: str,
    lang: str,
) -> None:
    """A sheet's column widths, title, entity and period, note on filling it in, and column headings."""
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 6)
    ws.set_column(2, 4, 18)
    ws.set_column(5, 5, 8)
    ws.set_column(CODE_COL, CODE_COL, 24, None, {"hidden": True})
    ws.write_string(0, 0, st.name(lang), formats["title"])
    if is_zh(lang):
        ws.write_string(
            1,
            0,
            f"企业：{entity_name}（{entity_id}）    期间：{period.year}年{period.month}月    金额单位：{unit}",
            formats["info"],
        )
        ws.write_string(
            2,
            0,
            "请在黄色单元格填写数字；未填写的项目视为未报送（不按零处理）。企业与期间已固定在文件中，请勿改动表格结构。",
            formats["note"],
        )
    else:
        ws.write_string(
            1,
            0,
            f"Entity: {entity_name} ({entity_id})    Period: {period}    Amounts in {unit_name(unit, 'en')}",
            formats["info"],
        )
        ws.write_string(
            2,
            0,
            "Type numbers in the yellow cells; a line left empty is not reported (not zero). "
            "The entity and the period are fixed in the file: do not change the layout.",
            formats["note"],
        )
    for j, role in enumerate(columns(st.code)):
        ws.write_string(FIRST_ROW - 2, j, _heading(role, st.code, period, lang), formats["head"])


class _Sheet:
    """Writing the lines of one sheet: the figure to fill in and, beside it, the stored ones."""

    def __init__(
        self,
        ws: Any,
        name: str,
        statement: str,
        formats: Mapping[str, Any],
        earlier: Earlier,
        period: Period,
        unit: str,
        lang: str,
    ) -> None:
        self.ws, self.name, self.formats, self.earlier = ws, name, formats, earlier
        self.roles = columns(statement)
        self.period, self.unit, self.lang = period, unit, lang
        self.open_cells: list[tuple[int, int]] = []  # (row, column) of each cell to fill in, 0-based

    def write(self, lines: Sequence[Item | Heading]) -> list[tuple[str, int, str]]:
        """Every line (a heading spans the row); the (sheet, row, item code) of each item, which the
        checksum covers."""
        cells: list[tuple[str, int, str]] = []
        number = 0
        for k, line in enumerate(lines):
            r = FIRST_ROW - 1 + k
            if isinstance(line, Heading):
                self.ws.write_string(r, 0, line.name(self.lang), self.formats["section"])
                for j in range(1, CODE_COL):
                    self.ws.write_blank(r, j, None, self.formats["section"])
                continue
            number += 1
            for j, role in enumerate(self.roles):
                self._cell(r, j, role, line, number)
            cells.append((self.name, r + 1, line.code))
        return cells

    def _amount(self, r: int, j: int, item: Item, value: Decimal | None) -> None:
        persons = item.unit == "人"
        ref = self.formats["persons_ref" if persons else "money_ref"]
        if value is None:
            self.ws.write_blank(r, j, None, ref)
        else:
            factor = Decimal(1) if persons else MONEY_UNITS[self.unit]
            self.ws.write_number(r, j, float(Decimal(value) / factor), ref)

    def _cell(self, r: int, j: int, role: str, item: Item, number: int) -> None:
        ws, formats, persons = self.ws, self.formats, item.unit == "人"
        if role == "label":
            ws.write_string(r, j, item.name(self.lang), formats["label"])
        elif role == "line":
            ws.write_number(r, j, number, formats["center"])
        elif role == "value":
            ws.write_blank(r, j, None, formats["persons_in" if persons else "money_in"])
            self.open_cells.append((r, j))
        elif role == "opening":
            value = self.earlier.opening.get(item.code) if item.kind == "stock" else None
            if value is None:  # no 上年末数 stored: the filer gives the 年初数 (compared once it is)
                ws.write_blank(r, j, None, formats["persons_in" if persons else "money_in"])
                self.open_cells.append((r, j))
            else:
                self._amount(r, j, item, value)
        elif role == "previous":
            self._amount(r, j, item, self.earlier.previous.get(item.code))
        elif role == "prior_year":
            self._amount(r, j, item, self.earlier.prior_year.get(item.code))
        elif role == "month":
            self._month(r, j, item)
        elif role == "unit":
            ws.write_string(r, j, unit_name("人" if persons else self.unit, self.lang), formats["center"])
        elif role == "basis":
            ws.write_string(r, j, BASIS["zh" if is_zh(self.lang) else "en"][item.kind], formats["center"])
        elif role == "code":
            ws.write_string(r, j, item.code, formats["label"])

    def _month(self, r: int, j: int, item: Item) -> None:
        """本月数: 本年累计 − the previous month's 本年累计 (January: its 本年累计), once C is filled."""
        ref = self.formats["persons_ref" if item.unit == "人" else "money_ref"]
        cell = f"{VALUE_LETTER}{r + 1}"
        previous = self.earlier.previous.get(item.code)
        if item.kind != "flow" or (self.period.month != 1 and previous is None):
            self.ws.write_blank(r, j, None, ref)
            return
        factor = Decimal(1) if item.unit == "人" else MONEY_UNITS[self.unit]
        minus = (
            ""
            if self.period.month == 1 or previous is None
            else f"-({format((Decimal(previous) / factor).normalize(), 'f')})"
        )
        self.ws.write_formula(r, j, f'=IF({cell}="","",{cell}{minus})', ref, "")


def _guard_values(ws: Any, cells: Sequence[tuple[int, int]], n_lines: int, unit: str, lang: str) -> None:
    """Only numbers the store takes in the cells to fill in; the rest of the sheet locked."""
    limit = float(STORE_LIMIT / MONEY_UNITS[unit])  # what the store takes, in the form's unit
    msg_zh = f"只能填写数字（单位：{unit}，人数以人计）"
    msg_en = f"numbers only (in {unit_name(unit, 'en')}; persons as a count)"
    last = FIRST_ROW - 1 + n_lines - 1
    for col in sorted({j for _, j in cells}):
        rows = [r for r, j in cells if j == col]
        first = rows[0] if col != VALUE_COL else FIRST_ROW - 1
        ws.data_validation(
            first,
            col,
            rows[-1] if col != VALUE_COL else last,
            col,
            {
                "validate": "decimal",
                "criteria": "between",
                "minimum": -limit,
                "maximum": limit,
                "input_title": pick(lang, "本期数" if col == VALUE_COL else "年初数", "Figure"),
                "input_message": pick(lang, msg_zh, msg_en),
                "error_title": pick(lang, "数值无效", "Invalid value"),
                "error_message": pick(lang, msg_zh, msg_en),
            },
        )
    ws.freeze_panes(FIRST_ROW - 1, 1)
    ws.protect("", {"format_columns": True, "select_locked_cells": True, "select_unlocked_cells": True})
