"""Benchmark the panel on DuckDB and on Spark (local mode) reading the same Parquet lake.

Usage::

    python bench/generate.py --entities 1390 --months 24 --out bench/data/s1m          # contract folder
    python bench/spark_panel.py prepare --data bench/data/s1m --lake bench/data/s1m-lake
    python bench/spark_panel.py sweep --lake bench/data/s1m-lake --lake bench/data/s10m-lake \
        --engine duckdb --engine spark --json results.json --markdown table.md
    python bench/spark_panel.py compare --lake bench/data/s1m-lake    # both engines, cell by cell

``prepare`` writes the lake with the code of ``guozi export`` (:func:`guozi.store.export.write_lake`),
reading the generated contract folder through :func:`guozi.engine.backends.read_facts_dir`.
``sweep`` runs every (lake, engine) pair in a subprocess of its own (``run``), so that peak
memory is that run's alone: the Python process's peak resident set, and for Spark also the
driver JVM's (a child process: its peak is read once it has stopped). The panel is the one of
issue 2 and bench/panel.py: for the last period P of the data, the indicators of P's regime
with prior-year values and changes, (a) every entity's reported figures, (b) level 1 of the
tree, (c) level 2 grouped by industry.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

HERE = Path(__file__).resolve().parent
PANELS: dict[str, tuple[Literal["reported", "level"], int, str | None]] = {
    "reported": ("reported", 1, None),
    "level1": ("level", 1, None),
    "level2": ("level", 2, "industry"),
}
STEPS = ("connect", "load", "reported", "level1", "level2")
SPARK_BENCH_CONF = {"spark.driver.memory": "8g", "spark.sql.shuffle.partitions": "8"}


def prepare(data: Path, lake: Path) -> dict[str, Any]:
    """Write the lake of a generated contract folder (its facts checked by construction)."""
    from guozi.catalog import load_catalog
    from guozi.engine.backends import connect, read_facts_dir
    from guozi.store.export import write_lake

    started = time.perf_counter()
    con = connect("duckdb")
    facts, entities = read_facts_dir(con, data)
    report = write_lake(facts, entities, lake, catalog=load_catalog(), source=f"generated:{data}", overwrite=True)
    con.disconnect()
    return {"lake": str(lake), "facts": report.facts, "seconds": time.perf_counter() - started}


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


def _jvm() -> tuple[float, float]:
    """The Spark driver JVM's peak resident set (VmHWM, MB) and CPU seconds so far.

    In local mode the executors run inside it, so this is all of Spark.
    """
    from pyspark import SparkContext

    gateway: Any = SparkContext._gateway
    proc = Path(f"/proc/{gateway.proc.pid}")
    peak = 0.0
    for line in (proc / "status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024.0
    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return peak, cpu


def run(engine: str, lake: Path, master: str | None) -> dict[str, Any]:
    """One engine over one lake, in this process: seconds per step, rows, peak memory."""
    from guozi.catalog import load_catalog
    from guozi.engine.backends import connect, read_facts_dir
    from guozi.engine.panel import Scope, compute_panel
    from guozi.kernel.periods import Period
    from guozi.tree import build_tree

    manifest = json.loads((lake / "guozi-lake.json").read_text(encoding="utf-8"))
    period = Period.parse(manifest["periods"][-1])
    catalog = load_catalog()
    indicators = list(catalog.regime_for(period.year).indicators)
    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}
    t = time.perf_counter()
    con = connect("spark", master=master, **SPARK_BENCH_CONF) if engine == "spark" else connect("duckdb")
    seconds["connect"] = time.perf_counter() - t
    t = time.perf_counter()
    facts, entities = read_facts_dir(con, lake)
    tree = build_tree(entities)
    seconds["load"] = time.perf_counter() - t
    for name, (view, level, by) in PANELS.items():
        t = time.perf_counter()
        panel = compute_panel(
            facts, tree, catalog, periods=[period], indicators=indicators, scope=Scope(view=view, level=level, by=by)
        )
        seconds[name] = time.perf_counter() - t
        rows[name] = len(panel.frame)
    jvm_peak, jvm_cpu = _jvm() if engine == "spark" else (0.0, 0.0)
    own = resource.getrusage(resource.RUSAGE_SELF)
    con.disconnect()
    return {
        "engine": engine,
        "lake": str(lake),
        "facts": manifest["facts"],
        "entities": manifest["entities"],
        "months": len(manifest["periods"]),
        "period": str(period),
        "indicators": len(indicators),
        "seconds": seconds,
        "panels_seconds": sum(seconds[p] for p in PANELS),
        "total_seconds": sum(seconds.values()),
        "rows": rows,
        "python_peak_mb": _rss_mb(resource.RUSAGE_SELF),
        "jvm_peak_mb": jvm_peak,
        "cpu_seconds": own.ru_utime + own.ru_stime + jvm_cpu,
    }


def compare(lake: Path, master: str | None) -> dict[str, Any]:
    """The three panels on both engines, compared cell by cell (exactly: Decimal amounts, float ratios)."""
    from guozi.catalog import load_catalog
    from guozi.engine.backends import connect, read_facts_dir
    from guozi.engine.panel import Scope, compute_panel
    from guozi.kernel.periods import Period
    from guozi.tree import build_tree

    manifest = json.loads((lake / "guozi-lake.json").read_text(encoding="utf-8"))
    period = Period.parse(manifest["periods"][-1])
    catalog = load_catalog()
    indicators = list(catalog.regime_for(period.year).indicators)
    frames: dict[str, dict[str, Any]] = {}
    for engine in ("duckdb", "spark"):
        con = connect("spark", master=master, **SPARK_BENCH_CONF) if engine == "spark" else connect("duckdb")
        facts, entities = read_facts_dir(con, lake)
        tree = build_tree(entities)
        for name, (view, level, by) in PANELS.items():
            scope = Scope(view=view, level=level, by=by)
            panel = compute_panel(facts, tree, catalog, periods=[period], indicators=indicators, scope=scope)
            frames.setdefault(name, {})[engine] = panel.frame
        con.disconnect()
    out: dict[str, Any] = {"lake": str(lake), "panels": {}}
    for name, pair in frames.items():
        a, b = pair["duckdb"], pair["spark"]
        cells = 0
        diffs: list[str] = []
        same_shape = a.shape == b.shape
        if same_shape:
            for col in ("value", "prior_value", "change", "growth", "note_en", "members"):
                for x, y, key in zip(a[col], b[col], a.entity_id + " " + a.indicator, strict=True):
                    cells += 1
                    if not ((x is None and y is None) or (type(x) is type(y) and x == y)):
                        diffs.append(f"{key} {col}: {x!r} != {y!r}")
        out["panels"][name] = {"rows": len(a), "cells": cells, "same_shape": same_shape, "differences": len(diffs)}
        out["panels"][name]["examples"] = diffs[:5]
    return out


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy the machine was."""
    import duckdb
    import ibis

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "ibis": ibis.__version__,
        "duckdb": duckdb.__version__,
    }
    try:
        import pyspark

        info["pyspark"] = pyspark.__version__
    except ImportError:  # pragma: no cover
        info["pyspark"] = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        info["memory_gb"] = round(int(first[1]) / 1024 / 1024, 1)
    return info


def sweep(lakes: Sequence[Path], engines: Sequence[str], master: str | None, repeat: int) -> dict[str, Any]:
    """Every (lake, engine) in a fresh subprocess, ``repeat`` times; the fastest run is kept."""
    results: list[dict[str, Any]] = []
    for lake in lakes:
        for engine in engines:
            best: dict[str, Any] | None = None
            for _ in range(repeat):
                cmd = [sys.executable, str(Path(__file__).resolve()), "run", "--engine", engine, "--lake", str(lake)]
                if master:
                    cmd += ["--master", master]
                load_before = os.getloadavg()[0]
                done = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    print(done.stderr[-3000:], file=sys.stderr)
                    raise SystemExit(f"{engine} on {lake} failed")
                result = json.loads(done.stdout.strip().splitlines()[-1])
                result["load_average_before"] = load_before
                print(
                    f"{engine:6} {result['facts']:>12,} facts  total {result['total_seconds']:8.1f} s  "
                    f"panels {result['panels_seconds']:8.1f} s  python {result['python_peak_mb']:7.0f} MB  "
                    f"jvm {result['jvm_peak_mb']:7.0f} MB  (load {load_before:.1f})",
                    file=sys.stderr,
                    flush=True,
                )
                if best is None or result["total_seconds"] < best["total_seconds"]:
                    best = result
            assert best is not None
            results.append(best)
    return {"machine": machine(), "results": results}


def markdown(report: dict[str, Any]) -> str:
    """The results as a Markdown table and a chart (Mermaid)."""
    m = report["machine"]
    lines = [
        "| facts | entities × months | engine | start | load + tree | (a) reported | (b) level 1 | (c) level 2 | panels | total | CPU s | peak memory |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        s = r["seconds"]
        memory = r["python_peak_mb"] + r["jvm_peak_mb"]
        mem_text = f"{memory / 1024:.1f} GB" + (
            f" (JVM {r['jvm_peak_mb'] / 1024:.1f})" if r["engine"] == "spark" else ""
        )
        lines.append(
            f"| {r['facts']:,} | {r['entities']:,} × {r['months']} | {r['engine']} | {s['connect']:.1f} | "
            f"{s['load']:.1f} | {s['reported']:.1f} | {s['level1']:.1f} | {s['level2']:.1f} | "
            f"{r['panels_seconds']:.1f} | {r['total_seconds']:.1f} | {r.get('cpu_seconds', float('nan')):.0f} | {mem_text} |"
        )
    lines += [
        "",
        f"Seconds of wall time; machine: {m['cpus']} cores, {m.get('memory_gb')} GB, Python {m['python']}, "
        f"Ibis {m['ibis']}, DuckDB {m['duckdb']}, PySpark {m['pyspark']}.",
    ]
    sizes = sorted({r["facts"] for r in report["results"]})
    if len(sizes) > 1:
        by = {(r["engine"], r["facts"]): r["panels_seconds"] for r in report["results"]}
        labels = ", ".join(f'"{f / 1e6:.1f}M"' for f in sizes)
        top = max(by.values()) * 1.1
        lines += ["", "```mermaid", "xychart-beta", '    title "Panels (a)+(b)+(c), seconds"']
        lines += [f"    x-axis [{labels}]", f'    y-axis "seconds" 0 --> {top:.0f}']
        for engine in ("duckdb", "spark"):
            values = [by.get((engine, f)) for f in sizes]
            if all(v is not None for v in values):
                lines.append(f"    line [{', '.join(f'{v:.1f}' for v in values if v is not None)}]")
        lines += ["```", "", "Lines: DuckDB first, Spark second."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="write the lake of a generated contract folder")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--lake", type=Path, required=True)
    r = sub.add_parser("run", help="one engine over one lake, in this process (prints JSON)")
    r.add_argument("--engine", choices=("duckdb", "spark"), required=True)
    r.add_argument("--lake", type=Path, required=True)
    r.add_argument("--master", default=None)
    c = sub.add_parser("compare", help="both engines' panels over one lake, cell by cell")
    c.add_argument("--lake", type=Path, required=True)
    c.add_argument("--master", default=None)
    s = sub.add_parser("sweep", help="every lake × engine, each in a subprocess")
    s.add_argument("--lake", type=Path, action="append", required=True)
    s.add_argument("--engine", action="append", choices=("duckdb", "spark"))
    s.add_argument("--master", default=None)
    s.add_argument("--repeat", type=int, default=1)
    s.add_argument("--json", type=Path)
    s.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        print(json.dumps(prepare(args.data, args.lake)))
    elif args.command == "compare":
        print(json.dumps(compare(args.lake, args.master), indent=2, ensure_ascii=False))
    elif args.command == "run":
        print(json.dumps(run(args.engine, args.lake, args.master)))
    else:
        report = sweep(args.lake, args.engine or ["duckdb", "spark"], args.master, args.repeat)
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        text = markdown(report)
        if args.markdown:
            args.markdown.write_text(text, encoding="utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
