"""Prior-year values on the same basis (同口径) against the reported basis (报告口径).

The tree (entity rows with the period from which they hold)::

    G 集团                      P 丙                     Q 丁
    ├── A   always              ├── T  until 2024-12     ├── D  always
    ├── B   until 2024-12       │                        ├── T  from 2025-01 (moved from P)
    │       (disposed)          │                        └── N  from 2025-01 (new, no 2024 figures)
    └── C   from 2025-01
            (acquired; it has its own 2024 figures)

Figures, year to date, in 元 (revenue / total profit):

=====  ============  ============
       2024-06       2025-06
=====  ============  ============
A      100 / 10      120 / 12
B       40 /  4      —
C       25 /  5       30 /  9
T        7 /  1        9 /  2
D       50 /  5       60 /  6
N      —              11 /  1
G      200 / 20      210 / 25
P       10 /  1        4 /  1
Q       60 /  6       90 / 10
=====  ============  ============

G's children in 2025-06 are A and C: revenue 120 + 30 = 150, margin (12 + 9) / 150 = 14 %.
Reported basis: the prior year's group is A and B: 100 + 40 = 140, margin (10 + 4) / 140 = 10 %.
Same basis: this year's members A and C a year before: 100 + 25 = 125, margin (10 + 5) / 125 = 12 %.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.cli import app
from guozi.engine.panel import Panel, Scope, View, compute_panel
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

JUNE = Period(2025, 6)
ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "valid_from": "", "valid_to": ""},
    {"entity_id": "P", "name": "丙", "parent_id": "", "valid_from": "", "valid_to": ""},
    {"entity_id": "Q", "name": "丁", "parent_id": "", "valid_from": "", "valid_to": ""},
    {"entity_id": "A", "name": "甲", "parent_id": "G", "valid_from": "", "valid_to": ""},
    {"entity_id": "B", "name": "乙", "parent_id": "G", "valid_from": "", "valid_to": "2024-12"},
    {"entity_id": "C", "name": "戊", "parent_id": "G", "valid_from": "2025-01", "valid_to": ""},
    {"entity_id": "T", "name": "己", "parent_id": "P", "valid_from": "", "valid_to": "2024-12"},
    {"entity_id": "T", "name": "己", "parent_id": "Q", "valid_from": "2025-01", "valid_to": ""},
    {"entity_id": "D", "name": "庚", "parent_id": "Q", "valid_from": "", "valid_to": ""},
    {"entity_id": "N", "name": "新", "parent_id": "Q", "valid_from": "2025-01", "valid_to": ""},
]
FIGURES = {  # entity: {period: (revenue, total_profit)}
    "A": {"2024-06": (100, 10), "2025-06": (120, 12)},
    "B": {"2024-06": (40, 4)},
    "C": {"2024-06": (25, 5), "2025-06": (30, 9)},
    "T": {"2024-06": (7, 1), "2025-06": (9, 2)},
    "D": {"2024-06": (50, 5), "2025-06": (60, 6)},
    "N": {"2025-06": (11, 1)},
    "G": {"2024-06": (200, 20), "2025-06": (210, 25)},
    "P": {"2024-06": (10, 1), "2025-06": (4, 1)},
    "Q": {"2024-06": (60, 6), "2025-06": (90, 10)},
}
INDICATORS = ["revenue", "revenue_profit_margin"]
runner = CliRunner()


def _facts() -> list[dict[str, object]]:
    return [
        {"entity_id": e, "period": p, "item": item, "value": v, "unit": "元"}
        for e, by_period in FIGURES.items()
        for p, (revenue, profit) in by_period.items()
        for item, v in (("revenue", revenue), ("total_profit", profit))
    ]


@pytest.fixture
def ws(workspace_of: Callable[..., Workspace]) -> Workspace:
    return workspace_of(entities=ENTITIES, facts=_facts())


def panel(ws: Workspace, view: View, *, same_basis: bool) -> Panel:
    scope = Scope(view=view, same_basis=same_basis)
    return compute_panel(ws.store.facts(), ws.tree(), ws.catalog, periods=[JUNE], indicators=INDICATORS, scope=scope)


def test_disposed_entity_drops_out_and_acquired_one_counts_on_the_same_basis(ws: Workspace) -> None:
    """G's children (see the module docstring): revenue 150 against 140 (报告口径: A + B) or 125
    (同口径: A + C); change 10 or 25, growth 10 / 140 = 7.142857…% or 25 / 125 = 20 %."""
    reported = panel(ws, "children", same_basis=False).row("G", JUNE, "revenue")
    same = panel(ws, "children", same_basis=True).row("G", JUNE, "revenue")
    assert reported.value == same.value == Decimal(150)
    assert reported.prior_value == Decimal(140) and reported.change == Decimal(10)
    assert reported.growth == pytest.approx(10 / 140 * 100, rel=1e-12)
    assert reported.prior_basis == "reported"
    assert same.prior_value == Decimal(125) and same.change == Decimal(25)
    assert same.growth == pytest.approx(20.0, rel=1e-12)
    assert same.prior_basis == "same_basis"
    assert same.members == 2


def test_ratios_are_summed_over_the_current_members_a_year_before(ws: Workspace) -> None:
    """G's children margin 14 % against 10 % (报告口径) and 12 % (同口径)."""
    reported = panel(ws, "children", same_basis=False).row("G", JUNE, "revenue_profit_margin")
    same = panel(ws, "children", same_basis=True).row("G", JUNE, "revenue_profit_margin")
    assert reported.value == pytest.approx(14.0, rel=1e-12)
    assert reported.prior_value == pytest.approx(10.0, rel=1e-12)
    assert same.prior_value == pytest.approx(12.0, rel=1e-12)
    assert same.change == pytest.approx(2.0, rel=1e-9)


def test_a_transfer_follows_the_current_parent(ws: Workspace) -> None:
    """T moved from P to Q in 2025-01. P's children in 2025: none, so P has no row at all.
    Q's children in 2025 are D, T and N: 60 + 9 + 11 = 80. Reported basis: Q's 2024 children are
    D alone, 50. Same basis: D + T + N in 2024, but N has no 2024 figures (see the next test)."""
    reported = panel(ws, "children", same_basis=False)
    assert reported.value("Q", JUNE, "revenue") == Decimal(80)
    assert reported.row("Q", JUNE, "revenue").prior_value == Decimal(50)
    assert "P" not in set(reported.frame.entity_id)


def test_a_transfer_without_new_entities_counts_in_the_new_parent_a_year_before(
    workspace_of: Callable[..., Workspace],
) -> None:
    """Without N, Q's children in 2025 are D and T: 60 + 9 = 69; same basis a year before:
    D + T = 50 + 7 = 57 (T counted in Q, though it was P's then); reported basis: D = 50."""
    ws = workspace_of(
        entities=[e for e in ENTITIES if e["entity_id"] != "N"], facts=[f for f in _facts() if f["entity_id"] != "N"]
    )
    same = panel(ws, "children", same_basis=True).row("Q", JUNE, "revenue")
    reported = panel(ws, "children", same_basis=False).row("Q", JUNE, "revenue")
    assert same.value == Decimal(69)
    assert same.prior_value == Decimal(57) and same.change == Decimal(12)
    assert reported.prior_value == Decimal(50) and reported.change == Decimal(19)


def test_acquired_entity_without_prior_figures_is_named_in_a_note(ws: Workspace) -> None:
    """N joined Q in 2025 and has no 2024 revenue: Q's same-basis prior is empty (a missing input is
    missing for the group, not zero) and the note names N and the input; the value itself (80) stands."""
    row = panel(ws, "children", same_basis=True).row("Q", JUNE, "revenue")
    assert row.value == Decimal(80)
    assert row.prior_value is None and row.change is None and row.growth is None
    assert row.note_zh == "上年同期（同口径）缺少：营业收入（本年累计）（N 未报）"
    assert (
        row.note_en == "prior year (same basis) missing: Operating revenue (year to date) (not reported by N)"
    )  # the item's name_en in the catalogue


def test_reported_view_is_the_same_on_both_bases_except_for_new_entities(ws: Workspace) -> None:
    """Each row is one entity's own figures: G 210 against 200 on both bases. C joined in 2025:
    no prior value on the reported basis (it was not in the 2024 tree), its own 25 on the same basis."""
    reported = panel(ws, "reported", same_basis=False)
    same = panel(ws, "reported", same_basis=True)
    for p in (reported, same):
        assert p.row("G", JUNE, "revenue").prior_value == Decimal(200)
        assert p.row("A", JUNE, "revenue").prior_value == Decimal(100)
    assert reported.row("C", JUNE, "revenue").prior_value is None
    assert same.row("C", JUNE, "revenue").prior_value == Decimal(25)
    assert set(reported.frame.prior_basis) == {"reported"} and set(same.frame.prior_basis) == {"same_basis"}


def test_cli_same_basis_option(contract: Callable[..., Path]) -> None:
    """``guozi indicators --same-basis``: G's children revenue 150 against 125 (A + C a year
    before, see the module docstring), and every row says it is on the same basis; without the
    option the prior value is 140 (A + B) on the reported basis."""
    folder = contract(entities=ENTITIES, facts=_facts())
    args = ["indicators", "--data", str(folder), "--period", "2025-06", "-i", "revenue", "--view", "children"]
    same = runner.invoke(app, [*args, "--same-basis", "--format", "csv"])
    assert same.exit_code == 0, same.output
    rows = {r["entity_id"]: r for r in csv.DictReader(io.StringIO(same.output))}
    assert (rows["G"]["value"], rows["G"]["prior_value"], rows["G"]["change"]) == ("150", "125", "25")
    assert {r["prior_basis"] for r in rows.values()} == {"same_basis"}
    reported = runner.invoke(app, [*args, "--format", "csv"])
    assert reported.exit_code == 0, reported.output
    rows = {r["entity_id"]: r for r in csv.DictReader(io.StringIO(reported.output))}
    assert (rows["G"]["prior_value"], rows["G"]["prior_basis"]) == ("140", "reported")
    table = runner.invoke(app, [*args, "--same-basis", "--lang", "en"])
    assert table.exit_code == 0, table.output
    assert "(prior year: same basis)" in table.output
