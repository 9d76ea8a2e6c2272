"""The web app's warm-up: every workspace call behind the first overview of a period, timed one by one.

The overview page of ``guozi serve`` (``guozi.web.pages._overview`` over ``guozi.web.data.WebData``)
needs, for the latest period and the chosen top entity: every entity's panel (``reported``, and
``children`` sums for the drill-down), the targets of the top entity, its regime verdict, the
warnings and the loss-makers of its subtree, and a twelve-month trend of the regime's indicators.
This script opens a fresh workspace and makes those calls in the web app's order, each timed
(wall and CPU seconds, peak resident memory during the call), and prints a Markdown table. The
calls share one workspace, as in the web app, so a call may profit from an earlier one.

    flock /tmp/bench.lock .venv/bin/python bench/web_warmup.py --store duckdb:////tmp/warm100k/store.duckdb

``--web`` times instead the web application's own warm-up in one piece (``WebData.warm``: the
calls above, plus the records the pages are made of), as ``guozi serve`` runs it at start.

``--profile DIR`` runs each call under cProfile and writes ``DIR/<call>.prof`` and the top of its
cumulative listing to ``DIR/<call>.txt``. ``--save FILE`` writes every call's result in a canonical
form (pickled), ``--compare FILE`` checks the results against such a file (exit status 3 when they
differ): the check that a speed-up left the results exactly unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pickle
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from guozi.analyses.warnings.results import RiskWarning, warning_fields

CALLS = ("open", "tree", "reported", "children", "targets", "verdict", "warnings", "losses", "trend", "eva")
DEFAULT_CALLS = CALLS[:-1]  # the overview's calls; EVA (its own page) on request
TREND_MONTHS = 12  # as guozi.web.data.TREND_MONTHS


def canonical(value: Any) -> Any:
    """``value`` as nested tuples of text: equal exactly when the results are equal (NaN equals NaN, order counts)."""
    if isinstance(value, pd.DataFrame):
        return ("frame", tuple(map(str, value.columns)), tuple(tuple(map(repr, r)) for r in value.itertuples(False)))
    if isinstance(value, RiskWarning):  # its sentences as shown, not their templates and figures
        return canonical(warning_fields(value))
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, canonical(getattr(value, f.name))) for f in fields(value)))
    if isinstance(value, Sequence) and not isinstance(value, str):  # a tuple, a list, the warnings' Findings
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return tuple((repr(k), canonical(v)) for k, v in value.items())
    return repr(value)


def rss_reset() -> None:
    """Reset the process's peak resident set (Linux: ``clear_refs`` 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def rss_peak_mb() -> float:
    """The process's peak resident set since the last reset, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def web_warm_up(store: str) -> int:
    """Open the store and run the web application's warm-up, as ``guozi serve`` does at start; print its time."""
    import logging

    from guozi.web.data import WebData
    from guozi.workspace import Workspace

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    load_before = os.getloadavg()[0]
    rss_reset()
    w0, c0 = time.perf_counter(), time.process_time()
    ws = Workspace.open(store)
    WebData(ws).warm()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"store `{store}`: the web's warm-up (store opened, then WebData.warm) {wall:.2f} s wall, {cpu:.2f} s CPU,")
    print(
        f"peak RSS {rss_peak_mb():,.0f} MB; load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    ws.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True, help="store URL, e.g. duckdb:////tmp/warm100k/store.duckdb")
    ap.add_argument("--period", help="YYYY-MM (default: the latest holding facts)")
    ap.add_argument("--entity", help="top entity (default: the root with the largest subtree)")
    ap.add_argument("--calls", default=",".join(DEFAULT_CALLS), help=f"comma-separated, of {', '.join(CALLS)}")
    ap.add_argument("--profile", type=Path, help="directory for a cProfile of each call")
    ap.add_argument("--save", type=Path, help="write the results (canonical form) to this file")
    ap.add_argument("--compare", type=Path, help="compare the results with a file written by --save")
    ap.add_argument(
        "--web",
        action="store_true",
        help="time the web application's own warm-up (guozi.web.data.WebData.warm: the calls above and the "
        "pages' records made of them) in one piece instead",
    )
    args = ap.parse_args(argv)
    if args.web:
        return web_warm_up(args.store)

    from guozi.kernel.periods import Period
    from guozi.workspace import Workspace

    wanted = [c.strip() for c in args.calls.split(",") if c.strip()]
    unknown = sorted(set(wanted) - set(CALLS))
    if unknown:
        ap.error(f"unknown calls: {', '.join(unknown)}")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)

    state: dict[str, Any] = {}

    def open_ws() -> Any:
        state["ws"] = Workspace.open(args.store)
        return None

    def ws() -> Any:
        return state["ws"]

    def top_and_period() -> tuple[str, Any]:
        if "period" not in state:
            state["period"] = Period.parse(args.period) if args.period else ws().latest_period()
        if "top" not in state:
            if args.entity:
                state["top"] = args.entity
            else:
                tree, p = ws().tree(), state["period"]
                at = tree.at(p)
                roots = sorted({str(e) for e, q in zip(at.entity_id, at.parent_id, strict=True) if not q})
                state["top"] = max(roots, key=lambda r: (len(tree.subtree(r, p)), r))
        return state["top"], state["period"]

    def trend() -> Any:
        top, p = top_and_period()
        return ws().trend(p, top, months=TREND_MONTHS)

    def warnings() -> Any:
        r = ws().warnings(top_and_period()[1], entity=top_and_period()[0], subtree=True)
        return (r.warnings, r.gaps)

    def losses() -> Any:
        r = ws().loss_makers(top_and_period()[1], entity=top_and_period()[0])
        return (r.groups, r.entities, r.missing)

    def eva() -> Any:
        return ws().eva(top_and_period()[1], entity=top_and_period()[0], subtree=True)

    actions: dict[str, Callable[[], Any]] = {
        "open": open_ws,
        "tree": lambda: (ws().tree(), top_and_period())[1],
        "reported": lambda: ws().indicators(top_and_period()[1], view="reported").frame,
        "children": lambda: ws().indicators(top_and_period()[1], view="children").frame,
        "targets": lambda: ws().evaluate_targets(top_and_period()[1], entity=top_and_period()[0], subtree=False).frame,
        "verdict": lambda: ws().regime_verdict(top_and_period()[1], entity=top_and_period()[0]),
        "warnings": warnings,
        "losses": losses,
        "trend": trend,
        "eva": eva,
    }

    rows: list[tuple[str, float, float, float, str]] = []
    results: dict[str, Any] = {}
    load_before = os.getloadavg()[0]
    for name in ["open", *(c for c in wanted if c != "open")]:
        rss_reset()
        prof = cProfile.Profile() if args.profile else None
        w0, c0 = time.perf_counter(), time.process_time()
        if prof is not None:
            prof.enable()
        out = actions[name]()
        if prof is not None:
            prof.disable()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        size = f"{len(out):,} rows" if isinstance(out, pd.DataFrame) else ""
        rows.append((name, wall, cpu, rss_peak_mb(), size))
        print(f"{name}: {wall:.2f} s", file=sys.stderr, flush=True)
        if prof is not None:
            prof.dump_stats(str(args.profile / f"{name}.prof"))
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(40)
            (args.profile / f"{name}.txt").write_text(text.getvalue())
        if name not in ("open", "tree") and (args.save or args.compare):
            results[name] = canonical(out)
    load_after = os.getloadavg()[0]

    top, period = top_and_period()
    nodes = len(ws().tree().subtree(top, period))
    print(f"store `{args.store}`, period {period}, top entity {top} ({nodes:,} entities in its subtree)")
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after\n")
    print("| call | wall s | CPU s | peak RSS MB | result |")
    print("|---|---:|---:|---:|---|")
    for name, wall, cpu, rss, size in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:,.0f} | {size} |")
    total_w, total_c = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"| **total** | **{total_w:.2f}** | **{total_c:.2f}** | {max(r[3] for r in rows):,.0f} | |")

    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    if args.compare:
        before = pickle.loads(args.compare.read_bytes())
        differ = [k for k in results if k in before and before[k] != results[k]]
        same = [k for k in results if k in before and k not in differ]
        print(
            f"\nresults compared with {args.compare}: same {', '.join(same) or '-'}; differ {', '.join(differ) or '-'}"
        )
        if differ:
            return 3
    ws().close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
