"""Eight writers importing into one PostgreSQL store at the same moment: nothing lost, nothing twice.

Twelve facts files; writer ``w`` imports files ``w``, ``(w + 1) % 8`` and ``8 + w % 4`` in one
import, so every file is sent by two writers at once. Files 0–7 hold figures no other file has
(their own item, 10 entities × 6 months); files 8–11 also each restate one shared figure (E0's
December cash). Each writer is a thread with a store (two connections) of its own, as eight
processes or web requests would be; they open the store, wait at a barrier and import together.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from guozi.catalog import load_catalog
from guozi.store.postgres import PostgresStore
from guozi.workspace import Workspace

WRITERS = 8
FILES = 12
ENTITIES = [f"E{i}" for i in range(10)]
MONTHS = range(1, 7)
SHARED = ("E0", 202512, "cash")


def _items() -> list[str]:
    """Eight catalogue items, none of them the shared ``cash``."""
    return [c for c in load_catalog().items if c != "cash"][:8]


def _value(k: int, entity: int, month: int) -> Decimal:
    return Decimal(1000 * k + 10 * entity + month) + Decimal("0.0001") * k


def _files(folder: Path) -> tuple[list[Path], dict[tuple[str, int, str], Decimal], dict[int, Decimal]]:
    """The twelve files, the figures only one file holds, and each of files 8–11's shared value."""
    items = _items()
    own: dict[tuple[str, int, str], Decimal] = {}
    shared: dict[int, Decimal] = {}
    paths = []
    for k in range(FILES):
        lines = ["entity_id,period,item,value"]
        if k < WRITERS:
            for e, entity in enumerate(ENTITIES):
                for m in MONTHS:
                    own[(entity, 202500 + m, items[k])] = _value(k, e, m)
                    lines.append(f"{entity},2025-{m:02d},{items[k]},{_value(k, e, m)}")
        else:
            shared[k] = Decimal(k * 111)
            lines.append(f"E0,2025-12,cash,{shared[k]}")
            own[("E1", 202512, "cash")] = Decimal(7)  # the same row in files 8–11: unchanged restatements
            lines.append("E1,2025-12,cash,7")
        path = folder / f"facts_{k:02d}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths, own, shared


@pytest.fixture
def store(tmp_path: Path, pg_url: str) -> Iterator[PostgresStore]:
    entities = tmp_path / "entities.csv"
    entities.write_text("entity_id,name\n" + "".join(f"{e},{e}\n" for e in ENTITIES), encoding="utf-8")
    ws = Workspace(PostgresStore(pg_url), load_catalog())
    ws.import_files([entities], user="setup")
    yield ws.store  # type: ignore[misc]
    ws.close()


def test_eight_writers_at_once_store_every_version_exactly_once(tmp_path: Path, store: PostgresStore) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    paths, own, shared = _files(folder)
    ready = threading.Barrier(WRITERS)

    def writer(w: int) -> tuple[list[tuple[int, str]], list[tuple[str, int]]]:
        """One writer with its own connections: opens the store, waits for the others, imports."""
        ws = Workspace.open(store.url)
        try:
            ready.wait(timeout=120)
            mine = [paths[w], paths[(w + 1) % WRITERS], paths[WRITERS + w % 4]]
            report = ws.import_files(mine, user=f"writer{w}", validate=False, today=date(2026, 1, 15))
        finally:
            ws.close()
        return [(s.id, s.sha256) for s in report.result.submissions], report.result.skipped

    with ThreadPoolExecutor(WRITERS) as pool:
        reports = list(pool.map(writer, range(WRITERS)))

    subs = [s for s in store.submissions() if s.kind == "facts"]
    # every file stored once
    assert sorted(Path(s.source).name for s in subs) == [p.name for p in paths]
    by_sha = {s.sha256: s.id for s in subs}
    assert len(by_sha) == FILES
    # each writer got its three files: new, or skipped pointing at the submission holding the same content
    new_ids = [i for new, _ in reports for i, _ in new]
    assert sorted(new_ids) == sorted(by_sha.values())
    named = {Path(s.source).name: s.id for s in subs}
    for new, skipped in reports:
        assert len(new) + len(skipped) == 3
        assert all(by_sha[sha] == i for i, sha in new)
        assert all(named[name] == i for name, i in skipped)
    # no version lost or doubled: each submission holds exactly its file's rows
    for s in subs:
        assert store.submission_facts(s.id).num_rows == s.rows == (60 if int(Path(s.source).stem[-2:]) < 8 else 2)
    raw = store.backend().table("facts").count().to_pyarrow().as_py()
    assert raw == WRITERS * 60 + 4 * 2
    # the current values: each file's own figures; the shared one from the latest of files 8–11
    current = {(r["entity_id"], r["period"], r["item"]): r["value"] for r in store.facts().to_pyarrow().to_pylist()}
    ids = {int(Path(s.source).stem[-2:]): s.id for s in subs}
    latest = max(range(WRITERS, FILES), key=lambda k: ids[k])
    assert current == {**own, SHARED: shared[latest]}
    history = store.history("E0", 202512, "cash")
    assert list(history["submission_id"]) == sorted(ids[k] for k in range(WRITERS, FILES))
    assert list(history["value"]) == [shared[k] for k in sorted(range(WRITERS, FILES), key=lambda k: ids[k])]
    keys = pa.table({"entity_id": ["E0"], "period": pa.array([202512], pa.int32())})
    assert store.current_values(keys).column("value").to_pylist() == [shared[latest]]
