"""Every statement problem names its entity and period besides file, row and column (issue 19):
in a long facts file an unbalanced balance sheet is found by who and when, not by row number alone."""

from __future__ import annotations

from .conftest import TODAY, Desk, wan, write_rows


def test_an_unbalanced_balance_sheet_in_a_long_file_is_named_by_entity_and_period(desk: Desk) -> None:
    """Twelve balanced months of A (2024-07 to 2025-06: 资产 1 000 = 负债 600 + 权益 400 万元) and, at
    the end, G's June 2025 with 资产 900 ≠ 负债 500 + 权益 300 = 800 万元 (差额 100 万元). The file's rows: 3 per month, so
    A's 36 rows are rows 2–37 and G's total_assets is row 38."""
    months = [f"2024-{m:02d}" for m in range(7, 13)] + [f"2025-{m:02d}" for m in range(1, 7)]
    rows = [r for p in months for r in wan("A", p, total_assets=1000, total_liabilities=600, total_equity=400)]
    rows += wan("G", "2025-06", total_assets=900, total_liabilities=500, total_equity=300)
    problems = [p for p in desk.problems(rows) if p.rule == "balance.identity"]
    assert [(p.row, p.column) for p in problems] == [(38, "value")]
    (p,) = problems
    assert p.message_zh.startswith("G 2025-06：资产总计 与 负债和所有者权益总计 不等")
    assert "差额 100.00 万元" in p.message_zh
    assert p.message_en.startswith("G 2025-06: total assets and total liabilities and equity differ")


def test_an_entities_file_gives_its_row_errors_and_its_tree_cycle_in_one_round(desk: Desk) -> None:
    """X's parent is Y and Y's parent is X (a cycle), and Z's valid_from is '2025/13' (not a period):
    one check lists both; before, the cycle came only once Z's row was fixed."""
    columns = ("entity_id", "name", "parent_id", "valid_from", "valid_to")
    rows = [
        {"entity_id": "X", "name": "甲", "parent_id": "Y", "valid_from": "", "valid_to": ""},
        {"entity_id": "Y", "name": "乙", "parent_id": "X", "valid_from": "", "valid_to": ""},
        {"entity_id": "Z", "name": "丙", "parent_id": "G", "valid_from": "2025/13", "valid_to": ""},
    ]
    path = write_rows(desk.folder / "entities_new.csv", rows, columns)
    problems = desk.ws.check([path], today=TODAY).problems
    rules = sorted({p.rule for p in problems})
    assert rules == ["period.format", "tree.cycle"]
    bad = next(p for p in problems if p.rule == "period.format")
    assert (bad.row, bad.column, bad.found) == (4, "valid_from", "2025/13")  # Z is the file's third row
    cycle = next(p for p in problems if p.rule == "tree.cycle")
    assert cycle.file == "entities_new.csv" and cycle.row in (2, 3) and cycle.column == "parent_id"
