"""Numbers as accountants type them (issue 19): ``(3.5)`` a negative, 「７８０」 in full-width digits.

In the monthly form (万元) they are read as the number they mean, with a 提示 naming entity, period,
item, cell and what was read; a plain number gets no notice, and a word stays refused.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from guozi.ingest.loose import loose_number
from guozi.kernel.errors import Severity
from guozi.kernel.periods import Period

from .conftest import TODAY, Desk, wan
from .test_template import fill, row_of

JUNE = Period.parse("2025-06")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("(3.5)", "-3.5"),  # brackets: a negative
        ("（3.5）", "-3.5"),  # full-width brackets
        ("７８０", "780"),  # full-width digits
        ("－１２．５", "-12.5"),  # full-width minus and point
        ("(1,200.5)", "-1200.5"),  # thousands separators inside brackets
        ("3.5", None),  # already plain: nothing to say
        ("1,200", None),  # a plain grouped number is the contract's own
        ("(-3.5)", None),  # a sign inside brackets is ambiguous: refused by the contract
        ("四百", None),  # a word
        ("()", None),
    ],
)
def test_loose_number_reads_what_the_text_means(typed: str, read: str | None) -> None:
    assert loose_number(typed) == read


def test_the_form_reads_brackets_and_full_width_digits_with_a_notice(desk: Desk, tmp_path: Path) -> None:
    """June's form of A (万元): 净利润 '(3.5)' is −3.5 万元 = −35 000 元, 营业收入 '７８０' is 780 万元 =
    7 800 000 元; each comes with a 提示 naming A, 2025-06, the item, the cell and the number read."""
    desk.seed(wan("A", "2025-05", revenue=700, net_profit=1))
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    filled = fill(form, {"net_profit": "(3.5)", "revenue": "７８０"})
    result = desk.ws.check([filled], today=TODAY)
    notes = [p for p in result.problems if p.rule == "value.loose_number"]
    revenue_row, profit_row = row_of(form, "利润表", "revenue"), row_of(form, "利润表", "net_profit")
    assert sorted((p.severity, p.sheet, p.row, p.column, p.found) for p in notes) == sorted(
        [
            (Severity.NOTICE, "利润表", revenue_row, "C", "７８０"),
            (Severity.NOTICE, "利润表", profit_row, "C", "(3.5)"),
        ]
    )
    profit = next(p for p in notes if p.row == profit_row)
    assert profit.message_zh == "A 2025-06 net_profit：(3.5) 按 -3.5 读取（括号表示负数，全角数字按半角读取）；请确认"
    desk.ws.import_files([filled], today=TODAY)
    keys = pa.table({"entity_id": ["A"], "period": pa.array([JUNE.code], pa.int32())})
    stored = {r["item"]: r["value"] for r in desk.ws.store.current_values(keys).to_pylist()}
    assert stored == {"net_profit": Decimal("-35000.0000"), "revenue": Decimal("7800000.0000")}


def test_a_word_in_the_form_stays_refused(desk: Desk, tmp_path: Path) -> None:
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    result = desk.ws.check([fill(form, {"revenue": "四百"})], today=TODAY)
    assert [(p.rule, p.found) for p in result.problems] == [("value.not_numeric", "四百")]
