"""The monthly report template (月报/快报): an xlsx form a subsidiary fills in, and reading it back.

One sheet per statement (资产负债表, 利润表, 现金流量表, 统计指标 — the ``template`` section of
``rules/validation.yaml``), each line an item of items.yaml with its Chinese label, its unit and
whether it is a balance (期末数) or a year-to-date flow (本年累计), the prior period's figure
beside it for reference. Only the value column is unlocked, and Excel accepts only numbers in
it. The entity, the period, the unit and the layout are fixed in a very hidden ``_meta`` sheet
with a checksum, and every line keeps its item code in a hidden column: reading a form back maps
cells to items by those codes, never by position or label, and a form whose entity, period or
layout was altered is refused (``template.invalid``).

The checksum detects alteration, not forgery: it is not a signature (anyone with the code can
recompute it). The server tier should also check that a filer may file for the form's entity.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from guozi.catalog.model import Catalog, Item
from guozi.ingest.loose import loose_number
from guozi.ingest.readers import META_SHEET, ROW, SHEET, RawTable, cell_text, workbook
from guozi.ingest.rules import RuleSet, Statement
from guozi.kernel.errors import GuoziError, Problem
from guozi.kernel.periods import Period
from guozi.kernel.text import Text, is_zh, pick
from guozi.kernel.units import MONEY_UNITS, STORE_LIMIT, chinese_money_unit, unit_name

FIRST_ROW = 5  # the spreadsheet row of a sheet's first line (1-based)
COLUMNS = ("label", "line", "value", "prior", "unit", "basis", "code")
VALUE_COL = COLUMNS.index("value")  # 0-based: column C
CODE_COL = COLUMNS.index("code")  # 0-based: column G, hidden
VALUE_LETTER = "C"
CODE_LETTER = "G"
META_KEYS = (
    "template_version",
    "entity_id",
    "entity_name",
    "period",
    "unit",
    "lang",
    "sheets",
    "created_at",
    "checksum",
)

HEAD = {
    "zh": ("项目", "行次", "本期数", "上期数（{prior}）", "单位", "口径", "代码"),
    "en": ("Item", "Line", "This period", "Previous period ({prior})", "Unit", "Basis", "Code"),
}
BASIS = {"zh": {"stock": "期末数", "flow": "本年累计"}, "en": {"stock": "end of period", "flow": "year to date"}}


@dataclass(frozen=True)
class Form:
    """What a filled template says about itself (from ``_meta``)."""

    version: int
    entity_id: str
    period: str
    unit: str
    sheets: tuple[str, ...]
    checksum: str


def layout(statements: Sequence[Statement], catalog: Catalog) -> list[tuple[Statement, list[Item]]]:
    """The sheets of the form and their items, in the catalogue's order (empty sheets left out)."""
    out: list[tuple[Statement, list[Item]]] = []
    for st in statements:
        items = [i for i in catalog.items.values() if i.statement == st.code]
        if items:
            out.append((st, items))
    known = {st.code for st in statements}
    rest = [i for i in catalog.items.values() if i.statement not in known]
    if rest:  # items of a statement the template section does not name still get a sheet
        out.append((Statement("other", "其他", "Other"), rest))
    return out


def checksum(version: int, entity_id: str, period: str, unit: str, cells: Sequence[tuple[str, int, str]]) -> str:
    """The form's checksum: its identity and every (sheet, row, item code) of its layout."""
    text = "\n".join(
        ["guozi-template", str(version), entity_id, period, unit, *(f"{s}\t{r}\t{c}" for s, r, c in cells)]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "sheet"
    base, k = clean, 2
    while clean.lower() in used or clean == META_SHEET:
        clean = f"{base[:28]}_{k}"
        k += 1
    used.add(clean.lower())
    return clean


def write_template(
    path: Path,
    *,
    catalog: Catalog,
    rules: RuleSet,
    entity_id: str,
    entity_name: str,
    period: Period,
    prior: Mapping[str, Decimal],
    unit: str = "万元",
    lang: str = "zh",
) -> Path:
    """Write the report form of ``entity_id`` for ``period`` to ``path`` (xlsx).

    ``prior`` holds the previous period's current figures in yuan (persons), by item code.
    """
    import xlsxwriter  # noqa: PLC0415 - xlsxwriter only when a form is written (not on loading the ingest layer)

    canonical = chinese_money_unit(unit)
    if canonical is None:
        raise GuoziError(
            f"--unit 应为 {'、'.join(MONEY_UNITS)} 之一，实为 {unit}",
            f"--unit must be one of {', '.join(MONEY_UNITS)}, not {unit}",
        )
    unit = canonical
    sheets = layout(rules.statements, catalog)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        formats = _formats(wb)
        used: set[str] = set()
        cells: list[tuple[str, int, str]] = []
        names: list[str] = []
        for st, items in sheets:
            name = _sheet_name(st.name(lang), used)
            names.append(name)
            ws = wb.add_worksheet(name)
            _write_heading(ws, st, formats, entity_id, entity_name, period, unit, lang)
            cells.extend(_write_lines(ws, name, items, formats, prior, unit, lang))
            _guard_values(ws, len(items), unit, lang)
        values: dict[str, str] = {
            "template_version": str(rules.template_version),
            "entity_id": entity_id,
            "entity_name": entity_name,
            "period": str(period),
            "unit": canonical,
            "lang": lang,
            "sheets": "\t".join(names),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "checksum": checksum(rules.template_version, entity_id, str(period), canonical, cells),
        }
        meta = wb.add_worksheet(META_SHEET)
        for k, key in enumerate(META_KEYS):
            meta.write_string(k, 0, key)
            meta.write_string(k, 1, values[key])
        meta.protect()
        meta.very_hidden()
    finally:
        wb.close()
    return path


def _formats(wb: Any) -> dict[str, Any]:
    """The cell formats of a form, by use."""
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "info": wb.add_format({"font_color": "#333333"}),
        "note": wb.add_format({"font_color": "#7F7F7F", "italic": True}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "locked": True}),
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
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 6)
    ws.set_column(2, 3, 18)
    ws.set_column(4, 5, 12)
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
            "请在「本期数」列填写数字；未填写的项目视为未报送（不按零处理）。企业与期间已固定在文件中，请勿改动表格结构。",
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
            "Type numbers in the 'This period' column; a line left empty is not reported (not zero). "
            "The entity and the period are fixed in the file: do not change the layout.",
            formats["note"],
        )
    prev = period.shift(-1)
    for j, h in enumerate(HEAD[lang]):
        ws.write_string(FIRST_ROW - 2, j, h.format(prior=str(prev)), formats["head"])


def _write_lines(
    ws: Any,
    name: str,
    items: Sequence[Item],
    formats: Mapping[str, Any],
    prior: Mapping[str, Decimal],
    unit: str,
    lang: str,
) -> list[tuple[str, int, str]]:
    """One line per item (the value cell to fill in, last period's figure beside it); the
    (sheet, row, item code) of each line, which the checksum covers."""
    cells: list[tuple[str, int, str]] = []
    for k, item in enumerate(items):
        r = FIRST_ROW - 1 + k
        persons = item.unit == "人"
        shown_unit = unit_name("人" if persons else unit, lang)
        ws.write_string(r, 0, item.name(lang), formats["label"])
        ws.write_number(r, 1, k + 1, formats["center"])
        ws.write_blank(r, VALUE_COL, None, formats["persons_in" if persons else "money_in"])
        value = prior.get(item.code)
        ref = formats["persons_ref" if persons else "money_ref"]
        if value is None:
            ws.write_blank(r, 3, None, ref)
        else:
            factor = Decimal(1) if persons else MONEY_UNITS[unit]
            ws.write_number(r, 3, float(Decimal(value) / factor), ref)
        ws.write_string(r, 4, shown_unit, formats["center"])
        ws.write_string(r, 5, BASIS[lang][item.kind], formats["center"])
        ws.write_string(r, CODE_COL, item.code, formats["label"])
        cells.append((name, r + 1, item.code))
    return cells


def _guard_values(ws: Any, n_items: int, unit: str, lang: str) -> None:
    """Only numbers the store takes in the value column; the rest of the sheet locked."""
    last = FIRST_ROW - 1 + n_items - 1
    limit = float(STORE_LIMIT / MONEY_UNITS[unit])  # what the store takes, in the form's unit
    msg_zh = f"只能填写数字（单位：{unit}，人数以人计）"
    msg_en = f"numbers only (in {unit_name(unit, 'en')}; persons as a count)"
    ws.data_validation(
        FIRST_ROW - 1,
        VALUE_COL,
        last,
        VALUE_COL,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -limit,
            "maximum": limit,
            "input_title": pick(lang, "本期数", "This period"),
            "input_message": pick(lang, msg_zh, msg_en),
            "error_title": pick(lang, "数值无效", "Invalid value"),
            "error_message": pick(lang, msg_zh, msg_en),
        },
    )
    ws.freeze_panes(FIRST_ROW - 1, 1)
    ws.protect("", {"format_columns": True, "select_locked_cells": True, "select_unlocked_cells": True})


def _meta(wb: Any) -> dict[str, str]:
    sheet = wb[META_SHEET]
    out: dict[str, str] = {}
    for row in sheet.iter_rows(min_row=1, max_row=len(META_KEYS) + 20, max_col=2, values_only=True):
        if row and row[0] is not None:
            out[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return out


Result = tuple[list[RawTable], list[Problem], str]
Invalid = Callable[..., Result]


def read_template(path: Path, rules: RuleSet, catalog: Catalog) -> tuple[list[RawTable], list[Problem], str]:
    """A filled form as contract facts (one table per sheet), its problems, and its value column.

    Empty value cells are lines not reported. A cell holding a formula without a computed result
    is a ``value.formula`` problem; an altered form is one ``template.invalid`` problem.
    """

    def invalid(detail: str, sheet: str = "") -> tuple[list[RawTable], list[Problem], str]:
        return (
            [],
            [
                rules.problem(
                    "template.invalid",
                    {"detail": detail},
                    file=path.name,
                    sheet=sheet,
                    expected=Text("由 guozi template 生成且未改动的报表", "a form made by guozi template, unaltered"),
                    found=detail,
                )
            ],
            VALUE_LETTER,
        )

    try:
        with (
            workbook(path, read_only=True, data_only=True) as values_wb,
            workbook(path, read_only=True, data_only=False) as formula_wb,
        ):
            return _read(path, values_wb, formula_wb, rules, catalog, invalid)
    except MemoryError:
        raise
    except Exception as exc:  # a malformed or crafted xlsx: the zip and XML parsers raise almost anything
        return invalid(f"{type(exc).__name__}: {str(exc)[:120]}")


def _altered(meta: Mapping[str, str], sheetnames: Sequence[str], rules: RuleSet) -> tuple[str, str] | None:
    """What in a form's ``_meta`` shows it was not made by guozi template, or altered: (detail,
    sheet); ``None`` for a form whose keys, version, unit and sheets are all as made."""
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        return f"_meta lacks {', '.join(missing)}", META_SHEET
    try:
        version = int(meta["template_version"])
    except ValueError:
        return f"template_version {meta['template_version']!r}", META_SHEET
    if version > rules.template_version:
        return f"template version {version} is newer than {rules.template_version}", META_SHEET
    unit = meta["unit"]
    if unit not in MONEY_UNITS:
        return f"unit {unit!r}", META_SHEET
    for n in (n for n in meta["sheets"].split("\t") if n):
        if n not in sheetnames:
            return f"sheet {n!r} is missing", ""
    return None


def _formulas(fsheet: Any) -> dict[int, str]:
    """The formulas typed into a sheet's value column, by spreadsheet row."""
    formulas: dict[int, str] = {}
    for number, row in enumerate(
        fsheet.iter_rows(min_row=FIRST_ROW, max_col=CODE_COL + 1, values_only=True), start=FIRST_ROW
    ):
        cell = row[VALUE_COL] if len(row) > VALUE_COL else None
        if isinstance(cell, str) and cell.startswith("="):
            formulas[number] = cell
        elif cell is not None and type(cell).__name__ in ("ArrayFormula", "DataTableFormula"):
            formulas[number] = str(getattr(cell, "text", "") or "=…")
    return formulas


def _read(
    path: Path, values_wb: Any, formula_wb: Any, rules: RuleSet, catalog: Catalog, invalid: Invalid
) -> tuple[list[RawTable], list[Problem], str]:
    meta = _meta(values_wb)
    altered = _altered(meta, values_wb.sheetnames, rules)
    if altered is not None:
        return invalid(*altered)
    version, unit = int(meta["template_version"]), meta["unit"]
    names = [n for n in meta["sheets"].split("\t") if n]
    cells: list[tuple[str, int, str]] = []
    tables: list[RawTable] = []
    problems: list[Problem] = []
    all_rows: list[int] = []
    all_codes: list[str] = []
    all_texts: list[str] = []
    all_sheets: list[str] = []
    for n in names:
        vsheet, fsheet = values_wb[n], formula_wb[n]
        formulas = _formulas(fsheet)
        rows: list[int] = []
        codes: list[str] = []
        texts: list[str] = []
        for number, row in enumerate(
            vsheet.iter_rows(min_row=FIRST_ROW, max_col=CODE_COL + 1, values_only=True), start=FIRST_ROW
        ):
            code = cell_text(row[CODE_COL] if len(row) > CODE_COL else None).strip()
            if not code:
                continue
            cells.append((n, number, code))
            value = row[VALUE_COL] if len(row) > VALUE_COL else None
            if value is None or (isinstance(value, str) and value.strip() == ""):
                if number in formulas:
                    problems.append(
                        rules.problem(
                            "value.formula",
                            {"found": formulas[number][:120], "item": code},
                            file=path.name,
                            sheet=n,
                            row=number,
                            column=VALUE_LETTER,
                            expected=Text("数值", "a number"),
                            found=formulas[number][:120],
                        )
                    )
                continue
            text = cell_text(value)
            read = loose_number(text) if isinstance(value, str) else None
            if read is not None:
                problems.append(_loose(rules, meta, path, n, number, code, text, read))
                text = read
            rows.append(number)
            codes.append(code)
            texts.append(text)
        all_rows.extend(rows)
        all_codes.extend(codes)
        all_texts.extend(texts)
        all_sheets.extend([n] * len(rows))
    units = ["人" if (item := catalog.items.get(c)) is not None and item.unit == "人" else unit for c in all_codes]
    n_rows = len(all_rows)
    tables.append(
        RawTable(
            path,
            pa.table(
                {
                    "entity_id": pa.array([meta["entity_id"]] * n_rows, pa.string()),
                    "period": pa.array([meta["period"]] * n_rows, pa.string()),
                    "item": pa.array(all_codes, pa.string()),
                    "value": pa.array(all_texts, pa.string()),
                    "unit": pa.array(units, pa.string()),
                    SHEET: pa.array(all_sheets, pa.string()),
                    ROW: pa.array(all_rows, pa.int64()),
                }
            ),
        )
    )
    expected = checksum(version, meta["entity_id"], meta["period"], unit, cells)
    if expected != meta["checksum"]:
        return invalid("checksum mismatch: the entity, period, unit or lines were changed", META_SHEET)
    return tables, problems, VALUE_LETTER


def _loose(
    rules: RuleSet, meta: Mapping[str, str], path: Path, sheet: str, row: int, code: str, text: str, read: str
) -> Problem:
    """The 提示 that a cell's ``(3.5)`` or 「７８０」 was read as the number ``read``."""
    fields = {"entity": meta["entity_id"], "period": meta["period"], "item": code, "found": text, "detail": read}
    return rules.problem(
        "value.loose_number",
        fields,
        file=path.name,
        sheet=sheet,
        row=row,
        column=VALUE_LETTER,
        expected=Text("十进制数", "a decimal number"),
        found=text,
    )


def read_form(path: Path) -> Form | None:
    """The identity of a form (entity, period, unit), or ``None`` if ``path`` is not a readable form."""
    try:
        with workbook(path, read_only=True, data_only=True) as wb:
            meta = _meta(wb)
        return Form(
            version=int(meta["template_version"]),
            entity_id=meta["entity_id"],
            period=meta["period"],
            unit=meta["unit"],
            sheets=tuple(n for n in meta["sheets"].split("\t") if n),
            checksum=meta["checksum"],
        )
    except MemoryError:
        raise
    except Exception:  # not a readable form: any parser failure, or keys missing
        return None
