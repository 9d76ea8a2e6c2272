"""How long the monthly report takes for the demo group (issue 20: the group's PDF within 10 s).

On a store holding the demo (``guozi demo --store duckdb:///PATH``), this script times, each in a
fresh workspace: building the report's content (``Workspace.report``), then writing it as PDF and
as Word (each also writes the 附表 workbook beside it), with wall and CPU seconds of this process
(the CPU time is what the work costs when the machine is shared), and the PDF's page count. With
``--profile`` it prints cProfile's top functions of a PDF run; ``--content`` times the content
alone (a fresh workspace per repeat). Results go to BENCHMARKS.md.

    .venv/bin/guozi demo --store duckdb:////tmp/rs/demo.duckdb
    .venv/bin/python bench/report_speed.py --store duckdb:////tmp/rs/demo.duckdb --period 2025-06
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import tempfile
import time
from pathlib import Path

from guozi.kernel.periods import Period
from guozi.report import write_report
from guozi.workspace import Workspace


def _timed(label: str, call: object, out: dict[str, dict[str, float]]) -> object:
    started, cpu = time.perf_counter(), time.process_time()
    result = call()  # type: ignore[operator]
    out[label] = {"wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2)}
    return result


def run(store: str, period: Period, folder: Path) -> dict[str, object]:
    """One build and one PDF and one Word file; their times and the PDF's pages."""
    times: dict[str, dict[str, float]] = {}
    ws = Workspace.open(store)
    try:
        report = _timed("build", lambda: ws.report(period), times)
        pdf, docx = folder / "report.pdf", folder / "report.docx"
        _timed("pdf", lambda: write_report(report, pdf, "pdf"), times)  # type: ignore[arg-type]
        _timed("docx", lambda: write_report(report, docx, "docx"), times)  # type: ignore[arg-type]
    finally:
        ws.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    pages = next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)
    times["build+pdf"] = {k: round(times["build"][k] + times["pdf"][k], 2) for k in ("wall_s", "cpu_s")}
    return {"period": str(period), "pdf_pages": pages, **times}


def content_only(store: str, period: Period) -> dict[str, object]:
    """The report's content alone (``Workspace.report``) in a fresh workspace: wall and CPU seconds."""
    times: dict[str, dict[str, float]] = {}
    ws = Workspace.open(store)
    try:
        _timed("build", lambda: ws.report(period), times)
    finally:
        ws.close()
    return {"period": str(period), **times}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--period", default="2025-06")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--content", action="store_true", help="time the content only (no PDF or Word)")
    args = ap.parse_args()
    period = Period.parse(args.period)
    with tempfile.TemporaryDirectory() as tmp:
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(run, args.store, period, Path(tmp))
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
            return
        for _ in range(args.repeat):
            result = content_only(args.store, period) if args.content else run(args.store, period, Path(tmp))
            print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
