"""The store protocol, on DuckDB and PostgreSQL alike (the ``store`` fixture runs each test on both):
append-only versions, the lookups for the rules, exact values, atomic imports, and a store that
keeps its data when opened again.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from guozi.catalog import load_catalog
from guozi.store import Store, open_store
from guozi.store.base import Explanation
from guozi.workspace import Workspace

from .conftest import TODAY, write_text


@pytest.fixture
def ws(store: Store, tmp_path: Path) -> Workspace:
    """A workspace on an empty store of each kind holding entities A (甲) and B (乙)."""
    w = Workspace(store, load_catalog())
    w.import_files([write_text(tmp_path / "entities.csv", "entity_id,name\nA,甲\nB,乙\n")], today=TODAY)
    return w  # the store fixture closes the store


def test_current_values_and_last_periods(ws: Workspace, tmp_path: Path) -> None:
    """A: May cash 1 万元 then restated 2 万元; June cash 3 万元. B: April only.

    current_values of (A, May) is 20 000 元 (the latest version); last_periods: A June, B April."""
    ws.import_files(
        [
            write_text(
                tmp_path / "facts_1.csv",
                "entity_id,period,item,value,unit\nA,2025-05,cash,1,万元\nB,2025-04,cash,5,万元\n",
            )
        ],
        today=TODAY,
    )
    ws.import_files(
        [write_text(tmp_path / "facts_2.csv", "entity_id,period,item,value,unit\nA,2025-05,cash,2,万元\n")], today=TODAY
    )
    ws.import_files(
        [write_text(tmp_path / "facts_3.csv", "entity_id,period,item,value,unit\nA,2025-06,cash,3,万元\n")], today=TODAY
    )
    keys = pa.table({"entity_id": ["A"], "period": pa.array([202505], pa.int32())})
    assert ws.store.current_values(keys).to_pylist() == [
        {"entity_id": "A", "period": 202505, "item": "cash", "value": Decimal("20000.0000")}
    ]
    last = ws.store.last_periods(pa.table({"entity_id": ["A", "B", "C"]}))
    assert sorted(last.to_pylist(), key=lambda r: r["entity_id"]) == [
        {"entity_id": "A", "period": 202506},
        {"entity_id": "B", "period": 202504},
    ]


def test_values_are_exact_to_four_decimals(ws: Workspace, tmp_path: Path) -> None:
    """98 765 432 109 876 543 (17 digits, beyond a float64's 15-16) and 0.0001 come back as written."""
    ws.import_files(
        [
            write_text(
                tmp_path / "facts.csv",
                "entity_id,period,item,value\nA,2025-06,revenue,9876543210987.6543\nB,2025-06,revenue,0.0001\n",
            )
        ],
        today=TODAY,
    )
    got = ws.store.facts().order_by("entity_id").to_pyarrow().column("value").to_pylist()
    assert got == [Decimal("9876543210987.6543"), Decimal("0.0001")]


def test_a_failure_inside_the_transaction_leaves_nothing(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The submission row and the facts are inserted, then the explanations step fails: rolled back."""
    store = ws.store
    before = (len(store.submissions()), store.facts().count().to_pyarrow().as_py())

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(store), "_write_explanations", boom)
    path = write_text(tmp_path / "facts.csv", "entity_id,period,item,value\nA,2025-06,cash,1\n")
    batch = ws.check([path], today=TODAY).batch
    with pytest.raises(RuntimeError, match="disk full"):
        store.write(batch, user="t", explanations=[Explanation(str(path), "r", "A", 202506, ("cash",), "x")])
    assert (len(store.submissions()), store.facts().count().to_pyarrow().as_py()) == before == (1, 0)


def test_the_store_survives_reopening(store_url: str, tmp_path: Path) -> None:
    """Figures and submissions are in the store after closing and opening it again."""
    w = Workspace(open_store(store_url), load_catalog())
    w.import_files([write_text(tmp_path / "entities.csv", "entity_id,name\nA,甲\n")], today=TODAY)
    w.import_files([write_text(tmp_path / "facts.csv", "entity_id,period,item,value\nA,2025-06,cash,7\n")], today=TODAY)
    w.close()
    again = open_store(store_url)
    try:
        assert [s.kind for s in again.submissions()] == ["entities", "facts"]
        assert again.periods() == [202506]
    finally:
        again.close()
