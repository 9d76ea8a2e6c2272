"""The engine on figures near the store's limit of 10^16 yuan (issue 16).

Shipped indicators never multiply two amounts, but a user's catalogue may: its product of two
figures near 10^16 yuan (10^32 yuan², more than a 38-digit decimal holds at scale 8) is computed
in float64, like a division, rather than overflowing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from guozi.catalog import load_catalog
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

JUNE = Period(2025, 6)


def test_a_users_product_of_two_amounts_near_the_limit_is_a_float(
    tmp_path: Path, workspace_of: Callable[..., Workspace]
) -> None:
    """9 000 000 000 000 000 元 × 8 000 000 000 000 000 元 / 10^18 = 72 000 000 000 000 (a made-up 倍
    figure): the product, 7.2 × 10^31, overflows decimal(38, 8) (below 10^30), so it is taken in
    float64; twice the amount (18 000 000 000 000 000 元) stays an exact decimal beside it; and a
    number beyond int64 in a formula (10^30) is a literal too: 9 × 10^15 / 10^30 = 9 × 10^-15."""
    user = tmp_path / "mine.yaml"
    user.write_text(
        "indicators:\n"
        "  - code: squared\n"
        "    name_zh: 资产负债积\n"
        "    unit: 倍\n"
        "    formula: total_assets * total_liabilities / 1000000000000000000\n"
        "  - code: tiny\n"
        "    name_zh: 极小\n"
        "    unit: 倍\n"
        "    formula: total_assets / 1000000000000000000000000000000\n"
        "  - code: doubled\n"
        "    name_zh: 两倍资产\n"
        "    unit: 元\n"
        "    formula: total_assets * 2\n",
        encoding="utf-8",
    )
    facts = [
        {"entity_id": "E", "period": "2025-06", "item": "total_assets", "value": "9000000000000000", "unit": "元"},
        {"entity_id": "E", "period": "2025-06", "item": "total_liabilities", "value": "8e15", "unit": "元"},
    ]
    ws = workspace_of(entities=[{"entity_id": "E", "name": "例"}], facts=facts)
    mine = Workspace(ws.store, load_catalog([user]))
    panel = mine.indicators(JUNE, indicators=["squared", "doubled", "tiny"], prior=False)
    assert panel.value("E", JUNE, "squared") == pytest.approx(72_000_000_000_000.0, rel=1e-15)
    assert panel.value("E", JUNE, "tiny") == pytest.approx(9e-15, rel=1e-15)
    doubled = panel.value("E", JUNE, "doubled")
    assert isinstance(doubled, Decimal) and doubled == Decimal(18_000_000_000_000_000)
