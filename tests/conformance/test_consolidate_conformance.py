"""The computed consolidation (issue 21) on every backend: the hand-worked CAS 33 group of
:mod:`tests.engine.test_consolidate` gives the same figures, exactly, on DuckDB, PostgreSQL and Spark."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guozi.catalog import load_catalog
from guozi.engine.consolidate import consolidated_panel
from guozi.engine.reconcile import reconcile
from guozi.tree import build_tree
from tests.engine.test_consolidate import FILED, INTERCOMPANY, ITEMS, JUNE, SINGLE, entities

from .conftest import Engine

CATALOG = load_catalog()
MONEY = pa.decimal128(22, 4)
_names = itertools.count()


def _table(engine: Engine, columns: dict[str, pa.Array], folder: Path) -> ir.Table:
    """``columns`` as a table of the engine's backend (so that the backend computes): a temporary
    table, or on Spark (no temporary tables in Ibis) a Parquet file read as a view."""
    name = f"consolidate_{next(_names)}"
    if engine.name == "spark":
        path = folder / f"{name}.parquet"
        pq.write_table(pa.table(columns), path)
        return engine.con.read_parquet(path, table_name=name)
    return engine.con.create_table(name, pa.table(columns), temp=True, overwrite=True)


def _inputs(engine: Engine, folder: Path) -> tuple[ir.Table, ir.Table]:
    rows = [(e, item, Decimal(v)) for e, vs in {**SINGLE, **FILED}.items() for item, v in zip(ITEMS, vs, strict=True)]
    facts = _table(
        engine,
        {
            "entity_id": pa.array([r[0] for r in rows]),
            "period": pa.array([JUNE.code] * len(rows), pa.int32()),
            "item": pa.array([r[1] for r in rows]),
            "value": pa.array([r[2] for r in rows], MONEY),
        },
        folder,
    )
    ic = _table(
        engine,
        {
            "entity_id": pa.array([r[0] for r in INTERCOMPANY]),
            "counterparty_id": pa.array([r[1] for r in INTERCOMPANY]),
            "period": pa.array([JUNE.code] * len(INTERCOMPANY), pa.int32()),
            "item": pa.array([r[2] for r in INTERCOMPANY]),
            "value": pa.array([Decimal(r[3]) for r in INTERCOMPANY], MONEY),
        },
        folder,
    )
    return facts, ic


def test_consolidated_figures_and_debt_ratio_on_every_backend(engine: Engine, tmp_path: Path) -> None:
    facts, ic = _inputs(engine, tmp_path)
    panel = consolidated_panel(
        facts,
        ic,
        build_tree(entities()),
        CATALOG,
        periods=[JUNE],
        indicators=["revenue", "total_assets", "debt_ratio"],
        prior=False,
    )
    # worked out in tests/engine/test_consolidate.py's docstring
    assert panel.value("S", JUNE, "revenue") == Decimal(680)
    assert panel.value("G", JUNE, "revenue") == Decimal(1880)
    assert panel.value("G", JUNE, "total_assets") == Decimal(4270)
    assert panel.value("S", JUNE, "debt_ratio") == pytest.approx(950 / 1650 * 100, rel=1e-12)
    assert panel.value("G", JUNE, "debt_ratio") == pytest.approx(2180 / 4270 * 100, rel=1e-12)
    assert panel.row("G", JUNE, "total_assets").difference == Decimal(30)
    pairs = reconcile(ic, build_tree(entities()), JUNE, root="G", tolerance=Decimal("0.01"))
    assert pairs.difference.tolist() == [Decimal(10), Decimal(0), Decimal(0)]
