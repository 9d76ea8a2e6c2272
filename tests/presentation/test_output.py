"""Writing tables: CSV cells that a spreadsheet would run as formulas are neutralised (formula injection)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from guozi.presentation.output import Column, to_csv

COLUMNS = [Column("name", "名称", "name"), Column("value", "值", "value")]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_formula_prefixed_text_gets_an_apostrophe() -> None:
    """Each prefix OWASP lists for CSV injection (= + - @ tab CR) is written behind an apostrophe."""
    names = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "甲公司"]
    rows = [{"name": n, "value": Decimal("1")} for n in names]
    got = [r[0] for r in _cells(to_csv(rows, COLUMNS))[1:]]
    assert got == ['\'=HYPERLINK("http://x")', "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "甲公司"]


def test_numbers_stay_numbers() -> None:
    """A negative amount (−5.50 元) and a negative ratio are figures, not text: no apostrophe."""
    rows = [{"name": "亏损", "value": Decimal("-5.50")}, {"name": "ratio", "value": -0.25}, {"name": "n", "value": -3}]
    assert _cells(to_csv(rows, COLUMNS)) == [["name", "value"], ["亏损", "-5.50"], ["ratio", "-0.25"], ["n", "-3"]]
