"""The hand-made group of the loss-maker tests: a four-level group's net profit month by month (元)::

G (C) ── A (C26) ── A1 (C26)
      ├─ B (D44)
      └─ C (C26)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

_NET_PROFIT: dict[str, dict[str, int]] = {
    "G": {"2022-12": 500, "2023-12": 400, "2024-06": 100, "2024-12": 300, "2025-06": 80},
    "A": {
        "2022-12": 10,
        "2023-12": -30,
        "2024-06": -8,
        "2024-12": -20,
        "2025-01": 5,
        "2025-02": -2,
        "2025-03": -5,
        "2025-04": -8,
        "2025-05": -9,
        "2025-06": -12,
    },
    "A1": {"2023-12": 3, "2024-06": -5, "2024-12": 2},
    "B": {
        "2023-12": 5,
        "2024-06": -40,
        "2024-12": -60,
        "2025-01": 2,
        "2025-02": 6,
        "2025-03": 9,
        "2025-04": 12,
        "2025-05": 20,
        "2025-06": 25,
    },
    "C": {
        "2023-12": 8,
        "2024-06": 15,
        "2024-12": 20,
        "2025-01": 1,
        "2025-02": 2,
        "2025-03": 2,
        "2025-04": 3,
        "2025-05": 3,
        "2025-06": -7,
    },
}


@pytest.fixture
def losses_folder(contract: Callable[..., Path]) -> Path:
    """The group of the module docstring and its net profit."""
    entities = [
        {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
        {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26"},
        {"entity_id": "A1", "name": "甲一", "parent_id": "A", "industry": "C26"},
        {"entity_id": "B", "name": "乙", "parent_id": "G", "industry": "D44"},
        {"entity_id": "C", "name": "丙", "parent_id": "G", "industry": "C26"},
    ]
    facts = [
        {"entity_id": e, "period": p, "item": "net_profit", "value": v, "unit": "元"}
        for e, by in _NET_PROFIT.items()
        for p, v in by.items()
    ]
    return contract(entities=entities, facts=facts, name="losses")
