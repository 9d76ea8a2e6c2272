"""A change in percentage points is never shown as 「+0.00个百分点」 beside 通过/实现提升 (issue 20:
"Rounding hides decisions"): the report shows more digits while a non-zero change would round to
zero, as ``guozi verdict`` does: both by the one rule, kernel/money.py ``points``.

Worked by hand: the demo group's 研发经费投入强度 2025-12 is 2.80 % against 2.80 % a year before,
a change of +0.001 point that ``guozi verdict`` reports as 「变动 +0.001 个百分点，实现提升」.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

from guozi.report.cells import cell_text
from guozi.report.model import Col, Fig
from guozi.report.narrative import shown
from guozi.report.render_xlsx import _Writer


def test_a_small_change_in_points_shows_the_digits_that_decide() -> None:
    assert shown(Decimal("0.0012"), "pp", "zh") == "+0.001个百分点"  # 0.00 would hide it; 0.001 shows it
    assert shown(Decimal("-0.004"), "pp", "en") == "-0.004 pp"
    assert shown(Decimal("0.00004"), "pp", "zh") == "0.0000个百分点"  # at most four decimals
    assert shown(Decimal("0.29"), "pp", "zh") == "+0.29个百分点"  # two as before when they suffice
    assert shown(Decimal("0"), "pp", "zh") == "0.00个百分点"  # no change: no sign, two decimals


def test_a_report_table_cell_in_points_does_too() -> None:
    col = Col("change", "增减", "change", kind="value")
    cell = Fig(Decimal("0.0012"), "%", "panel", measure="change")
    assert cell_text(cell, col, None, "zh") == "+0.001个百分点"


def test_the_report_workbook_formats_a_change_in_points_to_its_deciding_digits(tmp_path: Path) -> None:
    """The Excel report keeps the exact number and shows it as the other formats do: +0.0012 point
    with three decimals (+0.001), 0.29 with two, a change of 0.0004 with four (+0.0004)."""
    path = tmp_path / "r.xlsx"
    writer = _Writer(path, "zh")
    ws = writer.wb.add_worksheet("t")
    col = Col("change", "增减", "change", kind="value")
    for r, v in enumerate(("0.0012", "0.29", "0.0004")):
        writer.cell(ws, r, 0, Fig(Decimal(v), "pp", "panel", measure="change"), col)
    writer.wb.close()
    cells = [row[0] for row in openpyxl.load_workbook(path)["t"].iter_rows(max_col=1)]
    assert [c.value for c in cells] == [0.0012, 0.29, 0.0004]
    assert [c.number_format for c in cells] == ["+0.000;-0.000;0.000", "+0.00;-0.00;0.00", "+0.0000;-0.0000;0.0000"]
