"""Write a generated benchmark group as Parquet: entities, facts (batch by batch) and targets."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from guozi.demo.generate import BENCH_ITEMS, FACTS_SCHEMA, GroupGenerator


def main(argv: list[str] | None = None) -> int:
    """Parse the options, generate the group and write it; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--end-period", default="2025-12")
    parser.add_argument("--seed", type=int, default=20230717)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    generator = GroupGenerator(
        entities=args.entities,
        months=args.months,
        end_period=args.end_period,
        seed=args.seed,
        unit_mix=False,
        items=BENCH_ITEMS,
    )
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(generator.entities_table(), out / "entities.parquet")
    rows = 0
    total = len(generator.periods)
    with pq.ParquetWriter(out / "facts.parquet", FACTS_SCHEMA, compression="zstd") as writer:
        for batch in generator.fact_batches():
            writer.write_batch(batch)
            rows += batch.num_rows
            period = batch.column(1)[0].as_py() if batch.num_rows else "-"
            done = generator.periods.index(period) + 1 if batch.num_rows else 0
            elapsed = time.perf_counter() - started
            print(
                f"\r{period}  {done}/{total} months  {rows:,} facts  {elapsed:,.1f} s",
                end="",
                file=sys.stderr,
                flush=True,
            )
    pq.write_table(generator.targets_table(), out / "targets.parquet")
    elapsed = time.perf_counter() - started
    print(
        f"\n{args.entities:,} entities × {total} months: {rows:,} facts in {elapsed:,.1f} s -> {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
