"""Workspace.over_lake: a read-only workspace over a contract folder or an exported lake (the
``guozi indicators --engine … --data …`` front door)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from guozi.kernel.errors import InvalidInputError
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

PUBLIC = Path(__file__).parents[2] / "src" / "guozi" / "demo" / "public"


def test_over_a_contract_folder_the_panel_is_computed_from_its_files() -> None:
    """中国建筑 (601668) in 2023 (facts.csv, 千元): total profit 92 995 473 over revenue
    2 265 529 244, so 营业收入利润率 = 92995473 / 2265529244 × 100 = 4.10480126… %."""
    with Workspace.over_lake(PUBLIC) as ws:
        panel = ws.indicators(Period(2023, 12), indicators=["revenue_profit_margin"], entity="601668")
        value = panel.frame.set_index("entity_id").loc["601668", "value"]
    expected = Decimal(92995473) / Decimal(2265529244) * 100
    assert Decimal(str(value)) == pytest.approx(expected, rel=Decimal("1e-12"))


def test_a_broken_contract_folder_is_refused_with_its_problems(tmp_path: Path) -> None:
    (tmp_path / "entities.csv").write_text(
        "entity_id,name,parent_id,industry,category,region,valid_from,valid_to\nA,甲,Z,C26,commercial_competitive,,,\n",
        encoding="utf-8",
    )
    (tmp_path / "facts.csv").write_text(
        "entity_id,period,item,value,unit\nA,2025-06,revenue,1,万元\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInputError) as caught, Workspace.over_lake(tmp_path):
        pass
    assert any("Z" in p.message("en") for p in caught.value.problems)
