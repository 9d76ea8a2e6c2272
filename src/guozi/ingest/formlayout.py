"""The layout of the monthly report form (月度财务快报), shared by writing it and reading it back.

* the lines of each sheet in the paper form's order, with its section headings (``form.yaml`` of
  the catalogue data; the sheets are the ``template`` section of ``rules/validation.yaml``);
* the columns of each sheet: every sheet has the figure to fill in in column C and the hidden item
  code in column G, so a problem names column C whatever the sheet, and a form of the first layout
  (42 lines: 本期数 | 上期数) reads back as before. Between them, by statement:
  资产负债表 期末数 | 年初数 | 上月末数; 利润表 and 现金流量表 本年累计数 | 本月数 | 上年同期累计数;
  统计指标 本期数 | 上年同期 | 口径;
* the ``_meta`` keys and the checksum that detects an altered form.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from guozi.catalog.form import FORM_FILE, Heading, form_order
from guozi.catalog.model import Catalog, Item
from guozi.ingest.rules import Statement

__all__ = [
    "CODE_COL",
    "CODE_LETTER",
    "FIRST_ROW",
    "FORM_FILE",
    "META_KEYS",
    "OPENING_COL",
    "OPENING_LETTER",
    "VALUE_COL",
    "VALUE_LETTER",
    "Form",
    "Heading",
    "checksum",
    "columns",
    "layout",
    "sheet_lines",
]

FIRST_ROW = 5  # the spreadsheet row of a sheet's first line (1-based)
VALUE_COL, VALUE_LETTER = 2, "C"  # the figure filed: 期末数 or 本年累计数 (0-based column)
CODE_COL, CODE_LETTER = 6, "G"  # the item code, hidden
OPENING_COL, OPENING_LETTER = 3, "D"  # 年初数, on the balance sheet
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
# The columns of a sheet by statement (the first layout's were label line value prior unit basis code).
COLUMNS: dict[str, tuple[str, ...]] = {
    "balance": ("label", "line", "value", "opening", "previous", "unit", "code"),
    "income": ("label", "line", "value", "month", "prior_year", "unit", "code"),
    "cash": ("label", "line", "value", "month", "prior_year", "unit", "code"),
}
OTHER_COLUMNS = ("label", "line", "value", "prior_year", "basis", "unit", "code")


@dataclass(frozen=True)
class Form:
    """What a filled template says about itself (from ``_meta``)."""

    version: int
    entity_id: str
    period: str
    unit: str
    sheets: tuple[str, ...]
    checksum: str
    statements: tuple[str, ...] = ()  # each sheet's statement code; empty for a form of the first layout


def columns(statement: str) -> tuple[str, ...]:
    """The columns of a sheet of ``statement``, from A."""
    return COLUMNS.get(statement, OTHER_COLUMNS)


def sheet_lines(statements: Sequence[Statement], catalog: Catalog) -> list[tuple[Statement, list[Item | Heading]]]:
    """The sheets of the form and their lines in the paper form's order, headings between them.

    A sheet holds the items of its statement: those ``form.yaml`` lists, in its order, then the
    others in the catalogue's order — unless a user's catalogue gave the sheet, whose lines are the
    whole sheet (:func:`guozi.catalog.form.form_order`); a heading is kept only when an item follows
    it. Items of a statement no sheet names go on a last sheet 其他; empty sheets are left out.
    """
    form = form_order(catalog)
    order = form.sheets
    known = {st.code for st in statements}
    out: list[tuple[Statement, list[Item | Heading]]] = []
    for st in statements:
        mine = {i.code: i for i in catalog.items.values() if i.statement == st.code}
        lines: list[Item | Heading] = []
        pending: Heading | None = None
        for x in order.get(st.code, []):
            if isinstance(x, Heading):
                pending = x
            elif x in mine:
                lines.extend([pending, mine.pop(x)] if pending is not None else [mine.pop(x)])
                pending = None
        if st.code not in form.whole:
            lines.extend(mine.values())
        if lines:
            out.append((st, lines))
    rest: list[Item | Heading] = [i for i in catalog.items.values() if i.statement not in known]
    if rest:  # items of a statement the template section does not name still get a sheet
        out.append((Statement("other", "其他", "Other"), rest))
    return out


def layout(statements: Sequence[Statement], catalog: Catalog) -> list[tuple[Statement, list[Item]]]:
    """The sheets of the form and their items, in the form's order (empty sheets left out)."""
    return [(st, [x for x in lines if isinstance(x, Item)]) for st, lines in sheet_lines(statements, catalog)]


def checksum(
    version: int,
    entity_id: str,
    period: str,
    unit: str,
    cells: Sequence[tuple[str, int, str]],
    statements: Sequence[str] = (),
) -> str:
    """The form's checksum: its identity, every (sheet, row, item code) of its layout and its sheets'
    statements (a form of the first layout has none)."""
    head = ["guozi-template", str(version), entity_id, period, unit]
    if statements:
        head.append("statements\t" + "\t".join(statements))
    text = "\n".join([*head, *(f"{s}\t{r}\t{c}" for s, r, c in cells)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
