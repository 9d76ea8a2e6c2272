"""What opening the DuckDB file per unit of work costs (issue 18: the command line beside ``guozi serve``).

The DuckDB store opens its file at the start of each unit of work (an outermost hold of
``store.lock``) and closes it at the end. This script times, on an existing DuckDB store:

- ``open+close``: one unit doing almost nothing (``store.version()``, three ``max(id)``), each call
  its own unit, against the same call inside one held unit (the file kept open), and a bare
  ``duckdb.connect(path).close()``;
- ``panel``: ``Workspace.indicators`` for the latest period (the whole tree, the regime's
  indicators), the workspace's memo emptied before each call so every call computes, each call its
  own unit, against the same calls inside one held unit.

The difference per call is the cost of a unit of work. Results go to BENCHMARKS.md.

    .venv/bin/python bench/store_units.py --store duckdb:////tmp/units/store.duckdb --repeat 20
    # a store to time on (2 000 entities × 36 months from bench/generate.py):
    .venv/bin/python bench/store_units.py --store duckdb:////tmp/units/store.duckdb --load bench/data/s2k36
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from guozi.workspace import Workspace


def timed(call: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of this process for each of ``repeat`` calls (after one untimed call)."""
    call()
    wall, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return wall, cpu


def summary(times: tuple[list[float], list[float]]) -> dict[str, float]:
    wall, cpu = times
    return {
        "median_ms": statistics.median(wall) * 1000,
        "min_ms": min(wall) * 1000,
        "max_ms": max(wall) * 1000,
        "cpu_median_ms": statistics.median(cpu) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True, help="a DuckDB store URL, duckdb:////path/store.duckdb")
    ap.add_argument("--load", type=Path, help="import this folder first (entities/facts Parquet), without rules")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    ws = Workspace.open(args.store)
    store = ws.store
    if args.load:
        started = time.perf_counter()
        ws.import_files([args.load], user="bench", validate=False)
        print(f"imported {args.load} in {time.perf_counter() - started:.1f} s")
    path = args.store.removeprefix("duckdb:///")
    period = ws.latest_period()

    def panel() -> object:
        ws._memo.clear()  # every call computes its panel
        return ws.indicators(period)

    results: dict[str, dict[str, float]] = {}
    results["bare duckdb.connect+close"] = summary(timed(lambda: duckdb.connect(path).close(), args.repeat))
    results["version(), one unit per call"] = summary(timed(store.version, args.repeat))
    with store.lock:
        results["version(), file kept open"] = summary(timed(store.version, args.repeat))
    results["panel, one unit per call"] = summary(timed(panel, max(3, args.repeat // 4)))
    with store.lock:
        results["panel, file kept open"] = summary(timed(panel, max(3, args.repeat // 4)))
    ws.close()
    print(
        json.dumps({"store": args.store, "period": str(period), "load": os.getloadavg(), "results": results}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
