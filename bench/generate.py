"""Write a generated benchmark group as Parquet: entities, facts (batch by batch) and targets.

With ``--typed`` (or ``--typed-only`` for a folder written before) the facts are also written
as ``facts.typed.parquet``: ``period`` an integer ``YYYYMM``, ``value`` the store's ``decimal(22, 4)``
(:data:`~guozi.kernel.units.VALUE_TYPE`), in the
same order (month by month, so each row group holds one or two months and a reader can skip
the others by their statistics): the facts as a store holds them, for ``bench/panel.py --load typed``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from guozi.demo.generate import BENCH_ITEMS, FACTS_SCHEMA, GroupGenerator
from guozi.kernel.units import VALUE_TYPE

TYPED = "facts.typed.parquet"


def write_typed(folder: Path) -> float:
    """Write ``folder/facts.typed.parquet`` from ``folder/facts.parquet``; the seconds it took."""
    import duckdb

    started = time.perf_counter()
    src, dst = folder / "facts.parquet", folder / TYPED
    tmp = dst.with_suffix(".tmp")
    con = duckdb.connect()
    try:
        con.execute(
            "COPY (SELECT entity_id, CAST(replace(period, '-', '') AS INTEGER) AS period, item, "
            # through decimal(18, 4): DuckDB reads text into decimal(22, 4) (an int128) a hundred times slower
            f"CAST(CAST(value AS DECIMAL(18, 4)) AS {VALUE_TYPE}) AS value FROM read_parquet(?)) TO '"
            + str(tmp).replace("'", "''")
            + "' (FORMAT parquet, COMPRESSION zstd)",
            [str(src)],
        )
    finally:
        con.close()
    tmp.replace(dst)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Parse the options, generate the group and write it; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--end-period", default="2025-12")
    parser.add_argument("--seed", type=int, default=20230717)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--items", default="", help="comma-separated item codes (default: the benchmark's BENCH_ITEMS)")
    parser.add_argument("--typed", action="store_true", help="also write facts.typed.parquet")
    parser.add_argument("--typed-only", action="store_true", help="only write facts.typed.parquet from facts.parquet")
    args = parser.parse_args(argv)
    if args.typed_only:
        seconds = write_typed(args.out)
        print(f"{args.out / TYPED} in {seconds:,.1f} s", file=sys.stderr)
        return 0

    started = time.perf_counter()
    generator = GroupGenerator(
        entities=args.entities,
        months=args.months,
        end_period=args.end_period,
        seed=args.seed,
        unit_mix=False,
        items=[i.strip() for i in args.items.split(",") if i.strip()] or BENCH_ITEMS,
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
    if args.typed:
        write_typed(out)
    elapsed = time.perf_counter() - started
    print(
        f"\n{args.entities:,} entities × {total} months: {rows:,} facts in {elapsed:,.1f} s -> {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
