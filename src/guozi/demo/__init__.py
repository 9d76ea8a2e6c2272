"""Demo and benchmark data: a generated enterprise group and public-company figures."""

from __future__ import annotations

from guozi.demo.generate import (
    ALL_ITEMS,
    BENCH_ITEMS,
    GroupData,
    GroupGenerator,
    generate_group,
    iter_fact_batches,
    write_group,
)

__all__ = [
    "ALL_ITEMS",
    "BENCH_ITEMS",
    "GroupData",
    "GroupGenerator",
    "generate_group",
    "iter_fact_batches",
    "write_group",
]
