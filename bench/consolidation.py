"""Benchmark of the computed consolidation and 内部往来对账 (issue 21) on the demo generator's groups.

    .venv/bin/python bench/consolidation.py --entities 300 5000 --months 18

For each size: the demo group (with its intercompany trade) is generated into bench/data (kept),
read into an in-memory workspace (as ``--data``), and one period's regime panel is timed cold (the
workspace's memo cleared) in the reported, consolidated (every node; the top only) and leaves
views, then ``reconcile`` of the whole tree. No goal: the numbers go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from guozi.demo import generate_group, write_group
from guozi.kernel.periods import Period
from guozi.workspace import Workspace

DATA = Path(__file__).parent / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, nargs="+", default=[300, 5000])
    ap.add_argument("--months", type=int, default=18)
    args = ap.parse_args()
    period = Period(2025, 12)
    print(f"load average {os.getloadavg()[0]:.1f}; period {period}")
    for n in args.entities:
        folder = DATA / f"consolidation-{n}-{args.months}"
        if not folder.exists():
            write_group(generate_group(entities=n, months=args.months), folder)
        t = time.perf_counter()
        ws = Workspace.from_data([folder])
        print(f"{n} entities: read {time.perf_counter() - t:.1f} s")
        top = str(ws.tree().at(period).query("level == 1").entity_id.iloc[0])
        for view, entity in (("reported", None), ("consolidated", None), ("consolidated", top), ("leaves", top)):
            ws._memo.clear()  # cold: nothing kept from the run before
            t = time.perf_counter()
            panel = ws.indicators(period, view=view, entity=entity)  # type: ignore[arg-type]
            print(
                f"  {view:<12} {entity or 'every node':<10} {len(panel.frame):>7} rows  {time.perf_counter() - t:6.2f} s"
            )
        t = time.perf_counter()
        report = ws.reconcile(period)
        print(f"  reconcile    every node {len(report.pairs):>7} pairs {time.perf_counter() - t:6.2f} s")
        ws.close()


if __name__ == "__main__":
    main()
