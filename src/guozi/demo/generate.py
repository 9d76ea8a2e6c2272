"""Deterministic, vectorised generator of a fictional enterprise group (华夏实业集团).

:class:`GroupGenerator` draws the group from a seed: its tree (:mod:`.tree`), each entity's
parameters (:mod:`.parameters`) and its monthly figures, consolidated up the tree
(:mod:`.figures`); it writes them as the data contract's facts (:mod:`.facts`), entities and
targets (:mod:`.targets`). The columns, items and schemas are in :mod:`.columns`, the group's
industries, cities and brands in :mod:`.industries`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from guozi.demo.columns import ALL_ITEMS, BENCH_ITEMS, FACTS_SCHEMA
from guozi.demo.facts import fact_batches
from guozi.demo.figures import Figures
from guozi.demo.intercompany import intercompany_table
from guozi.demo.parameters import Parameters
from guozi.demo.targets import targets_table
from guozi.demo.tree import Tree

__all__ = [
    "ALL_ITEMS",
    "BENCH_ITEMS",
    "FACTS_SCHEMA",
    "GroupData",
    "GroupGenerator",
    "generate_group",
    "iter_fact_batches",
    "write_group",
]


@dataclass(frozen=True)
class GroupData:
    """The three tables of a generated group, with the data contract's columns."""

    entities: pa.Table
    facts: pa.Table
    targets: pa.Table
    intercompany: pa.Table | None = None  # the trade inside the group (contract §2b, see .intercompany)


def _parse_period(period: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"period must be YYYY-MM, got {period!r}")
    return int(match.group(1)), int(match.group(2))


class GroupGenerator:
    """One fictional group: its tree, its per-entity parameters and its monthly figures.

    Everything is drawn from ``seed``; the figures of a month depend only on the seed, the
    group's shape and the month, never on how the months are iterated.
    """

    def __init__(
        self,
        *,
        entities: int = 300,
        months: int = 36,
        end_period: str = "2025-12",
        seed: int = 20230717,
        unit_mix: bool = True,
        items: Sequence[str] | None = None,
    ) -> None:
        if entities < 1:
            raise ValueError("entities must be at least 1")
        if months < 1:
            raise ValueError("months must be at least 1")
        if isinstance(items, str):
            raise TypeError("items must be a sequence of item codes, not a string")
        chosen = ALL_ITEMS if items is None else tuple(dict.fromkeys(items))
        unknown = sorted(set(chosen) - set(ALL_ITEMS))
        if unknown:
            raise ValueError(f"unknown or unsupported item codes: {', '.join(unknown)}")
        self.n = entities
        self.seed = seed
        self.unit_mix = unit_mix
        self.items: tuple[str, ...] = tuple(i for i in ALL_ITEMS if i in chosen)
        end_year, end_month = _parse_period(end_period)
        end_index = end_year * 12 + end_month - 1
        ym = [divmod(end_index - months + 1 + t, 12) for t in range(months)]  # (year, month 0-11)
        self.periods: list[str] = [f"{y:04d}-{m + 1:02d}" for y, m in ym]
        data_years = sorted({y for y, _ in ym})
        self.years: list[int] = [data_years[0] - 1, *data_years]
        self.tree = Tree(entities, seed, unit_mix=unit_mix, periods=self.periods, years=self.years)
        self.params = Parameters(self.tree, seed, self.years)
        self.figures = Figures(self.tree, self.params, seed, ym, self.years)

    def entities_table(self) -> pa.Table:
        """The entities with the contract's columns; a transferred entity has two rows."""
        return self.tree.entities_table()

    def fact_batches(self, *, batch_rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """The facts as record batches of at most ``batch_rows`` rows, month by month."""
        return fact_batches(self.figures, self.items, batch_rows=batch_rows)

    def targets_table(self) -> pa.Table:
        """Targets of the last year for the top entity and the level-2 subsidiaries (see :func:`.targets.targets_table`)."""
        return targets_table(self.figures)


def iter_fact_batches(
    *,
    entities: int = 300,
    months: int = 36,
    end_period: str = "2025-12",
    seed: int = 20230717,
    unit_mix: bool = True,
    items: Sequence[str] | None = None,
    batch_rows: int = 1_000_000,
) -> Iterator[pa.RecordBatch]:
    """The facts of :func:`generate_group` as record batches, month by month."""
    generator = GroupGenerator(
        entities=entities,
        months=months,
        end_period=end_period,
        seed=seed,
        unit_mix=unit_mix,
        items=items,
    )
    return generator.fact_batches(batch_rows=batch_rows)


def generate_group(
    *,
    entities: int = 300,
    months: int = 36,
    end_period: str = "2025-12",
    seed: int = 20230717,
    unit_mix: bool = True,
    items: Sequence[str] | None = None,
) -> GroupData:
    """Generate the fictional group 华夏实业集团: entities, facts and targets.

    Args:
        entities: number of entities, the top one included.
        months: number of monthly periods, ending with ``end_period``.
        end_period: the last period, ``YYYY-MM``.
        seed: everything is drawn from it; the same seed gives identical tables.
        unit_mix: report some entities in 万元 and 千元 (otherwise all money in 元).
        items: the item codes to emit (default :data:`ALL_ITEMS`).

    Returns:
        The three tables; facts sorted by entity and period, items in the order of items.csv.
    """
    generator = GroupGenerator(
        entities=entities,
        months=months,
        end_period=end_period,
        seed=seed,
        unit_mix=unit_mix,
        items=items,
    )
    facts = pa.Table.from_batches(list(generator.fact_batches()), schema=FACTS_SCHEMA)
    facts = facts.sort_by([("entity_id", "ascending"), ("period", "ascending")])
    entities_table = generator.entities_table()
    return GroupData(
        entities=entities_table,
        facts=facts,
        targets=generator.targets_table(),
        intercompany=intercompany_table(entities_table, facts, generator.periods, seed),
    )


def write_group(data: GroupData, out_dir: Path, *, fmt: Literal["csv", "parquet"] = "csv") -> None:
    """Write ``entities``, ``facts``, ``targets`` (and ``intercompany``) as UTF-8 CSV (with header) or Parquet."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {"entities": data.entities, "facts": data.facts, "targets": data.targets}
    if data.intercompany is not None:
        tables["intercompany"] = data.intercompany
    for name, table in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        elif fmt == "csv":
            table.to_pandas().to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        else:
            raise ValueError(f"unknown format {fmt!r}")
