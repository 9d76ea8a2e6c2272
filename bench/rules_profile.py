"""The validation rules' CPU seconds, rule by rule (issue 18): ``evaluate`` on a data folder's checked facts.

Reads ``entities.parquet`` and ``facts.parquet`` of ``DATA`` through the contract (timed apart),
then runs every enabled rule on the checked table against an empty store (the one of
``tests/ingest/emptystore.py``, which tests/ingest/test_rules.py uses too), and prints the CPU
seconds of the process (DuckDB's threads counted) for loading the input and for each rule, the
largest first, and how many problems each rule found. ``--src`` times another tree's sources
(a worktree of an earlier commit: before and after in one sitting).

    .venv/bin/python bench/rules_profile.py bench/data/s2k36i19 [--src /tmp/base/src]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--src", type=Path, help="guozi's sources to time (default: the installed ones)")
    args = parser.parse_args(argv)
    if args.src is not None:
        sys.path.insert(0, str(args.src))
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # the repository's root, for tests.ingest
    from tests.ingest.emptystore import empty_context  # the empty store test_rules.py runs the rules against

    from guozi.catalog import load_catalog
    from guozi.ingest.contract import read_batch
    from guozi.ingest.rules import evaluate, load_rules

    run_module = sys.modules["guozi.ingest.rules.run"]
    evaluate_module = sys.modules["guozi.ingest.rules.evaluate"]
    catalog = load_catalog()
    started, cpu = time.perf_counter(), time.process_time()
    batch = read_batch([args.data / "entities.parquet", args.data / "facts.parquet"], catalog)
    print(f"contract: {time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    seconds: dict[str, float] = {}

    def timed(name: Any, call: Any) -> Any:
        def inner(*a: Any) -> Any:
            t = time.process_time()
            try:
                return call(*a)
            finally:
                seconds[name(*a) if callable(name) else name] = time.process_time() - t

        return inner

    for kind, check in list(evaluate_module.CHECKS.items()):
        evaluate_module.CHECKS[kind] = timed(lambda run, rule: rule.id, check)
    run_module.Run.__init__ = timed("loading the input and the store", run_module.Run.__init__)

    ctx = empty_context(date.today(), batch.entities)
    started, cpu = time.perf_counter(), time.process_time()
    findings = evaluate(load_rules(catalog), catalog, batch.facts, ctx)
    print(f"rules: {time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    found = Counter(f.problem.rule for f in findings)
    for name, s in sorted(seconds.items(), key=lambda x: -x[1]):
        print(f"  {name:40s} {s:7.3f}  {found.get(name, '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
