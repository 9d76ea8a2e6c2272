"""Writing tables: CSV cells that a spreadsheet would run as formulas are neutralised (formula injection)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

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


def test_in_unit_converts_money_rows_exactly_and_leaves_others() -> None:
    """843 321 120.923 元 is 843.321120923 亿元 (÷ 10^8, exact); a % row and a head count stay as they are."""
    from guozi.presentation.output import in_unit

    cols = [Column("value", "本期", "value", money="row"), Column("gap", "差额", "gap", money="always")]
    rows = [
        {"unit": "元", "value": Decimal("843321120.923"), "gap": Decimal("-100000000")},
        {"unit": "%", "value": 94.1357, "gap": Decimal("50000000")},
        {"unit": "人", "value": 1200, "gap": None},
    ]
    got = in_unit(rows, cols, "亿元")
    assert got[0] == {"unit": "亿元", "value": Decimal("8.43321120923"), "gap": Decimal("-1")}
    assert got[1] == {"unit": "%", "value": 94.1357, "gap": Decimal("0.5")}
    assert got[2] == rows[2]
    assert cols[1].heading("zh", "亿元") == "差额（亿元）" and cols[1].heading("en", "万元") == "gap (10k yuan)"


def test_plain_table_is_tab_separated_with_yes_no() -> None:
    from guozi.presentation.output import plain_table

    cols = [Column("name", "名称", "name"), Column("leaf", "末级", "leaf")]
    text = plain_table([{"name": "甲公司", "leaf": False}, {"name": "乙\t公司", "leaf": True}], cols, "zh", "标题")
    assert text == "标题\n名称\t末级\n甲公司\t否\n乙 公司\t是\n"


def test_workbook_writes_booleans_as_yes_no_and_fits_widths(tmp_path: Path) -> None:
    """是/否, not the text True/False; a column of 20-character Chinese names is at least 40 wide."""
    import openpyxl

    from guozi.presentation.workbook import write_xlsx

    name = "华夏实业集团有限公司第一分公司第二车间"  # 19 characters, 38 columns
    cols = [Column("name", "名称", "name"), Column("leaf", "末级", "leaf"), Column("n", "户数", "n")]
    path = tmp_path / "t.xlsx"
    write_xlsx(path, [("problems", [{"name": name, "leaf": True, "n": 3}, {"name": "乙", "leaf": False}], cols)], "zh")
    ws = openpyxl.load_workbook(path)["问题"]
    assert [c.value for c in ws[2]] == [name, "是", 3] and ws["B3"].value == "否"
    assert ws.column_dimensions["A"].width >= 38 and ws["C2"].number_format == "#,##0"
