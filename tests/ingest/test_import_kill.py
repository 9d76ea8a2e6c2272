"""An import of a large Parquet file checked in place (issue 18), killed (SIGKILL) at several moments:
while DuckDB reads and checks the file, while the rules run, inside the write's transaction after
the facts are inserted, and just after the write starts. The store is each time exactly as before,
or (a kill after the commit) holds the whole import: never part of it.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guozi.catalog import load_catalog
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace

pytestmark = pytest.mark.slow

CHILD = """
import sys, time
from datetime import date
from pathlib import Path
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace

def progress(stage, done, total):
    print(stage, flush=True)

if len(sys.argv) > 3:  # a slow disk: pause inside the transaction, after the facts are inserted
    insert = DuckDBStore._write_facts
    def slow(self, *args):
        insert(self, *args)
        print("inside", flush=True)
        time.sleep(float(sys.argv[3]))
    DuckDBStore._write_facts = slow

ws = Workspace.open(sys.argv[1])
ws.import_files([Path(sys.argv[2])], user="kill", today=date(2025, 12, 15), progress=progress)
ws.close()
print("done", flush=True)
"""
ENTITIES = 10_000
ITEMS = 10
MONTHS = tuple(range(1, 7))  # 10 000 entities × 10 items × 6 months of 2025 = 600 000 facts
ROWS = ENTITIES * ITEMS * len(MONTHS)
# items no identity, sub-total or ratio rule ties together, so the file passes every rule
RULED = {
    "total_assets", "total_liabilities", "total_equity", "current_assets", "cash", "accounts_receivable",
    "inventory", "current_liabilities", "interest_bearing_debt",
}  # fmt: skip


def _state(path: Path) -> tuple[object, ...]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return (
            con.execute(
                "select count(*), sum(hash(submission_id, entity_id, period, item, value)) from facts"
            ).fetchone(),
            con.execute("select count(*), coalesce(max(id), 0) from submissions").fetchone(),
            con.execute("select count(*) from entity_rows").fetchone(),
        )
    finally:
        con.close()


def _whole(path: Path, before: tuple[object, ...]) -> bool:
    """The store holds the earlier state plus the whole submission of :data:`ROWS` facts."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        subs = con.execute("select id, row_count from submissions where user_name = 'kill'").fetchall()
        if len(subs) != 1 or subs[0][1] != ROWS:
            return False
        landed = con.execute("select count(*) from facts where submission_id = ?", [subs[0][0]]).fetchone()
    finally:
        con.close()
    return landed == (ROWS,) and _state(path)[2] == before[2]


def _run(store: Path, facts: Path, kill_after: str | None, delay: float, pause: float = 0) -> tuple[str, int]:
    """Run an import; SIGKILL it ``delay`` s after it first reports ``kill_after``: (last line, exit code)."""
    errors = store.with_suffix(".stderr")
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, f"duckdb:///{store}", str(facts), *([str(pause)] if pause else [])],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert proc.stdout is not None
    last = ""
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            if ready:
                line = proc.stdout.readline()
                if not line:
                    break
                last = line.strip()
                if kill_after is not None and last == kill_after:
                    time.sleep(delay)
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
    assert code in (0, -signal.SIGKILL), errors.read_text()
    return last, code


def test_killing_a_large_parquet_import_leaves_the_store_as_before_or_whole(tmp_path: Path) -> None:
    """600 000 facts in one Parquet file (checked in place), killed while it is read, while the rules
    run, inside the transaction and as the write starts; then an uninterrupted run lands them all once.
    Flows grow by the same amount each month and balances stay, so no rule refuses the file."""
    rng = random.Random(20251215)
    store = tmp_path / "s.duckdb"
    ids = [f"E{i:05d}" for i in range(ENTITIES)]
    catalog = load_catalog()
    items = [c for c in catalog.items if c not in RULED and catalog.items[c].unit != "人"][:ITEMS]
    flows = [catalog.items[c].kind == "flow" for c in items]
    facts = tmp_path / "facts_big.parquet"
    n = len(ids) * len(items)
    for_month = [
        pa.table(
            {
                "entity_id": pa.array([e for e in ids for _ in items]),
                "period": pa.array([f"2025-{m:02d}"] * n),
                "item": pa.array(items * len(ids)),
                "value": pa.array(
                    [
                        str((1000 + (i * 7 + j) % 997) * (m if flows[j] else 1))
                        for i in range(len(ids))
                        for j in range(len(items))
                    ]
                ),
            }
        )
        for m in MONTHS
    ]
    pq.write_table(pa.concat_tables(for_month), facts, row_group_size=100_000)
    entities = tmp_path / "entities.parquet"
    pq.write_table(pa.table({"entity_id": ids, "name": ids}), entities)
    w = Workspace(DuckDBStore(store), catalog)
    w.import_files([entities], user="setup")
    w.close()
    before = _state(store)

    moments = [
        ("read", rng.uniform(0, 0.3), 0.0),  # DuckDB reading and checking the file
        ("rules", rng.uniform(0, 1.0), 0.0),  # the rules running
        ("inside", rng.uniform(0, 0.5), 2.0),  # in the transaction, the facts inserted
        ("write", rng.uniform(0, 0.2), 0.0),  # the write starting (it may have committed)
    ]
    seen: list[tuple[str, bool]] = []
    for stage, delay, pause in moments:
        last, code = _run(store, facts, stage, delay, pause)
        now = _state(store)
        assert now == before or _whole(store, before), f"partial store after a kill at {last}"
        seen.append((last, now == before))
        if code == 0:
            break
    assert seen[:3] == [("read", True), ("rules", True), ("inside", True)], seen

    last, code = _run(store, facts, None, 0)
    assert (last, code) == ("done", 0) or _whole(store, before)
    assert _whole(store, before)
