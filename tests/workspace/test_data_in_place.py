"""``--data DIR`` over a folder of entities and text Parquet facts: checked in place and read as a
lake (issue 18), no figure copied into a store; other folders are still imported into memory."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from guozi.kernel.errors import InvalidInputError
from guozi.kernel.periods import Period
from guozi.store.duckdb import DuckDBStore
from guozi.store.lake import LakeStore
from guozi.workspace import Workspace

ENTITIES = (
    "entity_id,name,parent_id,industry,category,region,valid_from,valid_to\nA,甲公司,,C26,commercial_competitive,,,\n"
)
# A's balances at 2025-06: total liabilities 600 万元 over total assets 1 000 万元
FACTS = {
    "entity_id": ["A", "A"],
    "period": ["2025-06", "2025-06"],
    "item": ["total_liabilities", "total_assets"],
    "value": ["600", "1000"],
    "unit": ["万元", "万元"],
}


def _folder(path: Path, *, parquet: bool, facts: dict[str, list[str]] = FACTS) -> Path:
    path.mkdir()
    (path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    table = pa.table({k: pa.array(v, pa.string()) for k, v in facts.items()})
    if parquet:
        pq.write_table(table, path / "facts.parquet")
    else:
        pacsv.write_csv(table, path / "facts.csv")
    return path


def _debt_ratio(ws: Workspace) -> Decimal:
    panel = ws.indicators(Period(2025, 6), indicators=["debt_ratio"], entity="A")
    return Decimal(str(panel.frame.set_index("entity_id").loc["A", "value"]))


def test_text_parquet_facts_are_read_in_place_with_the_same_figures(tmp_path: Path) -> None:
    """资产负债率 = 6 000 000 / 10 000 000 × 100 = 60 %, from the Parquet files in place and from the
    same figures as csv imported into memory."""
    ws = Workspace.from_data([_folder(tmp_path / "pq", parquet=True)])
    try:
        assert isinstance(ws.store, LakeStore)
        assert _debt_ratio(ws) == Decimal(60)
    finally:
        ws.close()
    ws = Workspace.from_data([_folder(tmp_path / "csv", parquet=False)])
    try:
        assert isinstance(ws.store, DuckDBStore)
        assert _debt_ratio(ws) == Decimal(60)
    finally:
        ws.close()


def test_a_parquet_folder_breaking_the_contract_is_refused_naming_the_row(tmp_path: Path) -> None:
    bad = {**FACTS, "value": ["600", "1.000000001"]}  # 10 000.00001 元: five decimals in yuan
    ws = Workspace.from_data([_folder(tmp_path / "pq", parquet=True, facts=bad)])
    try:  # the rows a panel reads are checked when it reads them (guozi.workspace.inplace)
        with pytest.raises(InvalidInputError) as caught:
            _debt_ratio(ws)
    finally:
        ws.close()
    found = [(p.rule, p.file, p.row) for p in caught.value.problems]
    assert found == [("value.precision", "facts.parquet", 3)]
