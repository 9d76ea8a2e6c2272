"""Where an import's memory goes: one ``Workspace.import_files`` with its resident memory sampled per stage.

Imports ``DATA/entities.parquet`` and ``DATA/facts.parquet`` into a new DuckDB store ``STORE`` (with
the 核实 explanations of ``EXPLANATIONS``, as ``bench/import_scale.py`` writes them), samples the
process's resident set every 50 ms and prints each progress event, then the peak per stage
(``read``: the contract's check; ``read-done``: duplicates and the staged file; ``rules``; ``write``).

    .venv/bin/python bench/import_phases.py /tmp/x/store.duckdb bench/data/s2k36i19 /tmp/x/explanations.csv
"""

from __future__ import annotations

import re
import sys
import threading
import time
from pathlib import Path

from guozi.workspace import Workspace
from guozi.workspace.explain import read_explanations


def rss_mib() -> int:
    """This process's resident set now, in MiB."""
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+)", status)
    return int(found.group(1)) // 1024 if found else 0


def main(argv: list[str]) -> int:
    store, data = Path(argv[0]), Path(argv[1])
    given = read_explanations(Path(argv[2])) if len(argv) > 2 else []
    stage = ["start"]
    peaks: dict[str, int] = {}
    started = time.perf_counter()

    def sample() -> None:
        while True:
            peaks[stage[0]] = max(peaks.get(stage[0], 0), rss_mib())
            time.sleep(0.05)

    def progress(name: str, done: float, total: float) -> None:
        stage[0] = name if done < total else f"{name}-done"
        if done in (0, total):
            print(
                f"{time.perf_counter() - started:8.1f} s  {name} {done:,.0f}/{total:,.0f}  rss {rss_mib()} MiB",
                flush=True,
            )

    threading.Thread(target=sample, daemon=True).start()
    store.unlink(missing_ok=True)
    ws = Workspace.open(f"duckdb:///{store}")
    try:
        report = ws.import_files(
            [data / "entities.parquet", data / "facts.parquet"], explanations=given, progress=progress
        )
    finally:
        ws.close()
    stage[0] = "end"
    print(f"{report.facts:,} facts in {time.perf_counter() - started:.1f} s")
    print("peak MiB per stage:", peaks)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
