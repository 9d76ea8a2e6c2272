"""One unit per money column (issue 20): a table whose rows are several indicators (总体情况,
重点指标, 合并) shows each column's money in ONE scale, chosen from the column's largest amount
and named in its heading; the cells carry no unit of their own. Worked by hand:

- 本期: revenue 103 960 000 000 元 and total profit 8 433 000 000 元; the largest, 1 039.60 亿,
  reaches 1 亿 → 亿元: 「1 039.60」 and 「84.33」 under 「本期（亿元）」.
- 增减: +4 273 000 000 元 and −18 270 300 元; the largest, 42.73 亿, reaches 1 亿 → 亿元:
  「+42.73」 and −18 270 300 ÷ 100 000 000 = −0.182703 → 「-0.18」 (was 「-1 827.03万元」).
- 上年同期 of a column whose largest is 5 678 000 元 (< 1 亿) → 万元: 5 678 000 ÷ 10 000 = 「567.80」.
- a ratio row keeps its own unit: 63.24 % → 「63.24%」, its change −0.29 pp → 「-0.29个百分点」;
  a change on the month of +0.04 倍 → 「+0.04倍」 (a change shows its sign).
- a column without money (上月, 环比增减 of 倍 here) has no unit in its heading.
The columns are the 重点指标 table's (report.sections.focus.COLUMNS).
"""

from __future__ import annotations

from decimal import Decimal

from guozi.report.model import Fig, Table, Text
from guozi.report.render_html import table_view
from guozi.report.sections.focus import COLUMNS  # 指标, 本期, 上年同期, 同比增减, 上月, 环比增减

NB = "\u202f"  # the digit group gap


def _table() -> Table:
    rows = (
        (
            Text("营业收入", "revenue"),
            Fig(Decimal(103_960_000_000), "元", "panel"),
            Fig(Decimal(5_678_000), "元", "panel", measure="prior_value"),
            Fig(Decimal(4_273_000_000), "元", "panel", measure="change"),
            Fig(3.74, "倍", "panel"),
            None,
        ),
        (
            Text("利润总额", "total profit"),
            Fig(Decimal(8_433_000_000), "元", "panel"),
            Fig(Decimal(1_000_000), "元", "panel", measure="prior_value"),
            Fig(Decimal(-18_270_300), "元", "panel", measure="change"),
            Fig(3.70, "倍", "panel"),
            Fig(0.04, "倍", "derived", measure="this − prior month"),
        ),
        (
            Text("资产负债率", "debt ratio"),
            Fig(63.24, "%", "panel"),
            Fig(63.53, "%", "panel", measure="prior_value"),
            Fig(-0.29, "%", "panel", measure="change"),
            None,
            None,
        ),
    )
    return Table("t", Text("表", "table"), COLUMNS, rows)


def _texts(lang: str) -> tuple[list[str], list[list[str]]]:
    view = table_view(_table(), lang)
    return view["headings"], [[c["text"].replace(NB, " ") for c in r] for r in view["rows"]]


def test_each_money_column_has_one_unit_in_its_heading() -> None:
    headings, rows = _texts("zh")
    assert headings == ["指标", "本期（亿元）", "上年同期（万元）", "同比增减（亿元）", "上月", "环比增减"]
    assert rows[0][1:4] == ["1 039.60", "567.80", "+42.73"]
    assert rows[1][1:4] == ["84.33", "100.00", "-0.18"]
    assert not any("元" in cell for row in rows for cell in row[1:4])


def test_other_units_stay_with_their_cells_and_changes_show_their_sign() -> None:
    _, rows = _texts("zh")
    assert rows[2][1:4] == ["63.24%", "63.53%", "-0.29个百分点"]
    assert rows[0][4] == "3.74倍"
    assert rows[1][4:] == ["3.70倍", "+0.04倍"]


def test_english_headings_name_the_scale() -> None:
    """English scales: billion yuan from 1e9 (103.96 billion), million yuan below (5.68 million)."""
    headings, rows = _texts("en")
    assert headings[1:4] == [
        "this period (billion yuan)",
        "a year earlier (million yuan)",
        "change on a year earlier (billion yuan)",
    ]
    assert rows[0][1:4] == ["103.96", "5.68", "+4.27"]
    # −18 270 300 ÷ 1e9 = −0.0182703 → −0.02
    assert rows[1][3] == "-0.02"
