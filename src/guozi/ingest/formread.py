"""Reading a filled monthly report form back (see :mod:`guozi.ingest.template` for the form).

Cells are mapped to items by the hidden item codes of column G, never by position or label; the
figure is column C on every sheet. A form of the first layout (42 lines, 本期数 | 上期数, no
``statements`` key in ``_meta``) reads back as before. :func:`form_openings` reads the 年初数
column of a balance sheet, which :mod:`guozi.ingest.openings` compares with the stored 上年末数.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa

from guozi.catalog.model import Catalog
from guozi.ingest.formlayout import (
    CODE_COL,
    FIRST_ROW,
    META_KEYS,
    OPENING_COL,
    VALUE_COL,
    VALUE_LETTER,
    Form,
    checksum,
)
from guozi.ingest.loose import loose_notice, loose_number
from guozi.ingest.readers import META_SHEET, ROW, SHEET, RawTable, cell_text, workbook
from guozi.ingest.rules import RuleSet
from guozi.kernel.errors import Problem
from guozi.kernel.text import Text
from guozi.kernel.units import MONEY_UNITS

__all__ = ["Opening", "form_openings", "read_form", "read_template"]


def _statements(meta: Mapping[str, str]) -> tuple[str, ...]:
    """Each sheet's statement code (``balance`` …); empty for a form of the first layout."""
    return tuple(s for s in meta.get("statements", "").split("\t") if s)


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
    names = [n for n in meta["sheets"].split("\t") if n]
    for n in names:
        if n not in sheetnames:
            return f"sheet {n!r} is missing", ""
    if "statements" in meta and len(_statements(meta)) != len(names):
        return "statements do not match the sheets", META_SHEET
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
                problems.append(
                    loose_notice(
                        rules,
                        text,
                        read,
                        entity=meta["entity_id"],
                        period=meta["period"],
                        item=code,
                        file=path.name,
                        sheet=n,
                        row=number,
                        column=VALUE_LETTER,
                    )
                )
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
    expected = checksum(version, meta["entity_id"], meta["period"], unit, cells, _statements(meta))
    if expected != meta["checksum"]:
        return invalid("checksum mismatch: the entity, period, unit or lines were changed", META_SHEET)
    return tables, problems, VALUE_LETTER


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
            statements=_statements(meta),
        )
    except MemoryError:
        raise
    except Exception:  # not a readable form: any parser failure, or keys missing
        return None


Opening = tuple[str, int, str, Decimal]  # (sheet, spreadsheet row, item code, 年初数 in yuan)


def form_openings(path: Path) -> tuple[Form, list[Opening]] | None:
    """The 年初数 filled in (or prefilled) on a form's balance sheet, in yuan, by line; ``None`` for
    a form of the first layout, which has no such column, or a file that is not a readable form.

    A cell that is empty or not a number is left out: the figures themselves are checked by
    :func:`read_template`, and a 年初数 is compared, never stored.
    """
    form = read_form(path)
    if form is None or not form.statements or form.unit not in MONEY_UNITS:
        return None
    factor = MONEY_UNITS[form.unit]
    out: list[Opening] = []
    with workbook(path, read_only=True, data_only=True) as wb:
        for name, statement in zip(form.sheets, form.statements, strict=True):
            if statement != "balance" or name not in wb.sheetnames:
                continue
            for number, row in enumerate(
                wb[name].iter_rows(min_row=FIRST_ROW, max_col=CODE_COL + 1, values_only=True), start=FIRST_ROW
            ):
                code = cell_text(row[CODE_COL] if len(row) > CODE_COL else None).strip()
                text = cell_text(row[OPENING_COL] if len(row) > OPENING_COL else None).strip()
                if not code or not text:
                    continue
                try:
                    value = Decimal(loose_number(text) or text)
                except InvalidOperation:
                    continue
                if value.is_finite():
                    out.append((name, number, code, value * factor))
    return form, out
