""":func:`tree_problems` worked by columns (issue 18) finds the same problems, in the same order, as
the row-by-row walk it replaced.

The reference is that walk, kept here as it was (``_row_by_row``): each row's range, then within
each interval the overlaps, the missing parents (each entity once, in the order it first appears,
with its last row) and the cycles. Hand-worked cases name what each rule must report; random
groups with every kind of problem are compared with the reference.
"""

from __future__ import annotations

import random

import pandas as pd

from guozi.kernel.periods import Period
from guozi.tree import (
    OPEN_START,
    TreeProblem,
    _active,
    _bounds,
    _cycles,
    _intervals,
    _normalise,
    tree_problems,
)


def _row_by_row(entities: pd.DataFrame) -> list[TreeProblem]:
    """tree_problems as it was before issue 18's change (git 0169fc0), row by row."""
    rows = _normalise(entities)
    problems: list[TreeProblem] = []
    for f, t, eid, r in zip(rows.valid_from, rows.valid_to, rows.entity_id, rows.row, strict=True):
        if f is not None and t is not None and t < f:
            problems.append(TreeProblem("tree.range", eid, r, str(Period.from_code(f)), str(Period.from_code(t))))
    if problems:
        return problems
    seen: set[tuple[str, str]] = set()
    starts, ends = _bounds(rows)
    for a, b in _intervals(starts, ends):
        active = rows[_active(starts, ends, a, b)]
        period = str(Period(a // 12, a % 12 + 1)) if a > Period.from_code(OPEN_START).index else "—"
        dup = active[active.entity_id.duplicated(keep="first")]
        for eid, r in zip(dup.entity_id, dup.row, strict=True):
            if (key := ("tree.overlap", eid)) not in seen:
                seen.add(key)
                problems.append(TreeProblem("tree.overlap", eid, r, period, ""))
        parents = dict(zip(active.entity_id, active.parent_id, strict=True))
        rownum = dict(zip(active.entity_id, active.row, strict=True))
        for eid, pid in parents.items():
            if pid is not None and pid not in parents and (key := ("tree.parent_missing", eid)) not in seen:
                seen.add(key)
                problems.append(TreeProblem("tree.parent_missing", eid, rownum[eid], period, pid))
        for chain in _cycles(parents):
            if (key := ("tree.cycle", chain[0])) not in seen:
                seen.add(key)
                problems.append(
                    TreeProblem("tree.cycle", chain[0], rownum[chain[0]], period, " → ".join([*chain, chain[0]]))
                )
    return problems


def _frame(rows: list[tuple[str, str | None, str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["entity_id", "parent_id", "valid_from", "valid_to"])


def test_hand_worked_problems_in_order() -> None:
    # rows 0-6: A top; B under A; C under the missing X; D and E own each other; F listed twice
    # (its second row, row 6, overlaps the first and names the parent A)
    frame = _frame(
        [
            ("A", None, None, None),
            ("B", "A", None, None),
            ("C", "X", None, None),
            ("D", "E", None, None),
            ("E", "D", None, None),
            ("F", "Y", None, None),
            ("F", "A", None, None),
        ]
    )
    expected = [
        TreeProblem("tree.overlap", "F", 6, "—", ""),
        TreeProblem("tree.parent_missing", "C", 2, "—", "X"),  # F's last row names A, which exists
        TreeProblem("tree.cycle", "D", 3, "—", "D → E → D"),
    ]
    assert tree_problems(frame) == expected == _row_by_row(frame)
    assert tree_problems(_frame([("A", None, None, None), ("B", "A", None, None)])) == []


def test_a_range_ending_before_it_starts_is_reported_alone() -> None:
    frame = _frame([("A", None, "2025-06", "2025-01"), ("B", "B", None, None), ("C", None, "2024-03", "2024-02")])
    expected = [
        TreeProblem("tree.range", "A", 0, "2025-06", "2025-01"),
        TreeProblem("tree.range", "C", 2, "2024-03", "2024-02"),
    ]
    assert tree_problems(frame) == expected == _row_by_row(frame)


def test_a_parent_gone_from_a_month_on() -> None:
    """P holds until 2025-03: from 2025-04 its child K's parent is missing; before, nothing."""
    frame = _frame([("P", None, None, "2025-03"), ("K", "P", None, None)])
    assert tree_problems(frame) == [TreeProblem("tree.parent_missing", "K", 1, "2025-04", "P")]
    assert _row_by_row(frame) == tree_problems(frame)


def test_random_groups_same_as_row_by_row() -> None:
    rng = random.Random(18)
    months = [None, "2024-01", "2024-07", "2025-01", "2025-06"]
    for _ in range(60):  # every rule comes up: ≈ 300 missing parents, 35 ranges, 35 overlaps, 25 cycles
        n = rng.randint(1, 40)
        ids = [f"E{k:02d}" for k in range(n)]
        rows = []
        for k in range(n):
            parent = None if k == 0 or rng.random() < 0.1 else rng.choice([*ids, "X1", "X2"])
            start = rng.choice(months)
            end = rng.choice([m for m in months if m is None or start is None or m >= start] or [None])
            if rng.random() < 0.03:  # now and then a range that ends before it starts
                start, end = "2025-06", "2024-01"
            rows.append((ids[k] if rng.random() > 0.1 else rng.choice(ids), parent, start, end))
        rng.shuffle(rows)
        frame = _frame(rows)
        assert tree_problems(frame) == _row_by_row(frame), rows
