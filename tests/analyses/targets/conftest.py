"""Hand-made groups for the target and verdict tests; every figure is worked in the tests.

``progress_folder``: targets and year-to-date total profit (元) of four top entities::

    G 集团 ── A 甲       B 乙       N 丙
    total_profit   2023-06   2023-12    2024-06   2024-12    2025-06
    G              400 000   1 000 000  500 000   1 100 000  540 000
    A                                                         160 000
    B                                   −50 000   −20 000     30 000
    N                                                         −40 000
    debt (liabilities / assets) at 2025-06: G 620 / 1000, A 700 / 1000

``verdict_folder``: year-end figures in 万元 (employees in 人) of entities P (passes everything),
F (fails everything), E (at the boundaries) and D (debt ratio only), 2021-12 to 2023-12, plus
half-year debt figures of H for the "stable" base.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Rows = list[dict[str, object]]


def _fact(e: str, p: str, item: str, v: object, unit: str = "元") -> dict[str, object]:
    return {"entity_id": e, "period": p, "item": item, "value": v, "unit": unit}


@pytest.fixture
def progress_folder(contract: Callable[..., Path]) -> Path:
    """Targets of 2024 and 2025 and the figures they are measured on."""
    entities = [
        {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C"},
        {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26"},
        {"entity_id": "B", "name": "乙", "parent_id": "", "industry": "D44"},
        {"entity_id": "N", "name": "丙", "parent_id": "", "industry": "M"},
    ]
    facts: Rows = []
    for p, v in (
        ("2023-06", 400_000),
        ("2023-12", 1_000_000),
        ("2024-06", 500_000),
        ("2024-12", 1_100_000),
        ("2025-06", 540_000),
    ):
        facts.append(_fact("G", p, "total_profit", v))
    facts.append(_fact("A", "2025-06", "total_profit", 160_000))
    for p, v in (("2024-06", -50_000), ("2024-12", -20_000), ("2025-06", 30_000)):
        facts.append(_fact("B", p, "total_profit", v))
    facts.append(_fact("N", "2025-06", "total_profit", -40_000))
    for e, liabilities in (("G", 620), ("A", 700)):
        facts.append(_fact(e, "2025-06", "total_assets", 1000))
        facts.append(_fact(e, "2025-06", "total_liabilities", liabilities))
    targets = [
        {"entity_id": "G", "year": 2025, "indicator": "total_profit", "target": 1_200_000},
        {"entity_id": "G", "year": 2025, "indicator": "debt_ratio", "target": 65},
        {"entity_id": "A", "year": 2025, "indicator": "total_profit", "target": 300_000},
        {"entity_id": "A", "year": 2025, "indicator": "debt_ratio", "target": 65},
        {"entity_id": "B", "year": 2025, "indicator": "total_profit", "target": 100_000},
        {"entity_id": "N", "year": 2025, "indicator": "total_profit", "target": -100_000},
        {"entity_id": "G", "year": 2024, "indicator": "total_profit", "target": 1_000_000},
    ]
    return contract(entities=entities, facts=facts, targets=targets, name="progress")


# year-end figures in 万元: (total_profit, net_profit, revenue, rd_investment, operating_cash_flow,
# value_added, total_assets, total_liabilities, total_equity), employees_avg in 人
_BASE_2021 = (1000, 750, 10000, 200, 800, 3000, 10000, 6000, 3500)
_BASE_2022 = (1000, 750, 10000, 200, 800, 3000, 10000, 6000, 4000)
_YEARS = {
    # entity: {period: (figures, employees_avg)}
    "P": {
        "2021-12": (_BASE_2021, 10),
        "2022-12": (_BASE_2022, 10),
        "2023-12": ((1060, 900, 11000, 242, 990, 3600, 10000, 6050, 3950), 11),
    },
    "F": {
        "2021-12": (_BASE_2021, 10),
        "2022-12": (_BASE_2022, 10),
        "2023-12": ((1050, 700, 11000, 198, 770, 2970, 10000, 6150, 3850), 11),
    },
    "E": {
        "2021-12": (_BASE_2021, 10),
        "2022-12": (_BASE_2022, 10),
        "2023-12": ((1052, 750, 10000, 200, 800, 3000, 10000, 6100, 4000), 10),
    },
    # 2022 regime: P2 passes, F2 fails (2021-12 base as above)
    "P2": {
        "2021-12": (_BASE_2021, 10),
        "2022-12": ((1040, 780, 10000, 210, 800, 3150, 10000, 6400, 4000), 10),
    },
    "F2": {
        "2021-12": (_BASE_2021, 10),
        "2022-12": ((1005, 760, 10000, 190, 800, 3120, 10000, 6600, 4000), 10),
    },
}
_ITEMS = (
    "total_profit",
    "net_profit",
    "revenue",
    "rd_investment",
    "operating_cash_flow",
    "value_added",
    "total_assets",
    "total_liabilities",
    "total_equity",
)


@pytest.fixture
def verdict_folder(contract: Callable[..., Path]) -> Path:
    """Year-end figures for the 2022 and 2023 regime rules (see the module docstring)."""
    ids = [*_YEARS, "D", "H"]
    entities = [{"entity_id": e, "name": e, "parent_id": "", "industry": "C"} for e in ids]
    facts: Rows = []
    for e, years in _YEARS.items():
        for p, (figures, employees) in years.items():
            for item, v in zip(_ITEMS, figures, strict=True):
                facts.append(_fact(e, p, item, v, "万元"))
            facts.append(_fact(e, p, "employees_avg", employees, "人"))
    for p, liabilities in (("2022-12", 6000), ("2023-12", 5900)):  # D: debt ratio 60.0% → 59.0%
        facts.append(_fact("D", p, "total_assets", 10000, "万元"))
        facts.append(_fact("D", p, "total_liabilities", liabilities, "万元"))
    for p, liabilities in (("2024-06", 5000), ("2024-12", 6000), ("2025-06", 6050)):  # H: 50.0, 60.0, 60.5
        facts.append(_fact("H", p, "total_assets", 10000, "万元"))
        facts.append(_fact("H", p, "total_liabilities", liabilities, "万元"))
    return contract(entities=entities, facts=facts, name="verdict")


# net profit year to date (元); None = not reported
