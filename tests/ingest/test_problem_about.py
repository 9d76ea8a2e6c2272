"""Every problem of a facts row names what the row is about (issue 19): the entity, the period and
the item, beside the file, sheet, row and column, so a problem in a long facts file can be found
without counting rows. The contract's problems take them as the row gives them (even where one of
them is the fault); a rule's problem names the entity and period it is about and the item of the
row it is reported at. They are in every output of a problem (``Problem.as_dict``).
"""

from __future__ import annotations

from .conftest import Desk, wan


def _about(desk: Desk, rows: list[dict[str, object]]) -> dict[str, tuple[str, str, str, int | None]]:
    return {p.rule: (p.entity, p.period, p.item, p.row) for p in desk.problems(rows)}


def test_contract_problems_name_entity_period_and_item(desk: Desk) -> None:
    """One fault per row (rows 2–7 under the header): a value that is not a number, a unit that
    does not fit, an unknown item, an unknown entity, a month 13 and an empty value; each problem
    names the row's entity, period and item as written."""
    rows: list[dict[str, object]] = [
        {"entity_id": "A", "period": "2025-06", "item": "revenue", "value": "abc", "unit": "万元"},
        {"entity_id": "A", "period": "2025-06", "item": "total_assets", "value": "5", "unit": "人"},
        {"entity_id": "A", "period": "2025-06", "item": "turnover", "value": "5", "unit": "万元"},
        {"entity_id": "Z", "period": "2025-06", "item": "revenue", "value": "5", "unit": "万元"},
        {"entity_id": "A", "period": "2025-13", "item": "cash", "value": "5", "unit": "万元"},
        {"entity_id": "A", "period": "2025-05", "item": "cash", "value": "", "unit": "万元"},
    ]
    assert _about(desk, rows) == {
        "value.not_numeric": ("A", "2025-06", "revenue", 2),
        "unit.unknown": ("A", "2025-06", "total_assets", 3),
        "item.unknown": ("A", "2025-06", "turnover", 4),
        "entity.unknown": ("Z", "2025-06", "revenue", 5),
        "period.format": ("A", "2025-13", "cash", 6),
        "value.required": ("A", "2025-05", "cash", 7),
    }


def test_a_duplicate_names_its_entity_period_and_item(desk: Desk) -> None:
    rows = [*wan("A", "2025-06", revenue=1), *wan("A", "2025-06", revenue=2)]
    (p,) = [p for p in desk.problems(rows) if p.rule == "fact.duplicate"]
    assert (p.entity, p.period, p.item, p.row) == ("A", "2025-06", "revenue", 3)


def test_a_rule_problem_names_entity_period_and_the_item_of_its_row(desk: Desk) -> None:
    """资产 100 ≠ 负债 60 + 权益 30 万元: reported at the first of its items in the file, 资产总计
    (row 2); a negative 现金 (row 5) names 现金 itself."""
    rows = wan("A", "2025-06", total_assets=100, total_liabilities=60, total_equity=30, cash=-1)
    about = _about(desk, rows)
    assert about["balance.identity"] == ("A", "2025-06", "total_assets", 2)
    assert about["sign.balance"] == ("A", "2025-06", "cash", 5)
    (p,) = [p for p in desk.problems(rows) if p.rule == "balance.identity"]
    record = p.as_dict("zh")
    assert (record["entity"], record["period"], record["item"]) == ("A", "2025-06", "total_assets")
