"""Benchmark the full panel: the Ibis/DuckDB engine against a plain-pandas reference, wall time and peak memory.

Usage::

    python bench/panel.py --data bench/data/g10k [--engine duckdb|pandas|both] [--json FILE]

Each engine runs in a subprocess of its own, so that the peak resident memory
(``getrusage``) is that engine's. The panel is the one of issue 2: for the last period P
of the data, the indicators of P's regime with prior-year values and changes, (a) for every
entity's reported figures, (b) for level 1 of the tree and (c) for level 2 grouped by
industry. The engine computes the three in one ``compute_panels`` call (the facts pivoted
once for the three scopes); ``--panels separate`` makes one ``compute_panel`` call per panel.
With ``--engine both`` the two results are compared (amounts exactly, ratios to 1e-9 relative)
before the timings are reported.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import json
import os
import pickle
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

HERE = Path(__file__).resolve().parent
STEPS: tuple[str, ...] = ("load", "tree", "reported", "level1", "level2")
# the engine computes the three panels in one call by default (``--panels together``): one step
TOGETHER = "panels"
ViewName = Literal["reported", "level"]
PANELS: dict[str, tuple[ViewName, int, str | None]] = {  # name: (view, level, by)
    "reported": ("reported", 1, None),
    "level1": ("level", 1, None),
    "level2": ("level", 2, "industry"),
}
LABELS: dict[str, str] = {
    "load": "load",
    "tree": "tree",
    "reported": "panel a: reported, every entity",
    "level1": "panel b: level 1",
    "level2": "panel c: level 2 by industry",
    TOGETHER: "panels a + b + c",
    "total": "total",
    "compute": "tree + panels (without load)",
}
CACHE_LABEL = "create_table (the shared pivot, compute_panels)"
GOAL_SECONDS = 60.0  # issue 2: 100 000 × 24 under 60 s …
GOAL_RSS_MB = 8 * 1024.0  # … and under 8 GB …
GOAL_SPEEDUP = 5.0  # … and at least 5 × faster than the pandas version


def _bench_module(name: str, filename: str) -> ModuleType:
    """A module beside this file (``bench`` is not a package), loaded once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _pandas_panel() -> ModuleType:
    """The pandas reference."""
    return _bench_module("bench_pandas_panel", "pandas_panel.py")


def _polars_panel() -> ModuleType:
    """The polars reference."""
    return _bench_module("bench_polars_panel", "polars_panel.py")


def _generate_module() -> ModuleType:
    """``bench/generate.py``, for its typed-facts writer."""
    return _bench_module("bench_generate", "generate.py")


def peak_rss_mb() -> float:
    """The process's peak resident set so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass
class Run:
    """One engine's run: wall and CPU seconds per step, the peak RSS after each step, sizes, notes.

    CPU seconds are those of the whole process (every thread): on a shared machine they move
    less than wall seconds when other processes compete for the cores.
    """

    engine: str
    seconds: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    rss_mb: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as step ``name`` and note the peak RSS after it."""
        started, cpu = time.perf_counter(), time.process_time()
        yield
        self.seconds[name] = time.perf_counter() - started
        self.cpu[name] = time.process_time() - cpu
        self.rss_mb[name] = peak_rss_mb()

    def totals(self) -> dict[str, float]:
        """Wall and CPU totals, with and without the load, and of the three panels (one step or three)."""
        panels = [s for s in (*STEPS[2:], TOGETHER) if s in self.seconds]
        return {
            "total": sum(self.seconds.values()),
            "compute": sum(v for s, v in self.seconds.items() if s != "load"),
            "panels": sum(self.seconds[s] for s in panels),
            "cpu_total": sum(self.cpu.values()),
            "cpu_compute": sum(v for s, v in self.cpu.items() if s != "load"),
            "cpu_panels": sum(self.cpu[s] for s in panels),
        }


# ------------------------------------------------------------------------------------ engine (DuckDB)


def load_facts(con: Any, path: Path, *, mode: str = "table") -> Any:
    """The facts as the engine wants them: entity_id, period ``YYYYMM`` (int), item, value decimal(18, 4).

    ``table`` converts the Parquet file once into a DuckDB table (what a store holds);
    ``view`` leaves it a lazy expression over the file, so every panel reads the file again;
    ``typed`` reads ``facts.typed.parquet`` (the same facts already typed, as a store or a lake
    holds them) lazily: each panel's filters on item and period reach the Parquet reader, which
    skips the row groups of other months by their statistics.
    """
    if mode == "typed":  # already typed (bench/generate.py --typed): read lazily, filters pushed into the scan
        # under a name of its own (not Ibis's random one), so that its SQL is the same in every round
        return con.read_parquet(str(path.with_name("facts.typed.parquet")), table_name="facts")
    raw = con.read_parquet(str(path))
    expr = raw.select(
        entity_id=raw.entity_id.cast("string"),
        period=raw.period.replace("-", "").cast("int32"),
        item=raw.item.cast("string"),
        value=raw.value.cast("decimal(18, 4)"),
    )
    return con.create_table("facts", expr) if mode == "table" else expr


class _Timers:
    """Cumulative wall and CPU seconds of the engine's inner steps, by wrapping functions (profile mode only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last_expr: Any = None

    def wrap(self, owner: Any, attr: str, label: str, *, keep_expr: bool = False) -> None:
        original: Callable[..., Any] = getattr(owner, attr)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if keep_expr:
                self.last_expr = args[1] if len(args) > 1 else kwargs.get("expr")
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
                self.seconds[f"cpu {label}"] = self.seconds.get(f"cpu {label}", 0.0) + time.process_time() - cpu

        setattr(owner, attr, timed)

    def take(self) -> dict[str, float]:
        out, self.seconds = self.seconds, {}
        return out


def _operators(node: dict[str, Any], out: list[dict[str, Any]]) -> None:
    if "operator_type" in node:
        extra = node.get("extra_info") or {}
        detail = "; ".join(
            f"{k}: {v if isinstance(v, str) else ', '.join(map(str, v))}"
            for k, v in extra.items()
            if k in ("Conditions", "Join Type", "Groups", "Aggregates", "Table", "Function", "Filters")
        )
        out.append(
            {
                "operator": node["operator_type"],
                "seconds": float(node.get("operator_timing", 0.0)),
                "rows": int(node.get("operator_cardinality", 0)),
                "detail": detail[:160],
            }
        )
    for child in node.get("children", []):
        _operators(child, out)


def profile_query(con: Any, expr: Any, out: Path) -> dict[str, Any]:
    """Run ``expr`` again with DuckDB's profiler; the operators by time, the SQL beside ``out``."""
    sql = str(con.compile(expr))
    out.with_suffix(".sql").write_text(sql + "\n", encoding="utf-8")
    con.raw_sql("pragma enable_profiling='json'")
    con.raw_sql(f"pragma profiling_output='{out}'")
    try:
        con.to_pyarrow(expr)
    finally:
        con.raw_sql("pragma disable_profiling")
    data = json.loads(out.read_text(encoding="utf-8"))
    ops: list[dict[str, Any]] = []
    _operators(data, ops)
    ops.sort(key=lambda o: o["seconds"], reverse=True)
    return {"latency": float(data.get("latency", 0.0)), "cpu": float(data.get("cpu_time", 0.0)), "top": ops[:8]}


def run_duckdb(
    data: Path,
    period: str,
    *,
    mode: str,
    frames: Path | None,
    profile: Path | None,
    together: bool = True,
    sql_cache: bool = True,
    pivots: bool = False,
    threads: int = 0,
) -> tuple[Run, dict[str, Any]]:
    """The engine: load, tree, the three panels; the run and the panels' frames (also pickled to ``frames``).

    ``together``: the three panels in one :func:`~guozi.engine.panel.compute_panels` call (the facts
    read and pivoted once), timed as one step; otherwise one ``compute_panel`` call each. The
    panels' frames (``Panel.frame``, made when first read) are made inside the timed step, as the
    pandas reference makes its frames; ``info["columnar_s"]`` is the time before they are made.
    ``sql_cache``: queries kept between calls (:mod:`guozi.engine.sqlcache`); off: Ibis compiles each.
    ``pivots``: the facts' pivot kept between calls (:mod:`guozi.engine.panel.pivots`) under a
    version of the facts file (its path, size and modification time), as a long-lived process keeps
    it under the store's version; reused by the rounds after the first in the same process.
    ``threads``: DuckDB's worker threads (0: its default, one per core).
    """
    import ibis
    import pandas as pd

    import guozi.engine.panel.query as engine_query
    from guozi.catalog import load_catalog
    from guozi.engine.panel import Scope, compute_panel, compute_panels
    from guozi.engine.panel.pivots import PIVOTS, DataVersion
    from guozi.engine.sqlcache import QUERIES
    from guozi.kernel.periods import Period
    from guozi.tree import build_tree

    run = Run("duckdb")
    run.rss_mb["start"] = peak_rss_mb()
    timers = _Timers()
    if profile is not None:
        from ibis.backends.duckdb import Backend

        timers.wrap(engine_query, "long_frame", "python _long (rows to the long frame)")
        timers.wrap(engine_query, "_per_entity", "_per_entity (building the pivot expression)")
        timers.wrap(engine_query, "members_of", "_members (building the members expression)")
        timers.wrap(engine_query, "fetch", "to_pyarrow (all of it)")
        timers.wrap(engine_query, "temporary", CACHE_LABEL)
        timers.wrap(Backend, "to_pyarrow", "to_pyarrow (all of it)", keep_expr=True)
        timers.wrap(Backend, "_run_pre_execute_hooks", "registering memtables")
        timers.wrap(Backend, "compile", "compiling to SQL")
        timers.wrap(Backend, "create_table", CACHE_LABEL)
    catalog = load_catalog()
    p = Period.parse(period)
    indicators = list(catalog.regime_for(p.year).indicators)
    with run.step("load"):
        con = ibis.duckdb.connect(**({"threads": threads} if threads else {}))
        facts = load_facts(con, data / "facts.parquet", mode=mode)
        run.info["facts"] = int(facts.count().execute())
    run.info["duckdb_settings"] = {
        k: con.raw_sql(f"select current_setting('{k}')").fetchone()[0] for k in ("threads", "memory_limit")
    }
    with run.step("tree"):
        tree = build_tree(pd.read_parquet(data / "entities.parquet"))
    timers.take()
    results: dict[str, pd.DataFrame] = {}
    inner: dict[str, dict[str, float]] = {}
    scopes = {name: Scope(view=view, level=level, by=by) for name, (view, level, by) in PANELS.items()}
    cache = QUERIES if sql_cache else None
    version = None
    if pivots:
        typed = data / ("facts.typed.parquet" if mode == "typed" else "facts.parquet")
        stat = typed.stat()
        version = DataVersion(str(typed.resolve()), (mode, stat.st_size, stat.st_mtime_ns))
    built, reused = PIVOTS.built, PIVOTS.reused
    if together:
        with run.step(TOGETHER):
            started = time.perf_counter()
            panels = compute_panels(
                facts,
                tree,
                catalog,
                periods=[p],
                indicators=indicators,
                scopes=list(scopes.values()),
                cache=cache,
                version=version,
            )
            run.info["columnar_s"] = time.perf_counter() - started
            results = {name: panel.frame for name, panel in zip(scopes, panels, strict=True)}
        inner[TOGETHER] = timers.take()
    else:
        for name, scope in scopes.items():
            with run.step(name):
                results[name] = compute_panel(
                    facts, tree, catalog, periods=[p], indicators=indicators, scope=scope, cache=cache, version=version
                ).frame
            inner[name] = timers.take()
    run.info["sql_cache"] = {"on": sql_cache, "compiled": QUERIES.compiled, "from_disk": QUERIES.from_disk}
    run.info["pivots"] = {"on": pivots, "built": PIVOTS.built - built, "reused": PIVOTS.reused - reused}
    for name in PANELS:
        run.info[f"rows_{name}"] = len(results[name])
    run.info["indicators"] = indicators
    if profile is not None:
        run.info["inner"] = inner
        run.info["operators"] = {}
        profile.mkdir(parents=True, exist_ok=True)
        for name, (view, level, by) in PANELS.items():
            scope = Scope(view=view, level=level, by=by)
            compute_panel(facts, tree, catalog, periods=[p], indicators=indicators, scope=scope, cache=None)
            run.info["operators"][name] = profile_query(con, timers.last_expr, profile / f"duckdb-{name}.json")
    if frames is not None:
        with frames.open("wb") as fh:
            pickle.dump(results, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return run, results


# ------------------------------------------------------------------------------------ pandas reference


def run_pandas(data: Path, period: str, *, read: str, frames: Path | None) -> tuple[Run, dict[str, Any]]:
    """The plain-pandas reference: load (read, parse, pivot), tree, the three panels; the run and the frames."""
    import pandas as pd

    pp = _pandas_panel()
    code = pp.period_code(period)
    run = Run("pandas")
    run.rss_mb["start"] = peak_rss_mb()
    with run.step("load"):
        wide = pp.load(data / "facts.parquet", code, read=read)
        run.info["wide_rows"] = len(wide)
    with run.step("tree"):
        nodes = pp.nodes(pd.read_parquet(data / "entities.parquet"), [code, pp.prior_year(code)])
    results: dict[str, pd.DataFrame] = {}
    for name, (view, level, by) in PANELS.items():
        with run.step(name):
            results[name] = pp.panel(wide, nodes, code, view=view, level=level, by=by)
        run.info[f"rows_{name}"] = len(results[name])
    run.info["read"] = read
    if frames is not None:
        with frames.open("wb") as fh:
            pickle.dump(results, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return run, results


def run_polars(data: Path, period: str, *, frames: Path | None) -> tuple[Run, dict[str, Any]]:
    """The plain-polars reference: load (lazy filtered scan, exact parse, pivot), tree (the pandas
    reference's), the three panels; the run and the frames."""
    import pandas as pd

    pp, pl_ref = _pandas_panel(), _polars_panel()
    code = pp.period_code(period)
    run = Run("polars")
    run.rss_mb["start"] = peak_rss_mb()
    with run.step("load"):
        wide = pl_ref.load(data / "facts.parquet", code)
        run.info["wide_rows"] = wide.height
    with run.step("tree"):
        nodes = pp.nodes(pd.read_parquet(data / "entities.parquet"), [code, pp.prior_year(code)])
    results: dict[str, pd.DataFrame] = {}
    for name, (view, level, by) in PANELS.items():
        with run.step(name):
            results[name] = pl_ref.panel(wide, nodes, code, view=view, level=level, by=by)
        run.info[f"rows_{name}"] = len(results[name])
    if frames is not None:
        with frames.open("wb") as fh:
            pickle.dump(results, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return run, results


# ------------------------------------------------------------------------------------ the parent


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import duckdb
    import ibis
    import numpy
    import pandas
    import pyarrow

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError):
        m = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text(encoding="utf-8"))
        mem_kb = int(m.group(1)) if m else 0
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "ibis": ibis.__version__,
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
        "numpy": numpy.__version__,
    }


def busy() -> dict[str, Any]:
    """The load average, the free memory and the other processes using CPU or much memory right now."""
    out: dict[str, Any] = {"loadavg": [round(x, 2) for x in os.getloadavg()]}
    with contextlib.suppress(OSError):
        m = re.search(r"MemAvailable:\s+(\d+)", Path("/proc/meminfo").read_text(encoding="utf-8"))
        out["mem_available_gib"] = round(int(m.group(1)) / 1024 / 1024, 1) if m else None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        top = subprocess.run(["top", "-bn1", "-w", "200"], capture_output=True, text=True, timeout=10, check=False)
        procs = []
        for line in top.stdout.splitlines():
            cols = line.split(None, 11)
            if len(cols) == 12 and cols[0].isdigit() and int(cols[0]) != os.getpid():
                cpu, mem = float(cols[8].replace(",", ".")), float(cols[9].replace(",", "."))
                if cpu >= 10.0 or mem >= 5.0:
                    procs.append(f"{cols[11][:40]} (pid {cols[0]}): {cpu:.0f}% CPU, {mem:.0f}% mem")
        out["others"] = procs
    return out


def dataset(data: Path) -> dict[str, Any]:
    """Sizes and the last period of a generated folder (from the Parquet metadata)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    facts = pq.ParquetFile(data / "facts.parquet")
    first = last = None
    col = facts.schema_arrow.get_field_index("period")
    for g in range(facts.metadata.num_row_groups):
        stats = facts.metadata.row_group(g).column(col).statistics
        if stats is None or not stats.has_min_max:
            first = last = None
            break
        first = stats.min if first is None or stats.min < first else first
        last = stats.max if last is None or stats.max > last else last
    if first is None or last is None:
        periods = pq.read_table(data / "facts.parquet", columns=["period"]).column("period")
        first, last = pc.min(periods).as_py(), pc.max(periods).as_py()
    (y0, m0), (y1, m1) = (map(int, str(p).split("-")) for p in (first, last))
    entities = pq.ParquetFile(data / "entities.parquet").metadata.num_rows
    return {
        "data": str(data),
        "facts": facts.metadata.num_rows,
        "entity_rows": entities,
        "facts_mb": round((data / "facts.parquet").stat().st_size / 1e6, 1),
        "months": (y1 * 12 + m1) - (y0 * 12 + m0) + 1,
        "period": str(last),
    }


def _worker_command(args: argparse.Namespace, engine: str, result: Path, frames: Path | None) -> list[str]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--data", str(args.data)]
    cmd += ["--period", args.period, "--load", args.load, "--read", args.read, "--result", str(result)]
    cmd += ["--panels", args.panels, "--warm", str(args.warm), "--sql-cache", args.sql_cache, "--pivots", args.pivots]
    cmd += ["--duckdb-threads", str(args.duckdb_threads)]
    if frames is not None:
        cmd += ["--frames", str(frames)]
    if args.profile is not None and engine == "duckdb":
        cmd += ["--profile", str(args.profile)]
    return cmd


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    totals = [r["totals"]["total"] for r in runs]
    median = statistics.median_low(totals)
    return runs[totals.index(median)]


def _ratio(pandas_seconds: float | None, engine_seconds: float | None) -> float:
    """The speed-up: pandas time ÷ engine time (both known)."""
    assert pandas_seconds is not None and engine_seconds is not None
    return pandas_seconds / max(engine_seconds, 1e-9)


def markdown(report: dict[str, Any]) -> str:
    """The report as the Markdown of BENCHMARKS.md: one table, the goals, the verification."""
    ds = report["dataset"]
    runs: dict[str, dict[str, Any]] = report["runs"]
    engines = [e for e in ("duckdb", "pandas", "polars") if e in runs]
    panels = report.get("panels", "separate")
    head = {
        "duckdb": f"engine (Ibis/DuckDB, load={report['load']}, panels={panels}, "
        f"sql cache={report.get('sql_cache', 'off')}, pivots={report.get('pivots', 'off')})",
        "pandas": f"pandas (read={report['read']})",
        "polars": "polars",
    }
    refs = [e for e in ("pandas", "polars") if e in runs and "duckdb" in runs]  # speed-up: reference ÷ engine
    lines = [
        f"#### {ds['entity_rows']:,} entity rows × {ds['months']} months: {ds['facts']:,} facts, period {ds['period']}",
        "",
        "| step | "
        + " | ".join(f"{head[e]} wall | CPU" for e in engines)
        + "".join(f" | {r} ÷ engine, wall (CPU)" for r in refs)
        + " |",
        "|---|" + "---:|---:|" * len(engines) + "---:|" * len(refs),
    ]

    def get(e: str, step: str, cpu: bool) -> float | None:
        r = runs[e]
        if step in ("total", "compute", TOGETHER):
            return float(r["totals"][f"cpu_{step}" if cpu else step])
        got = r["cpu" if cpu else "seconds"].get(step)  # None: this panel was computed with the others
        return None if got is None else float(got)

    def cell(x: float | None) -> str:
        return "(in a + b + c)" if x is None else f"{x:,.2f} s"

    for step in (*STEPS, TOGETHER, "total", "compute"):
        cells = [f"{cell(get(e, step, False))} | {cell(get(e, step, True))}" for e in engines]
        label = f"**{LABELS[step]}**" if step == "total" else LABELS[step]
        row = f"| {label} | " + " | ".join(cells) + " |"
        for ref in refs:  # reference ÷ engine, wall (CPU); none for a panel the engine computed with the others
            w, c = ([get(e, step, cpu) for e in (ref, "duckdb")] for cpu in (False, True))
            row += " |" if None in (*w, *c) else f" {_ratio(*w):.2f} × ({_ratio(*c):.2f} ×) |"
        lines.append(row)
    cells = [f"{runs[e]['peak_rss_mb']:,.0f} MiB | " for e in engines]
    lines.append("| peak RSS | " + " | ".join(cells) + " |" * (len(refs) + 1))
    lines.append("")
    if "duckdb" in runs:
        r = runs["duckdb"]
        t, rss = r["totals"]["total"], r["peak_rss_mb"]
        lines.append(
            f"Engine: total {t:,.1f} s ({'under' if t < GOAL_SECONDS else 'over'} {GOAL_SECONDS:.0f} s), "
            f"without the load {r['totals']['compute']:,.1f} s; peak RSS {rss / 1024:,.2f} GiB "
            f"({'under' if rss < GOAL_RSS_MB else 'over'} {GOAL_RSS_MB / 1024:.0f} GiB)."
        )
    for ref in refs:
        sp = runs[ref]["totals"]["total"] / runs["duckdb"]["totals"]["total"]
        lines.append(
            f"Speed-up on the total over {ref}: {sp:.2f} × "
            f"(goal ≥ {GOAL_SPEEDUP:.0f} ×: {'met' if sp >= GOAL_SPEEDUP else 'not met'})."
        )
    if "duckdb" in runs and "columnar_s" in runs["duckdb"]["info"]:
        info = runs["duckdb"]["info"]
        lines.append(
            f"Engine panels before their frames were made (columnar results): {info['columnar_s']:,.2f} s; "
            f"queries compiled in the timed process: {info['sql_cache']['compiled']} "
            f"(read from the disk cache: {info['sql_cache']['from_disk']}); pivots in the timed round: "
            f"{info.get('pivots', {}).get('built', 0)} computed, {info.get('pivots', {}).get('reused', 0)} kept."
        )
    if report.get("verified") is not None:
        v = report["verified"]
        lines.append(
            "Verification: "
            + (
                "the engine (and polars) agree with pandas on every row of the three panels."
                if v
                else "**they differ** (see the problems)."
            )
        )
    lines.append(
        f"Machine load: before {report['busy_before']['loadavg']}, after {report['busy_after']['loadavg']} "
        f"(1/5/15-min load average); runs per engine: {report['repeat']}; "
        + (
            f"each timed run after {report['warm']} untimed round(s) of the whole job in the same process "
            + (
                "(libraries imported and set up; the engine's pivot of the facts kept from the first round, "
                "as a long-lived process keeps it; no other data or results kept between rounds)."
                if report.get("pivots", "off") == "kept"
                else "(libraries imported and set up; no data or results kept between rounds)."
            )
            if report.get("warm")
            else "each run in a fresh process (times include importing and setting up the libraries)."
        )
    )
    if "duckdb" in runs and "inner" in runs["duckdb"]["info"]:
        lines += ["", *profile_markdown(runs["duckdb"])]
    return "\n".join(lines) + "\n"


def profile_markdown(run: dict[str, Any]) -> list[str]:
    """Where each engine panel's time goes (profile mode): Python steps, then DuckDB's top operators."""
    inner: dict[str, dict[str, float]] = run["info"]["inner"]
    lines = [
        "Inner steps of each engine panel, wall seconds (CPU seconds of the process):",
        "",
        "| engine panel | Ibis expression building, Python | shared pivot table | memtables | compile to SQL "
        "| DuckDB execution | `_long` | total |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, steps in inner.items():
        row = []
        for prefix, total in (("", run["seconds"][name]), ("cpu ", run["cpu"][name])):
            t = {
                k[len(prefix) :]: v
                for k, v in steps.items()
                if k.startswith(prefix) and (prefix or not k.startswith("cpu "))
            }
            hooks = t.get("registering memtables", 0.0)
            comp = t.get("compiling to SQL", 0.0)
            fetch = t.get("to_pyarrow (all of it)", 0.0)
            long = t.get("python _long (rows to the long frame)", 0.0)
            pivot = t.get(CACHE_LABEL, 0.0)  # its own memtables are counted in both columns
            row.append([total - fetch - long - pivot, pivot, hooks, comp, fetch - hooks - comp, long, total])
        cells = [f"{w:,.2f} ({c:,.2f})" for w, c in zip(row[0], row[1], strict=True)]
        lines.append(f"| {LABELS[name]} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "DuckDB operators by time (profiled re-run of each panel's query; operator times summed over threads):",
        "",
    ]
    for name, prof in run["info"]["operators"].items():
        lines.append(f"- {LABELS[name]}: query {prof['latency']:,.2f} s")
        for op in prof["top"][:5]:
            lines.append(f"  - {op['operator']} {op['seconds']:,.2f} s, {op['rows']:,} rows: {op['detail'][:110]}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options; as the parent run the workers and report, as a worker run one engine."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a folder written by bench/generate.py")
    parser.add_argument(
        "--engine",
        choices=["duckdb", "pandas", "polars", "both", "all"],
        default="all",
        help="both: the engine and pandas; all: the engine, pandas and polars (each verified against pandas)",
    )
    parser.add_argument(
        "--sql-cache",
        choices=["kept", "fresh", "off"],
        default="kept",
        help="engine: compiled queries kept on disk for the whole benchmark (the first run compiles, later "
        "processes read them: a command line run again), in a new empty folder for every run (every cold "
        "run compiles), or not kept at all (Ibis compiles every query, in every round)",
    )
    parser.add_argument(
        "--pivots",
        choices=["kept", "off"],
        default="kept",
        help="engine: the facts' pivot kept between calls in the worker process under the facts file's version "
        "(computed in the first round, reused by the later ones: a long-lived process), or computed in every call",
    )
    parser.add_argument(
        "--duckdb-threads",
        type=int,
        default=0,
        help="engine: DuckDB's worker threads on the benchmark's connection (0: DuckDB's default, one per core)",
    )
    parser.add_argument("--period", help="YYYY-MM (default: the last period of the data)")
    parser.add_argument(
        "--load",
        choices=["table", "view", "typed"],
        default="typed",
        help="engine: convert to a table once, read the file lazily, or read the typed file lazily "
        "(facts.typed.parquet, written first if missing)",
    )
    parser.add_argument(
        "--panels",
        choices=["together", "separate"],
        default="together",
        help="engine: the three panels in one compute_panels call (the facts pivoted once), "
        "or one compute_panel call each (timed per panel)",
    )
    parser.add_argument(
        "--read",
        choices=["filtered", "all"],
        default="filtered",
        help="pandas: read only what the panel needs, or the whole file",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per engine; the run with the median total is reported"
    )
    parser.add_argument(
        "--warm",
        type=int,
        default=0,
        help="untimed rounds of the whole job in each worker before the timed one (0: a cold process, whose "
        "times include importing the libraries and their first-use set-up)",
    )
    parser.add_argument("--no-verify", action="store_true", help="skip comparing the two engines' results")
    parser.add_argument("--json", type=Path, help="write the full report (every run) as JSON")
    parser.add_argument("--markdown", type=Path, help="append the Markdown table to this file")
    parser.add_argument(
        "--profile", type=Path, help="engine: time its inner steps and write DuckDB operator profiles here"
    )
    parser.add_argument("--worker", choices=["duckdb", "pandas", "polars"], help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--frames", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:

        def job(frames: Path | None, profile: Path | None) -> Run:
            if args.worker == "duckdb":
                together = args.panels == "together"
                return run_duckdb(
                    args.data,
                    args.period,
                    mode=args.load,
                    frames=frames,
                    profile=profile,
                    together=together,
                    sql_cache=args.sql_cache != "off",
                    pivots=args.pivots == "kept",
                    threads=args.duckdb_threads,
                )[0]
            if args.worker == "polars":
                return run_polars(args.data, args.period, frames=frames)[0]
            return run_pandas(args.data, args.period, read=args.read, frames=frames)[0]

        for _ in range(args.warm):  # untimed rounds first: imports and first-use set-up, not the panel's work
            job(None, None)
        run = job(args.frames, args.profile)
        # the peak after the last timed step: pickling the frames and profiling come after it
        peak = max(run.rss_mb.values())  # getrusage's peak only grows: the value after the last step
        result = {
            "engine": run.engine,
            "seconds": run.seconds,
            "cpu": run.cpu,
            "totals": run.totals(),
            "rss_mb_after": run.rss_mb,
            "peak_rss_mb": peak,
            "info": run.info,
        }
        assert args.result is not None
        args.result.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        return 0

    ds = dataset(args.data)
    args.period = args.period or ds["period"]
    engines = {"both": ["duckdb", "pandas"], "all": ["duckdb", "pandas", "polars"]}.get(args.engine, [args.engine])
    if "duckdb" in engines and args.load == "typed" and not (args.data / "facts.typed.parquet").exists():
        # once per data set, like generating it: the facts as a store holds them (not timed)
        seconds = _generate_module().write_typed(args.data)
        ds["typed_conversion_s"] = round(seconds, 1)
        print(f"wrote {args.data / 'facts.typed.parquet'} in {seconds:,.1f} s (once, not timed)", file=sys.stderr)
    verify = args.engine in ("both", "all") and not args.no_verify
    report: dict[str, Any] = {
        "machine": machine(),
        "dataset": ds | {"period": args.period},
        "load": args.load,
        "panels": args.panels,
        "read": args.read,
        "repeat": args.repeat,
        "warm": args.warm,
        "sql_cache": args.sql_cache,
        "pivots": args.pivots,
        "duckdb_threads": args.duckdb_threads,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "busy_before": busy(),
        "all_runs": {e: [] for e in engines},
    }
    print(f"{ds['facts']:,} facts, {ds['entity_rows']:,} entity rows, period {args.period}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="guozi-bench-") as tmp:
        folder = Path(tmp)
        for k in range(args.repeat):
            for engine in engines:
                out = folder / f"{engine}-{k}.json"
                frames = folder / f"{engine}.pkl" if verify and k == 0 else None
                # where the engine keeps its compiled queries (GUOZI_CACHE_DIR): see --sql-cache
                cache_dir = {"kept": folder / "cache", "fresh": folder / f"cache-{k}", "off": ""}[args.sql_cache]
                env = {**os.environ, "GUOZI_CACHE_DIR": str(cache_dir)}
                started = time.perf_counter()
                done = subprocess.run(_worker_command(args, engine, out, frames), check=False, env=env)
                if done.returncode != 0:
                    print(f"the {engine} worker failed (exit {done.returncode})", file=sys.stderr)
                    return 1
                data = json.loads(out.read_text(encoding="utf-8"))
                data["wall_with_startup"] = time.perf_counter() - started
                report["all_runs"][engine].append(data)
                print(
                    f"{engine} run {k + 1}: total {data['totals']['total']:,.2f} s, peak RSS {data['peak_rss_mb']:,.0f} MiB",
                    file=sys.stderr,
                )
        if verify:
            pp = _pandas_panel()
            with (folder / "pandas.pkl").open("rb") as fh:
                ref = pickle.load(fh)
            problems: dict[str, list[str]] = {}
            for engine in (e for e in engines if e != "pandas"):  # the engine and polars, each against pandas
                with (folder / f"{engine}.pkl").open("rb") as fh:
                    got = pickle.load(fh)
                problems |= {f"{engine} {name}": pp.compare(got[name], ref[name]) for name in PANELS}
            report["problems"] = problems
            report["verified"] = not any(problems.values())
            for name, probs in problems.items():
                for line in probs:
                    print(f"{name}: {line}", file=sys.stderr)
    report["busy_after"] = busy()
    report["runs"] = {e: _median_run(rs) for e, rs in report["all_runs"].items()}
    text = markdown(report)
    print(text)
    if args.markdown is not None:
        with args.markdown.open("a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0 if report.get("verified", True) else 3


if __name__ == "__main__":
    sys.exit(main())
