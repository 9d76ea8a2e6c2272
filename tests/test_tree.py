"""The ownership tree's precomputed tables (levels, leaves, ancestors) over time."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guozi.kernel.periods import Period
from guozi.tree import OPEN_END, OPEN_START, build_tree


def test_levels_leaves_and_ancestors_of_a_small_group_over_time() -> None:
    """G ← A ← A1, G ← B; X under A until 2024-12, then under B. Worked out by hand:
    levels G 1, A 2, B 2, A1 3, X 3 (under A, then under B); leaves A1, X and, from 2025-01, not B;
    X's ancestors X (0), A (1), G (2) until 2024-12, then X (0), B (1), G (2)."""
    tree = build_tree(
        pd.DataFrame(
            [
                {"entity_id": "G", "parent_id": "", "valid_from": "", "valid_to": ""},
                {"entity_id": "A", "parent_id": "G", "valid_from": "", "valid_to": ""},
                {"entity_id": "A1", "parent_id": "A", "valid_from": "", "valid_to": ""},
                {"entity_id": "B", "parent_id": "G", "valid_from": "", "valid_to": ""},
                {"entity_id": "X", "parent_id": "A", "valid_from": "", "valid_to": "2024-12"},
                {"entity_id": "X", "parent_id": "B", "valid_from": "2025-01", "valid_to": ""},
            ]
        )
    )
    before, after = tree.at(Period(2024, 6)), tree.at(Period(2025, 6))
    assert dict(zip(before.entity_id, before.level, strict=True)) == {"G": 1, "A": 2, "A1": 3, "B": 2, "X": 3}
    assert dict(zip(after.entity_id, after.level, strict=True)) == {"G": 1, "A": 2, "A1": 3, "B": 2, "X": 3}
    assert set(before.entity_id[before.is_leaf]) == {"A1", "B", "X"}
    assert set(after.entity_id[after.is_leaf]) == {"A1", "X"}
    c = tree.closure[tree.closure.entity_id == "X"]
    assert sorted(zip(c.from_code, c.to_code, c.depth, c.ancestor_id, strict=True)) == [
        (OPEN_START, 202412, 0, "X"),
        (OPEN_START, 202412, 1, "A"),
        (OPEN_START, 202412, 2, "G"),
        (202501, OPEN_END, 0, "X"),
        (202501, OPEN_END, 1, "B"),
        (202501, OPEN_END, 2, "G"),
    ]
    assert tree.subtree("B", Period(2025, 6)) == ["B", "X"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30))
def test_ancestors_are_the_chain_of_parents(picks: list[int]) -> None:
    """A random forest (entity k's parent is an earlier entity or none): each entity's ancestors by
    depth are exactly the chain of its parents walked one by one, and its level is that chain's length."""
    parents: dict[str, str | None] = {}
    for k, pick in enumerate(picks):
        parents[f"E{k}"] = None if pick % (k + 1) == k else f"E{pick % (k + 1)}"
    tree = build_tree(pd.DataFrame([{"entity_id": e, "parent_id": p or ""} for e, p in parents.items()]))
    for e in parents:
        chain: list[str] = []
        node: str | None = e
        while node is not None:
            chain.append(node)
            node = parents[node]
        rows = tree.closure[tree.closure.entity_id == e].sort_values("depth")
        assert list(rows.ancestor_id) == chain
        assert list(rows.depth) == list(range(len(chain)))
        assert tree.nodes.set_index("entity_id").level[e] == len(chain)


def test_a_cycle_is_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        build_tree(pd.DataFrame([{"entity_id": "A", "parent_id": "B"}, {"entity_id": "B", "parent_id": "A"}]))
