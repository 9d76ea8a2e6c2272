"""Benchmark the PostgreSQL store against the DuckDB store: import throughput and the panel on the server.

Usage::

    python bench/generate.py --entities 1390 --months 24 --out bench/data/s1m     # ~1 M facts
    python bench/pg_store.py --data bench/data/s1m [--pg postgresql://…] [--json F] [--markdown F]

Without ``--pg`` a throwaway PostgreSQL 15 server is started by ``scripts/pg`` (fsync on, as a
real server, unless ``PG_FSYNC=off``) and stopped at the end. For each store, in a fresh DuckDB
file or database: **import** is ``Workspace.import_files`` of the contract folder (read, the
contract's checks, then the store's write; ``--validate`` adds the validation rules), of which
**write** is the store's transaction (from the ``write`` progress report to the end);
**panels** are the three panels of bench/panel.py on ``store.facts()`` (on PostgreSQL the Ibis
expression runs on the server); **backup** writes the archive of ``guozi backup``, **restore**
loads it into a fresh store of the same kind. The panels of both stores are compared cell by
cell (exactly: Decimal amounts, float ratios).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import psycopg

HERE = Path(__file__).resolve().parent
PANELS: dict[str, tuple[Literal["reported", "level"], int, str | None]] = {
    "reported": ("reported", 1, None),
    "level1": ("level", 1, None),
    "level2": ("level", 2, "industry"),
}
STEPS = ("import", "write", "reported", "level1", "level2", "backup", "restore")


def _database(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'drop database if exists "{name}" with (force)')
        con.execute(f'create database "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name


def run(kind: str, data: Path, server: str, work: Path, validate: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """One store: seconds per step, and its panels' frames."""
    from guozi.catalog import load_catalog
    from guozi.engine.panel import Scope, compute_panel
    from guozi.kernel.periods import Period
    from guozi.store import open_store
    from guozi.store.backup import backup, restore
    from guozi.workspace import Workspace

    url = _database(server, "bench_import") if kind == "postgresql" else f"duckdb:///{work / 'bench.duckdb'}"
    ws = Workspace(open_store(url), load_catalog())
    seconds: dict[str, float] = {}
    marks: dict[str, float] = {}

    def progress(stage: str, done: float, total: float) -> None:
        marks.setdefault(stage, time.perf_counter())

    t = time.perf_counter()
    report = ws.import_files([data], user="bench", validate=validate, progress=progress)
    end = time.perf_counter()
    seconds["import"] = end - t
    seconds["write"] = end - marks["write"]
    facts_count = report.facts
    period = Period.from_code(ws.store.periods()[-1])
    catalog = ws.catalog
    indicators = list(catalog.regime_for(period.year).indicators)
    frames: dict[str, Any] = {}
    for name, (view, level, by) in PANELS.items():
        t = time.perf_counter()
        panel = compute_panel(
            ws.store.facts(),
            ws.tree(),
            catalog,
            periods=[period],
            indicators=indicators,
            scope=Scope(view=view, level=level, by=by),
        )
        seconds[name] = time.perf_counter() - t
        frames[name] = panel.frame
    archive = work / f"{kind}.tar"
    t = time.perf_counter()
    backup(ws.store, archive, overwrite=True)
    seconds["backup"] = time.perf_counter() - t
    ws.close()
    again_url = _database(server, "bench_restore") if kind == "postgresql" else f"duckdb:///{work / 'restored.duckdb'}"
    again = open_store(again_url)
    t = time.perf_counter()
    restore(archive, again)
    seconds["restore"] = time.perf_counter() - t
    again.close()
    result = {
        "store": kind,
        "facts": facts_count,
        "period": str(period),
        "seconds": seconds,
        "facts_per_second": facts_count / seconds["import"],
        "write_facts_per_second": facts_count / seconds["write"],
        "archive_mb": archive.stat().st_size / 1e6,
    }
    return result, frames


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Cell-by-cell differences of two stores' panels."""
    out: dict[str, Any] = {}
    for name in PANELS:
        x, y = a[name], b[name]
        diffs = []
        cells = 0
        if x.shape == y.shape:
            for col in ("value", "prior_value", "change", "growth", "note_en", "members"):
                for u, v, key in zip(x[col], y[col], x.entity_id + " " + x.indicator, strict=True):
                    cells += 1
                    if not ((u is None and v is None) or (type(u) is type(v) and u == v)):
                        diffs.append(f"{key} {col}: {u!r} != {v!r}")
        out[name] = {"rows": len(x), "cells": cells, "same_shape": x.shape == y.shape, "differences": len(diffs)}
    return out


def markdown(results: list[dict[str, Any]], same: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| store | facts | import s | facts/s | write s | (a) reported | (b) level 1 | (c) level 2 | backup s | restore s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r["seconds"]
        lines.append(
            f"| {r['store']} | {r['facts']:,} | {s['import']:.1f} | {r['facts_per_second']:,.0f} | {s['write']:.1f} | "
            f"{s['reported']:.1f} | {s['level1']:.1f} | {s['level2']:.1f} | {s['backup']:.1f} | {s['restore']:.1f} |"
        )
    cells = sum(p["cells"] for p in same.values())
    diffs = sum(p["differences"] for p in same.values())
    lines.append("")
    lines.append(f"Panels compared cell by cell: {cells:,} cells, {diffs} differences.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, start a server if needed, run both stores."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--pg", default=None, help="a running server's URL (a database to create others from)")
    parser.add_argument("--validate", action="store_true", help="also run the validation rules on import")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    folder = None
    server = args.pg
    if server is None:
        folder = tempfile.mkdtemp(prefix="guozi-bench-pg-")
        env = {"PG_FSYNC": "on", "PG_SHARED_BUFFERS": "512MB"}
        done = subprocess.run(
            [str(HERE.parent / "scripts" / "pg"), "start", folder],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **env},
        )
        server = done.stdout.strip()
    try:
        with tempfile.TemporaryDirectory(prefix="guozi-bench-") as tmp:
            work = Path(tmp)
            duck, duck_frames = run("duckdb", args.data, server, work, args.validate)
            pg, pg_frames = run("postgresql", args.data, server, work, args.validate)
            same = compare(duck_frames, pg_frames)
    finally:
        if folder is not None:
            subprocess.run([str(HERE.parent / "scripts" / "pg"), "stop", folder], check=False)
            shutil.rmtree(folder, ignore_errors=True)
    report = {"results": [duck, pg], "panels": same, "machine": {"python": platform.python_version()}}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = markdown([duck, pg], same)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
