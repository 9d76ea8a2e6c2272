"""What only the embedded DuckDB file does: an import killed at any moment, and a schema-2 file
upgraded in place. (The store protocol's tests run on DuckDB and PostgreSQL in test_store.py.)

The atomicity test kills the importing process (SIGKILL) at random moments of a 200 000-row import
and checks the store is exactly as before, or holds the whole import when the kill came after the
commit: never part of it.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from guozi.catalog import load_catalog
from guozi.store.duckdb import DuckDBStore
from guozi.workspace import Workspace

from .conftest import TODAY, write_text

# ---------------------------------------------------------------------------- SIGKILL atomicity

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

print("start", flush=True)
ws = Workspace.open(sys.argv[1])
ws.import_files([Path(sys.argv[2])], user="kill", today=date(2025, 7, 15), progress=progress)
ws.close()
print("done", flush=True)
"""
ENTITIES = 5_000
ITEMS = 10
MONTHS = (3, 4, 5, 6)  # 5 000 entities × 10 items × 4 months of 2025 = 200 000 facts
ROWS = ENTITIES * ITEMS * len(MONTHS)
# items no identity, sub-total or ratio rule ties together, so the big file passes every rule
RULED = {
    "total_assets", "total_liabilities", "total_equity", "current_assets", "cash", "accounts_receivable",
    "inventory", "current_liabilities", "interest_bearing_debt",
}  # fmt: skip


def _state(path: Path) -> tuple[object, ...]:
    con = duckdb.connect(str(path))
    try:
        return (
            con.execute(
                "select count(*), sum(hash(submission_id, entity_id, period, item, value)) from facts"
            ).fetchone(),
            con.execute("select count(*), coalesce(max(id), 0) from submissions").fetchone(),
            con.execute("select count(*) from entity_rows").fetchone(),
            con.execute("select count(*) from explanations").fetchone(),
        )
    finally:
        con.close()


def _whole(path: Path, before: tuple[object, ...]) -> bool:
    """The store holds exactly the earlier state plus the whole 200 000-row submission."""
    con = duckdb.connect(str(path))
    try:
        subs = con.execute("select id, row_count from submissions where user_name = 'kill'").fetchall()
        if len(subs) != 1:
            return False
        (sid, rows) = subs[0]
        landed = con.execute("select count(*) from facts where submission_id = ?", [sid]).fetchone()
        others = con.execute(
            "select count(*), sum(hash(submission_id, entity_id, period, item, value)) from facts where submission_id <> ?",
            [sid],
        ).fetchone()
    finally:
        con.close()
    return bool(rows == ROWS and landed == (ROWS,) and others == before[0])


def _run(store: Path, facts: Path, *, kill_after: str | None, delay: float, pause: float = 0) -> tuple[str, int]:
    """Run an import; SIGKILL it ``delay`` s after it reports ``kill_after``. (last stage seen, exit code)

    An import that fails by itself (not killed) fails the test with its error output."""
    errors = store.with_suffix(".stderr")
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, f"duckdb:///{store}", str(facts), *([str(pause)] if pause else [])],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    last, code = _follow(proc, kill_after, delay)
    assert code in (0, -signal.SIGKILL), errors.read_text()
    return last, code


def _follow(proc: subprocess.Popen[str], kill_after: str | None, delay: float) -> tuple[str, int]:
    assert proc.stdout is not None
    last = ""
    deadline = time.monotonic() + 120
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
        return last, proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()


def test_killing_an_import_leaves_the_store_as_before_or_whole(tmp_path: Path) -> None:
    """Three kills at random moments: while the file is read; inside the transaction after the
    200 000 facts are inserted (the child pauses there, as on a slow disk); 0–0.2 s after the write
    starts (it may be committed by then). Then an uninterrupted run lands all 200 000 rows once.

    Each item is a flow growing by the same amount each month or a steady balance, so the file
    passes every rule and the import is not refused for its content."""
    rng = random.Random(20250715)
    store = tmp_path / "s.duckdb"
    ids = [f"E{i:05d}" for i in range(ENTITIES)]
    ents = tmp_path / "entities.csv"
    pacsv.write_csv(pa.table({"entity_id": ids, "name": ids}), ents)
    catalog = load_catalog()
    items = [c for c in catalog.items if c not in RULED][:ITEMS]
    records = [
        (e, f"2025-{m:02d}", c, (1000 + (i * 7 + j) % 997) * (m if catalog.items[c].kind == "flow" else 1))
        for i, e in enumerate(ids)
        for j, c in enumerate(items)
        for m in MONTHS
    ]  # flows grow with the month (a steady monthly amount), balances stay: no rule fires
    facts = tmp_path / "facts_big.csv"
    pacsv.write_csv(
        pa.table(
            {
                "entity_id": [r[0] for r in records],
                "period": [r[1] for r in records],
                "item": [r[2] for r in records],
                "value": [str(r[3]) for r in records],
            }
        ),
        facts,
    )
    w = Workspace(DuckDBStore(store), load_catalog())
    w.import_files(
        [ents, write_text(tmp_path / "facts_small.csv", "entity_id,period,item,value\nE00001,2025-02,cash,5\n")],
        today=TODAY,
    )
    w.close()
    before = _state(store)

    outcomes: list[tuple[str, bool]] = []
    for stage, delay, pause in [
        ("read", rng.uniform(0, 0.5), 0.0),
        ("inside", rng.uniform(0, 0.5), 2.0),
        ("write", rng.uniform(0, 0.2), 0.0),
    ]:
        last, code = _run(store, facts, kill_after=stage, delay=delay, pause=pause)
        now = _state(store)
        assert now == before or _whole(store, before), f"partial store after a kill at {last}"
        outcomes.append((last, now == before))
        if code == 0:  # a kill came after the commit: the rest would be skipped as already imported
            break
    assert outcomes[:2] == [("read", True), ("inside", True)], outcomes  # killed in the transaction: nothing

    last, code = _run(store, facts, kill_after=None, delay=0)
    assert code == 0 and last == "done"
    assert _whole(store, before)


# ---------------------------------------------------------------------------- schema upgrade

# The schema-2 tables as the first release created them (before review statuses).
SCHEMA_2 = [
    "create sequence submission_ids start 1",
    """create table submissions (id bigint primary key, created_at timestamp not null, user_name varchar not null,
       source varchar not null, sha256 varchar not null, kind varchar not null, row_count bigint not null,
       reason varchar not null default '')""",
    "create table entity_rows (submission_id bigint not null, entity_id varchar, name varchar, parent_id varchar)",
    """create table facts (submission_id bigint not null, entity_id varchar not null, period integer not null,
       item varchar not null, value decimal(18, 4) not null)""",
    "create table meta (key varchar primary key, value varchar not null)",
    "insert into meta values ('schema_version', '2')",
    "insert into submissions values (1, '2025-07-01 08:00:00', 'old', 'facts.csv', 'abc', 'facts', 1, '')",
    "insert into entity_rows values (1, 'A', '甲', null)",
    "insert into facts values (1, 'A', 202506, 'cash', 12.5)",
]


def test_a_schema_2_file_is_upgraded_in_place_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for stmt in SCHEMA_2:
        con.execute(stmt)
    con.close()
    store = DuckDBStore(path)
    try:
        assert store.backend().con.execute("select value from meta where key = 'schema_version'").fetchone() == ("6",)
        [sub] = store.submissions()
        assert (sub.id, sub.user, sub.status) == (1, "old", "approved")
        assert store.facts().to_pyarrow().to_pylist() == [
            {"entity_id": "A", "period": 202506, "item": "cash", "value": Decimal("12.5000")}
        ]
        assert store.users() == []
        assert store.audit_log() == []
    finally:
        store.close()
