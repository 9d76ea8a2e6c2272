"""Issue 19's checks as data rules of ``rules/validation.yaml``: 净利润 = 利润总额 − 所得税费用
(``profit.net_identity``, 强制) and persons counted whole (``persons.whole``, 强制).

Figures in 万元 (1 万元 = 10 000 元), worked by hand; each problem names the entity and the period.
"""

from __future__ import annotations

from guozi.kernel.errors import Severity

from .conftest import TODAY, Desk, wan

T = "\u2009"  # the thousands separator of messages


def test_net_profit_must_be_total_profit_less_income_tax(desk: Desk) -> None:
    """利润总额 120, 净利润 90, 所得税费用 25: 90 + 25 = 115 ≠ 120, 差额 5.00 万元 > 0.01 万元."""
    (p,) = desk.rules(wan("A", "2025-06", total_profit=120, net_profit=90, income_tax=25), "profit.net_identity")
    assert p.severity == Severity.BLOCKING
    assert p.message_zh == (
        "A 2025-06 净利润 不等于 利润总额 − 所得税费用：利润总额 120.00 万元，净利润 + 所得税费用 115.00 万元，"
        "差额 5.00 万元（允许 0.01 万元）"
    )
    assert p.message_en.startswith("A 2025-06: net profit is not total profit − income tax: total profit 120.00")
    assert p.found == "1200000 ≠ 1150000"
    (finding,) = [
        f
        for f in desk.ws.check(
            [desk.file(wan("E", "2025-07", total_profit=120, net_profit=90, income_tax=25))], today=TODAY
        ).findings
        if f.problem.rule == "profit.net_identity"
    ]
    assert (finding.entity_id, finding.period) == ("E", 202507)
    assert "E 2025-07" in finding.problem.message_zh


def test_net_profit_identity_within_its_tolerance_or_without_all_three(desk: Desk) -> None:
    """净利润 94.995 + 所得税 25 = 119.995 against 120: 0.005 万元 = 50 元 ≤ 100 元; without income
    tax there is nothing to compare."""
    assert (
        desk.rules(wan("A", "2025-06", total_profit=120, net_profit=94.995, income_tax=25), "profit.net_identity") == []
    )
    assert desk.rules(wan("A", "2025-06", total_profit=120, net_profit=90), "profit.net_identity") == []


def test_persons_are_counted_whole(desk: Desk) -> None:
    """12.5 人 is refused, naming entity, period and the row; 12 人 and 3 200 人 pass."""
    (p,) = desk.rules(wan("A", "2025-06", employees=12.5, revenue=100), "persons.whole")
    assert p.severity == Severity.BLOCKING
    assert p.message_zh == "A 2025-06 从业人员应为整数（人），实为 12.5 人"
    assert p.message_en.startswith("A 2025-06: ") and p.message_en.endswith(
        "must be a whole number of persons, not 12.5 persons"
    )
    assert (p.file, p.row, p.found) == ("facts_1.csv", 2, "12.5")  # the employees row, under the header
    assert desk.rules(wan("A", "2025-06", employees=12), "persons.whole") == []
    assert desk.rules(wan("A", "2025-06", employees=3200, employees_avg=3150), "persons.whole") == []
