"""One 提示 for a loosely typed number (issue 19's leftover): the xlsx form's reader and the browser
form's (:meth:`Workspace.read_typed`) word it by the same function, :func:`guozi.ingest.loose.loose_notice`.

The expected wording is rules/validation.yaml ``value.loose_number`` filled in by hand for A, June
2025, 净利润 typed ``(3.5)`` (read as −3.5) and 营业收入 typed 「７８０」 (read as 780).
"""

from __future__ import annotations

from pathlib import Path

from guozi.kernel.errors import Severity
from guozi.kernel.periods import Period

from .conftest import TODAY, Desk, wan
from .test_template import fill, row_of

JUNE = Period.parse("2025-06")
TYPED: dict[str, float | str] = {"net_profit": "(3.5)", "revenue": "７８０"}
# rules/validation.yaml value.loose_number, its {entity} {period} {item} {found} {detail} filled in by hand
ZH = {
    "net_profit": "A 2025-06 net_profit：(3.5) 按 -3.5 读取（括号表示负数，全角数字按半角读取）；请确认",
    "revenue": "A 2025-06 revenue：７８０ 按 780 读取（括号表示负数，全角数字按半角读取）；请确认",
}
EN = {
    "net_profit": "A 2025-06 net_profit: (3.5) read as -3.5 (brackets mean a negative, full-width digits read as "
    "ASCII); please confirm",
    "revenue": "A 2025-06 revenue: ７８０ read as 780 (brackets mean a negative, full-width digits read as ASCII); "
    "please confirm",
}


def test_the_form_and_the_browser_say_the_same_in_both_languages(desk: Desk, tmp_path: Path) -> None:
    desk.seed(wan("A", "2025-05", revenue=700, net_profit=1))
    form = desk.ws.template("A", JUNE, tmp_path / "form.xlsx")
    result = desk.ws.check([fill(form, TYPED)], today=TODAY)
    from_form = {p.item: p for p in result.problems if p.rule == "value.loose_number"}
    read, from_browser = desk.ws.read_typed(
        "A", JUNE, {"net_profit": "(3.5)", "revenue": "７８０", "total_assets": "300"}
    )
    assert read == {"net_profit": "-3.5", "revenue": "780", "total_assets": "300"}
    for notes in (from_form, from_browser):
        assert {i: p.message_zh for i, p in notes.items()} == ZH
        assert {i: p.message_en for i, p in notes.items()} == EN
        assert {(p.entity, p.period, p.item, p.found, p.severity) for p in notes.values()} == {
            ("A", "2025-06", "net_profit", "(3.5)", Severity.NOTICE),
            ("A", "2025-06", "revenue", "７８０", Severity.NOTICE),
        }
    # only the form's has a cell: 利润表 column C, on the line of its item
    assert {(p.sheet, p.row, p.column) for p in from_form.values()} == {
        ("利润表", row_of(form, "利润表", i), "C") for i in TYPED
    }
    assert {(p.file, p.sheet, p.row, p.column) for p in from_browser.values()} == {("", "", None, "")}
