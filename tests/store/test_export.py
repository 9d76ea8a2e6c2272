"""``guozi export --format parquet``: the store as a lake, partitioned by year, read back exactly,
from a DuckDB and a PostgreSQL store alike (the ``store`` fixture).

The data are small contract files written here; every expected figure is the input converted
by hand (万元 × 10 000 = 元; persons stay persons).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from guozi.catalog import load_catalog
from guozi.cli import app
from guozi.engine.backends import LAKE_MANIFEST, connect, read_facts_dir
from guozi.kernel.errors import GuoziError
from guozi.store import Store
from guozi.store.export import _public_url, export_parquet
from guozi.workspace import Workspace

runner = CliRunner()
ENTITIES = [
    {"entity_id": "G", "name": "集团", "parent_id": "", "industry": "C", "region": "北京"},
    {"entity_id": "A", "name": "甲", "parent_id": "G", "industry": "C26", "region": ""},
]
FACTS = [
    {"entity_id": "G", "period": "2024-12", "item": "total_assets", "value": "1250.5", "unit": "万元"},
    {"entity_id": "G", "period": "2025-06", "item": "total_assets", "value": "1300", "unit": "万元"},
    {"entity_id": "G", "period": "2025-06", "item": "revenue", "value": "12345678.9012", "unit": "元"},
    {"entity_id": "G", "period": "2025-06", "item": "employees", "value": "120", "unit": "人"},
    {"entity_id": "A", "period": "2025-06", "item": "revenue", "value": "0.0001", "unit": "元"},
]


@pytest.fixture
def ws(store: Store, contract: Callable[..., Path]) -> Workspace:
    """A workspace on conftest.py's empty store of each kind, holding the files above as ``--data``
    does (the contract's checks only); the store fixture closes the store."""
    w = Workspace(store, load_catalog())
    w.import_files([contract(entities=ENTITIES, facts=FACTS)], user="--data", validate=False)
    return w


def _facts(lake: Path) -> dict[tuple[str, str, str], tuple[Decimal, str, int]]:
    table = ds.dataset(lake / "facts", format="parquet", partitioning="hive").to_table()
    rows = table.to_pylist()
    return {(r["entity_id"], r["period"], r["item"]): (r["value"], r["unit"], int(r["year"])) for r in rows}


def test_facts_are_partitioned_by_year_in_contract_columns_and_exact_yuan(ws: Workspace, tmp_path: Path) -> None:
    """1 250.5 万元 = 12 505 000 元; 1 300 万元 = 13 000 000 元; 12 345 678.9012 元 and 0.0001 元 kept to
    the fourth decimal; 120 人 stays 120 with the unit 人; 2024-12 lands in year=2024, the rest in year=2025."""
    report = export_parquet(ws.store, ws.catalog, tmp_path / "lake")
    assert report.facts == 5 and report.entities == 2
    assert report.periods == ("2024-12", "2025-06")
    assert sorted(p.name for p in (tmp_path / "lake" / "facts").iterdir()) == ["year=2024", "year=2025"]
    facts = _facts(tmp_path / "lake")
    assert facts == {
        ("G", "2024-12", "total_assets"): (Decimal("12505000.0000"), "元", 2024),
        ("G", "2025-06", "total_assets"): (Decimal("13000000.0000"), "元", 2025),
        ("G", "2025-06", "revenue"): (Decimal("12345678.9012"), "元", 2025),
        ("G", "2025-06", "employees"): (Decimal("120.0000"), "人", 2025),
        ("A", "2025-06", "revenue"): (Decimal("0.0001"), "元", 2025),
    }


def test_entities_and_manifest_are_written(ws: Workspace, tmp_path: Path) -> None:
    """Every entity row as text (an empty region is None); the manifest says what the lake holds."""
    export_parquet(ws.store, ws.catalog, tmp_path / "lake")
    entities = ds.dataset(tmp_path / "lake" / "entities.parquet").to_table().to_pylist()
    by_id = {r["entity_id"]: r for r in entities}
    assert by_id["G"]["name"] == "集团" and by_id["G"]["region"] == "北京" and by_id["G"]["parent_id"] is None
    assert by_id["A"]["parent_id"] == "G" and by_id["A"]["region"] is None
    manifest = json.loads((tmp_path / "lake" / LAKE_MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format"] == "guozi-lake" and manifest["version"] == 1
    assert (
        manifest["facts"] == 5 and manifest["periods"] == ["2024-12", "2025-06"] and manifest["years"] == [2024, 2025]
    )


def test_only_the_current_version_of_a_restated_figure_is_exported(
    ws: Workspace, contract: Callable[..., Path], tmp_path: Path
) -> None:
    """G's 2025-06 total assets are restated from 1 300 万元 to 1 310 万元: the lake holds 13 100 000 元 only."""
    restated = contract(
        facts=[{"entity_id": "G", "period": "2025-06", "item": "total_assets", "value": "1310", "unit": "万元"}]
    )
    ws.import_files([restated])
    export_parquet(ws.store, ws.catalog, tmp_path / "lake")
    facts = _facts(tmp_path / "lake")
    assert len(facts) == 5
    assert facts["G", "2025-06", "total_assets"] == (Decimal("13100000.0000"), "元", 2025)


def test_the_lake_reads_back_as_the_store_facts(ws: Workspace, tmp_path: Path) -> None:
    """read_facts_dir turns 'YYYY-MM' back into YYYYMM and keeps decimal(22, 4): the same rows as the store."""
    export_parquet(ws.store, ws.catalog, tmp_path / "lake")
    con = connect("duckdb")
    facts, entities = read_facts_dir(con, tmp_path / "lake")
    got = sorted(tuple(r.values()) for r in facts.to_pyarrow().to_pylist())
    want = sorted(tuple(r.values()) for r in ws.store.facts().to_pyarrow().to_pylist())
    assert got == want
    assert ("G", 202412, "total_assets", Decimal("12505000.0000")) in got
    assert str(facts.schema()["value"]) == "decimal(22, 4)"
    assert sorted(entities.entity_id) == ["A", "G"]
    con.disconnect()


def test_a_lake_is_replaced_only_with_overwrite_and_other_folders_never(ws: Workspace, tmp_path: Path) -> None:
    """A second export into the lake needs --overwrite; a folder holding other files is refused."""
    lake = tmp_path / "lake"
    export_parquet(ws.store, ws.catalog, lake)
    with pytest.raises(GuoziError, match="overwrite"):
        export_parquet(ws.store, ws.catalog, lake)
    (lake / "facts" / "year=2099").mkdir()  # a stray partition: gone after the overwrite
    export_parquet(ws.store, ws.catalog, lake, overwrite=True)
    assert sorted(p.name for p in (lake / "facts").iterdir()) == ["year=2024", "year=2025"]
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(GuoziError):
        export_parquet(ws.store, ws.catalog, other, overwrite=True)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_the_manifest_never_holds_a_password() -> None:
    """postgresql://u:secret@h:5432/db is recorded as postgresql://u@h:5432/db."""
    assert _public_url("postgresql://u:secret@h:5432/db") == "postgresql://u@h:5432/db"
    assert _public_url("duckdb:///x.duckdb") == "duckdb:///x.duckdb"


def test_cli_exports_checked_files_and_refuses_an_unknown_format(contract: Callable[..., Path], tmp_path: Path) -> None:
    """``guozi export --data DIR --output LAKE``: 5 facts over 2 periods; ``--format csv`` exits 2."""
    folder = contract(entities=ENTITIES, facts=FACTS)
    lake = tmp_path / "lake"
    result = runner.invoke(app, ["export", "--format", "parquet", "--output", str(lake), "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert "5" in result.output and str(lake) in result.output.replace("\n", "")
    assert len(_facts(lake)) == 5
    bad = runner.invoke(
        app, ["export", "--format", "csv", "--output", str(tmp_path / "x"), "--data", str(folder), "--lang", "en"]
    )
    assert bad.exit_code == 2
    assert "--format must be parquet" in bad.output


def test_cli_export_of_invalid_files_exits_2_and_writes_nothing(contract: Callable[..., Path], tmp_path: Path) -> None:
    """A fact of an unknown entity is refused by the checks; no lake appears."""
    folder = contract(
        entities=ENTITIES,
        facts=[{"entity_id": "NOPE", "period": "2025-06", "item": "revenue", "value": "1", "unit": "元"}],
    )
    result = runner.invoke(app, ["export", "--output", str(tmp_path / "lake"), "--data", str(folder)])
    assert result.exit_code == 2
    assert not (tmp_path / "lake").exists()
