"""Fixtures of the benchmarking tests: a small peer group whose every figure is worked by hand.

The group at 2025-06 (amounts in 元; the stocks are the same at 2024-12)::

    id   industry  region  level  total_profit  revenue  total_assets  total_liabilities  debt ratio
    A    C26       north   1      100           1000     1000          500                50 %
    B    C26       north   1      300           2000     1000          600                60 %
    C    C26       south   1      300           3000     2000          1000               50 %
    D    C26       south   1      200           1000     1000          700                70 %
    E    C26       north   1      (none)        1000     1000          400                40 %
    F    C27       north   1      500           1000     1000          800                80 %
    G    D44       south   1      50            1000     1000          500                50 %
    A1   C26       north   2      10            100      100           90                 90 %   (child of A)

B has ``size_class`` 大型 in its entity row; the others leave it empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guozi.workspace import Workspace

Row = dict[str, object]

ENTITIES: list[Row] = [
    {"entity_id": e, "name": n, "parent_id": p, "industry": i, "region": r, "size_class": s}
    for e, n, p, i, r, s in [
        ("A", "甲", "", "C26", "north", ""),
        ("B", "乙", "", "C26", "north", "大型"),
        ("C", "丙", "", "C26", "south", ""),
        ("D", "丁", "", "C26", "south", ""),
        ("E", "戊", "", "C26", "north", ""),
        ("F", "己", "", "C27", "north", ""),
        ("G", "庚", "", "D44", "south", ""),
        ("A1", "甲一", "A", "C26", "north", ""),
    ]
]
FIGURES = {  # entity: (total_profit or None, revenue, total_assets, total_liabilities)
    "A": (100, 1000, 1000, 500),
    "B": (300, 2000, 1000, 600),
    "C": (300, 3000, 2000, 1000),
    "D": (200, 1000, 1000, 700),
    "E": (None, 1000, 1000, 400),
    "F": (500, 1000, 1000, 800),
    "G": (50, 1000, 1000, 500),
    "A1": (10, 100, 100, 90),
}


def group_facts() -> list[Row]:
    """The facts of the table in the module docstring."""
    rows: list[Row] = []

    def add(e: str, p: str, item: str, v: object) -> None:
        rows.append({"entity_id": e, "period": p, "item": item, "value": v, "unit": "元"})

    for e, (tp, rev, ta, tl) in FIGURES.items():
        for p in ("2024-12", "2025-06"):
            add(e, p, "total_assets", ta)
            add(e, p, "total_liabilities", tl)
        add(e, "2025-06", "revenue", rev)
        if tp is not None:
            add(e, "2025-06", "total_profit", tp)
    return rows


@pytest.fixture
def group_dir(contract: Callable[..., Path]) -> Path:
    """A contract folder holding the group of the module docstring."""
    return contract(entities=ENTITIES, facts=group_facts(), name="group")


@pytest.fixture
def group_ws(group_dir: Path) -> Workspace:
    """A workspace over the group of the module docstring."""
    return Workspace.from_data([group_dir])
