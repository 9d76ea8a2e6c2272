"""``in_subtree``: the loss-makers' and warnings' scope by whole columns is ``Tree.subtree``'s (issue 18).

The group: G over A and B, A over A1; X under A until 2024-12, then under B; Y a top of its own
from 2025-01 (the tree of tests/test_tree.py, with a second top). By hand: A's subtree is A, A1
and X in 2024-12 but A and A1 in 2025-01; B's is B alone then B and X; G's every entity of its
tree; Y's only itself and only from 2025-01.
"""

from __future__ import annotations

import pandas as pd
import pytest

from guozi.analyses.common import in_subtree
from guozi.kernel.periods import Period
from guozi.tree import build_tree

ROWS = [
    ("G", "", "", ""),
    ("A", "G", "", ""),
    ("A1", "A", "", ""),
    ("B", "G", "", ""),
    ("X", "A", "", "2024-12"),
    ("X", "B", "2025-01", ""),
    ("Y", "", "2025-01", ""),
]
BY_HAND = {
    ("A", "2024-12"): {"A", "A1", "X"},
    ("A", "2025-01"): {"A", "A1"},
    ("B", "2024-12"): {"B"},
    ("B", "2025-01"): {"B", "X"},
    ("G", "2024-12"): {"G", "A", "A1", "B", "X"},
    ("G", "2025-01"): {"G", "A", "A1", "B", "X"},
    ("Y", "2024-12"): set(),
    ("Y", "2025-01"): {"Y"},
    ("X", "2025-01"): {"X"},
}


@pytest.mark.parametrize(("entity", "period"), sorted(BY_HAND))
def test_the_subtree_by_columns(entity: str, period: str) -> None:
    tree = build_tree(pd.DataFrame(ROWS, columns=["entity_id", "parent_id", "valid_from", "valid_to"]))
    p = Period.parse(period)
    nodes = tree.at(p)
    kept = nodes[in_subtree(tree, nodes, entity, p)]
    assert set(kept.entity_id) == BY_HAND[(entity, period)]
    assert sorted(kept.entity_id) == (tree.subtree(entity, p) if BY_HAND[(entity, period)] else [])
