"""Loss-making subsidiaries (亏损企业治理) on the hand-made group of ``conftest.py``.

Criterion (params/losses.yaml, guozi's default): net profit year to date < 0. Net profit (元)::

    entity  level industry  2022-12 2023-12 2024-06 2024-12 | 2025-01 … 2025-06
    G       1     C         500     400     100     300     |                  80
    A       2     C26       10      −30     −8      −20     | 5 −2 −5 −8 −9 −12
    A1      3     C26               3       −5      2       | (nothing in 2025)
    B       2     D44               5       −40     −60     | 2 6 9 12 20 25
    C       2     C26               8       15      20      | 1 2 2 3 3 −7
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from guozi.analyses.losses import LossReport, loss_entity_rows, loss_makers, missing_note
from guozi.cli import app
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

JUNE = Period(2025, 6)


def _entity(report: LossReport, eid: str) -> dict[str, Any]:
    e = report.entities
    sel = e[e.entity_id == eid]
    assert len(sel) == 1, sel
    return {str(k): v for k, v in sel.iloc[0].to_dict().items()}


def _group(report: LossReport, level: int, group: str = "") -> dict[str, Any]:
    g = report.groups
    sel = g[(g.level == level) & (g.group == group)]
    assert len(sel) == 1, sel
    return {str(k): v for k, v in sel.iloc[0].to_dict().items()}


def test_loss_streak_across_a_year_boundary(losses_folder: Path) -> None:
    """A lost money at December 2023 (−30) and December 2024 (−20), after a profit in 2022 (+10):
    at 2025-06 its loss streak is 2 years, carried across the 2023/2024 year end. This year its
    year-to-date figure was negative at the end of February through June (−2 … −12, January +5):
    5 consecutive loss months. It also lost at 2024-06 (−8): a continuing loss-maker."""
    r = _entity(loss_makers(Workspace.from_data([losses_folder]), JUNE), "A")
    assert (r["loss_years"], r["loss_months"]) == (2, 5)
    assert r["status"] == "continuing"
    assert (r["value"], r["baseline"]) == (Decimal(-12), Decimal(-8))


def test_loss_years_at_each_december(losses_folder: Path) -> None:
    """At 2023-12 A's streak is 1 (2023, then the 2022 profit stops it); at 2024-12 it is 2,
    and the December months make 1 loss month (only the December figure is held in 2024)."""
    ws = Workspace.from_data([losses_folder])
    assert _entity(loss_makers(ws, Period(2023, 12)), "A")["loss_years"] == 1
    r = _entity(loss_makers(ws, Period(2024, 12)), "A")
    assert (r["loss_years"], r["loss_months"]) == (2, 1)


def test_turned_around_and_newly_loss_making(losses_folder: Path) -> None:
    """B lost 40 at 2024-06 and earns 25 at 2025-06: turned around (loss streak at Dec 2024: 1
    year). C earned 15 at 2024-06 and loses 7 at 2025-06: newly loss-making, 1 loss month
    (May +3, June −7), no loss year."""
    rep = loss_makers(Workspace.from_data([losses_folder]), JUNE)
    b, c = _entity(rep, "B"), _entity(rep, "C")
    assert (b["status"], b["loss_years"], b["loss_months"]) == ("turned_around", 1, 0)
    assert (c["status"], c["loss_years"], c["loss_months"]) == ("new", 0, 1)
    assert set(rep.entities.entity_id) == {"A", "B", "C"}  # G profits, A1 has no value


def test_counts_and_amounts_by_level_against_the_prior_year(losses_folder: Path) -> None:
    """Level 2 at 2025-06: A −12, B +25, C −7 → 2 of 3 lose, loss amount 12 + 7 = 19,
    loss rate 2/3 = 66.67%. At 2024-06: A −8, B −40, C +15 → 2 lose, amount 48. Change: 0 in
    count, 19 − 48 = −29 in amount, −29/48 = −60.42%. One new (C), one turned around (B).
    Level 1: G profits both years. Level 3: A1 has no 2025 value, so its count is unknown (None,
    not zero), though it lost 5 at 2024-06."""
    rep = loss_makers(Workspace.from_data([losses_folder]), JUNE)
    two = _group(rep, 2)
    assert (two["entities"], two["reported"], two["loss_count"]) == (3, 3, 2)
    assert two["loss_amount"] == Decimal(19)
    assert two["loss_rate"] == pytest.approx(200 / 3)
    assert (two["prior_loss_count"], two["prior_loss_amount"]) == (2, Decimal(48))
    assert (two["change_count"], two["change_amount"]) == (0, Decimal(-29))
    assert two["amount_growth"] == pytest.approx(-29 / 48 * 100)
    assert (two["new_count"], two["turned_around_count"]) == (1, 1)
    one = _group(rep, 1)
    assert (one["loss_count"], one["loss_amount"], one["prior_loss_count"]) == (0, Decimal(0), 0)
    three = _group(rep, 3)
    assert (three["missing"], three["loss_count"], three["change_count"]) == (1, None, None)
    assert (three["prior_loss_count"], three["prior_loss_amount"]) == (1, Decimal(5))
    assert rep.missing == ("A1",)
    assert "A1" in missing_note(rep, "zh")


def test_by_industry_within_each_level(losses_folder: Path) -> None:
    """Level 2 split by industry: C26 (A −12, C −7) 2 loss-makers, 19; a year earlier 1 (A −8),
    8. D44 (B +25): none; a year earlier 1 (B −40), 40."""
    rep = loss_makers(Workspace.from_data([losses_folder]), JUNE, by="industry", level=2)
    c26, d44 = _group(rep, 2, "C26"), _group(rep, 2, "D44")
    assert (c26["loss_count"], c26["loss_amount"]) == (2, Decimal(19))
    assert (c26["prior_loss_count"], c26["prior_loss_amount"]) == (1, Decimal(8))
    assert (d44["loss_count"], d44["loss_amount"]) == (0, Decimal(0))
    assert (d44["prior_loss_count"], d44["prior_loss_amount"]) == (1, Decimal(40))
    assert set(rep.groups.level) == {2}


def test_entity_restricts_to_its_subtree(losses_folder: Path) -> None:
    """--entity A: A (level 2) and A1 (level 3) only; B and C are outside."""
    rep = loss_makers(Workspace.from_data([losses_folder]), JUNE, entity="A")
    assert set(rep.entities.entity_id) == {"A"}
    assert sorted(rep.groups.level) == [2, 3]
    assert _group(rep, 2)["entities"] == 1


def test_the_criterion_is_a_parameter(losses_folder: Path, write_file: Callable[[str, str], Path]) -> None:
    """With ``losses: {below: -10}`` only a loss beyond 10 counts: A (−12) does, C (−7) does not;
    level 2 then has 1 loss-maker and a loss amount of 12."""
    cat = write_file("losses.yaml", "losses:\n  below: -10\n")
    rep = loss_makers(Workspace.from_data([losses_folder], catalog_files=[cat]), JUNE)
    two = _group(rep, 2)
    assert (two["loss_count"], two["loss_amount"]) == (1, Decimal(12))


def test_turnaround_against_the_prior_year_end(losses_folder: Path, write_file: Callable[[str, str], Path]) -> None:
    """Against the prior year as a whole (December 2024): C earned 20, so it is newly
    loss-making; B lost 60, so it turned around; the baseline column holds those figures."""
    cat = write_file("base.yaml", "losses:\n  turnaround_baseline: prior_year_end\n")
    rep = loss_makers(Workspace.from_data([losses_folder], catalog_files=[cat]), JUNE)
    assert (_entity(rep, "C")["status"], _entity(rep, "C")["baseline"]) == ("new", Decimal(20))
    assert (_entity(rep, "B")["status"], _entity(rep, "B")["baseline"]) == ("turned_around", Decimal(-60))


def test_unknown_entity_and_column(losses_folder: Path) -> None:
    """An unknown entity or grouping column is refused, naming it."""
    ws = Workspace.from_data([losses_folder])
    with pytest.raises(NotFoundError, match="Z"):
        loss_makers(ws, JUNE, entity="Z")
    with pytest.raises(NotFoundError, match="colour"):
        loss_makers(ws, JUNE, by="colour")


def test_rows_in_english(losses_folder: Path) -> None:
    """The entity rows carry the status in the user's language beside its code."""
    rep = loss_makers(Workspace.from_data([losses_folder]), JUNE)
    rows = {r["entity_id"]: r for r in loss_entity_rows(rep, "en")}
    assert rows["B"]["status_label"] == "turned around"
    assert rows["A"]["level_label"] == "level 2"


def test_cli_losses_csv_and_detail(losses_folder: Path) -> None:
    """``guozi losses -f csv``: the level-2 row has 2 loss-makers and 19 元; ``--detail`` lists
    A, B and C with their streaks."""
    base = ["losses", "--data", str(losses_folder), "--period", "2025-06", "-f", "csv"]
    res = CliRunner().invoke(app, base)
    assert res.exit_code == 0, res.output
    header, *lines = res.stdout.strip().splitlines()
    cols = header.split(",")
    level2 = dict(zip(cols, next(line for line in lines if line.split(",")[1] == "2").split(","), strict=True))
    assert (level2["loss_count"], level2["loss_amount"]) == ("2", "19")
    res = CliRunner().invoke(app, [*base, "--detail"])
    assert res.exit_code == 0, res.output
    header, *lines = res.stdout.strip().splitlines()
    rows = [dict(zip(header.split(","), line.split(","), strict=True)) for line in lines]
    assert {r["entity_id"]: (r["loss_years"], r["loss_months"]) for r in rows} == {
        "A": ("2", "5"),
        "B": ("1", "0"),
        "C": ("0", "1"),
    }


def test_cli_losses_table_by_industry_in_english(losses_folder: Path) -> None:
    """The table names the criterion and the industries."""
    res = CliRunner().invoke(
        app, ["losses", "--data", str(losses_folder), "--period", "2025-06", "--by", "industry", "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    assert "Net profit (year to date) < 0" in res.stdout
    assert "C26" in res.stdout and "D44" in res.stdout
