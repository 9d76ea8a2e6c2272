"""``guozi indicators --data DIR`` against a plain pandas script, whole processes, in one run (issue 18).

Times, each in a fresh process under ``/usr/bin/time -v`` (wall and CPU seconds, peak RSS):

1. **--data, first run**: ``guozi indicators --data DIR --period P --format csv --output F`` with
   an empty check cache (``GUOZI_CACHE_DIR`` a new folder): the entities and the facts rows the
   panel reads are checked in place, then the panel computed on the files;
2. **--data, repeat**: the same command on the same files: the clean check is remembered;
3. **pandas**: the same panel by ``bench/pandas_panel.py`` (read the needed items and months,
   parse, pivot, tree, panel, csv), as ``bench/import_scale.py`` runs it.

Each step runs ``--rounds`` times in turn (first, repeat, pandas, first, …) so that the load of a
shared machine falls alike on all three; the table gives each round and the medians, the ratios
to pandas taken within the same round. The two panels are compared value by value (``compare``).

guozi's sources (and the pandas script's module) are byte-compiled first, where they lie, as an
installed package comes; ``--source-only`` times them compiled from source in every run, as a
shell with ``PYTHONDONTWRITEBYTECODE=1`` does.
``--targets`` links the folder's targets file beside the entities and facts.

    .venv/bin/python bench/data_speed.py --data bench/data/g20k36 --work /tmp/h3/speed --rounds 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd

import pandas_panel as pp
from import_scale import GUOZI, PANDAS_PANEL, PYTHON, ROOT, load_average, timed


def _round(data: Path, work: Path, period: str, k: int, src: Path) -> dict[str, dict[str, Any]]:
    cache = work / f"cache-{k}"
    shutil.rmtree(cache, ignore_errors=True)
    env = {"GUOZI_CACHE_DIR": str(cache), "PYTHONPATH": str(src)}
    out = work / "panel.csv"
    cmd = [*GUOZI, "indicators", "--data", str(data), "--period", period, "--format", "csv", "--output", str(out)]
    steps = {
        "--data, first run": timed(cmd, env=env),
        "--data, repeat": timed(cmd, env=env),
        "pandas": timed([PYTHON, "-c", PANDAS_PANEL, str(ROOT / "bench"), str(data), period, str(work / "pd.csv")]),
    }
    for s in steps.values():
        s["load"] = load_average()
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a folder of entities.parquet and facts.parquet")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--period", default="2025-12")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="guozi's sources to time (a worktree's: before)")
    parser.add_argument(
        "--source-only",
        action="store_true",
        help="do not byte-compile the sources first (with PYTHONDONTWRITEBYTECODE set, each run compiles them)",
    )
    parser.add_argument(
        "--targets", action="store_true", help="link the folder's targets.parquet too (checked whole beside the facts)"
    )
    args = parser.parse_args(argv)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "data"  # the entities and facts alone, or with the targets (a bench folder may hold more files)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name in ("entities.parquet", "facts.parquet", *(("targets.parquet",) if args.targets else ())):
        (folder / name).symlink_to((args.data / name).resolve())
    if not args.source_only:
        _byte_compiled(args.src)
    rounds = [_round(folder, work, args.period, k, args.src) for k in range(args.rounds)]
    ours = pd.read_csv(work / "panel.csv", dtype={"entity_id": str})
    theirs = pd.read_csv(work / "pd.csv", dtype={"entity_id": str})
    rows = ["| round | step | wall s | CPU s | peak RSS MiB | ÷ pandas wall | ÷ pandas CPU | load (1/5/15 min) |"]
    rows.append("|---|---|---:|---:|---:|---:|---:|---|")
    for k, steps in enumerate(rounds, 1):
        base = steps["pandas"]
        for name, s in steps.items():
            rows.append(
                f"| {k} | {name} | {s['seconds']:.2f} | {s['cpu_seconds']:.2f} | {s['peak_mib']} | "
                f"{s['seconds'] / base['seconds']:.2f} × | {s['cpu_seconds'] / base['cpu_seconds']:.2f} × | {s['load']} |"
            )
    for name in rounds[0]:
        wall = statistics.median(r[name]["seconds"] / r["pandas"]["seconds"] for r in rounds)
        cpu = statistics.median(r[name]["cpu_seconds"] / r["pandas"]["cpu_seconds"] for r in rounds)
        rows.append(f"| median | {name} | | | | {wall:.2f} × | {cpu:.2f} × | |")
    print("\n".join(rows))
    print(
        f"\n{len(ours)} rows from guozi, {len(theirs)} from pandas; exits {[s['exit'] for r in rounds for s in r.values()]}"
    )
    print(f"differences (guozi vs pandas): {_differences(ours, theirs)}")
    if args.json is not None:
        args.json.write_text(json.dumps(rounds, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


def _byte_compiled(src: Path) -> None:
    """Byte-compile guozi's sources and the pandas script's module where they lie (``__pycache__``
    beside them, as pip compiles an installed package; use a worktree as ``--src`` to leave the
    working tree's folders alone).

    Without it, a shell with ``PYTHONDONTWRITEBYTECODE=1`` (as the development containers have)
    compiles every guozi module from source in every run: ≈ 0.25 s of CPU that no installed
    guozi spends. (``PYTHONPYCACHEPREFIX`` would not do: the installed libraries' own
    ``__pycache__`` would then be passed over and they too compiled in every run.)
    """
    for where in (src, ROOT / "bench" / "pandas_panel.py"):
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(where)], check=True, stdout=subprocess.DEVNULL)


def _differences(ours: pd.DataFrame, theirs: pd.DataFrame) -> list[str] | str:
    """What :func:`pandas_panel.compare` finds between the two csv panels (or why they cannot be compared)."""
    ours = ours.rename(columns=lambda c: str(c).lstrip("\ufeff")).rename(columns={"note": "note_zh"})
    ours, theirs = (f.astype({"note_zh": object}).fillna({"note_zh": ""}) for f in (ours, theirs))  # NaN: empty
    ours, theirs = (f.astype(object).where(f.notna(), None) for f in (ours, theirs))  # empty: None, as compare has it
    try:
        return pp.compare(ours, theirs)
    except (KeyError, ValueError, TypeError) as exc:
        return f"not compared: {exc!r}"


if __name__ == "__main__":
    sys.exit(main())
