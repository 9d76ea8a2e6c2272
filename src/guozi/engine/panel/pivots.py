"""The facts kept pivoted between calls: steps 1–2 of a panel held as Arrow in a long-lived process.

A panel's steps 1–2 (the needed facts pivoted to one row per entity and target period, the
quantities formed) do not depend on the scope, and in a long-lived process (the web's server, a
notebook) the same pivot is asked for again and again while the store does not change. The
pandas and polars references keep their pivoted frame the same way.

A pivot is kept under the caller's :class:`DataVersion` (which store, and its state: the
version every import and review step moves, the same the workspace's panels are kept by), the
facts' own SQL (which rows of the store are read), and the key of the compiled pivot query
(:func:`~guozi.engine.sqlcache.make_key`: the engine's code, the catalogue's digest, the
periods, items, roles, basis and indicators). When a store's state moves, every pivot kept for
its earlier states is dropped: a store change is never answered from a kept pivot.

Kept as an Arrow table wrapped as an in-memory table (``ibis.memtable``), it survives the
connection it was computed on (the embedded store opens one per unit of work): a later call
registers it on its own connection (DuckDB scans the Arrow buffers in place). Only on DuckDB:
PostgreSQL would copy it back row by row (slower than pivoting again in the database), and Spark
keeps Ibis's own path.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pyarrow as pa

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

PIVOT_ENTRIES = 16  # pivots kept at most …
# … and at most this many bytes of Arrow buffers in all (the regime's pivot of one period and its
# prior year: about 4 MiB at 10 000 entities, 40 MiB at 100 000)
PIVOT_BYTES = 256 * 1024 * 1024
KEEPS_ARROW = ("duckdb",)  # the backends that scan a kept Arrow pivot in place


@dataclass(frozen=True)
class DataVersion:
    """What the facts a panel reads are: ``source`` names the store (its URL), ``state`` is its
    version now (it must move with every change of the facts, by any process)."""

    source: str
    state: Hashable


@dataclass(frozen=True)
class PivotShape:
    """What a pivot holds: its ``family`` (the dialect, the facts' SQL, the basis, the catalogue and
    the engine's code: what gives a column its meaning), its target periods and its columns.

    A pivot of the same family whose targets and columns (name and type) include another's
    answers it: a scope's query reads its columns by name and its targets by a join, and a row
    for an entity without any of the other's facts gives it only empty values, as no row does.
    """

    family: Hashable
    targets: frozenset[int]
    columns: frozenset[tuple[str, str]]

    def within(self, other: PivotShape) -> bool:
        """Whether a pivot of ``other``'s shape holds everything of this one."""
        return self.family == other.family and self.targets <= other.targets and self.columns <= other.columns


@dataclass(frozen=True)
class _Kept:
    state: Hashable
    table: ir.Table  # an in-memory table over the Arrow pivot
    nbytes: int


def keeps_arrow(con: BaseBackend) -> bool:
    """Whether a pivot is kept as Arrow on ``con``'s backend (:data:`KEEPS_ARROW`)."""
    return str(con.name) in KEEPS_ARROW


class PivotCache:
    """Pivots by (source, state, shape): the most recently used :data:`PIVOT_ENTRIES`, within :data:`PIVOT_BYTES`.

    A pivot whose shape includes the one asked for answers it (:meth:`PivotShape.within`). A
    pivot of a source's earlier state is dropped as soon as a later state of that source is asked for.
    """

    def __init__(self, *, entries: int = PIVOT_ENTRIES, max_bytes: int = PIVOT_BYTES) -> None:
        self._kept: OrderedDict[tuple[str, PivotShape], _Kept] = OrderedDict()
        self._states: dict[str, Hashable] = {}
        self._entries = entries
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self.built = 0  # pivots computed (misses)
        self.reused = 0  # pivots answered from the cache (hits)

    def get(self, version: DataVersion, shape: PivotShape, build: Callable[[], pa.Table]) -> ir.Table:
        """The pivot of ``shape`` over the facts of ``version``: the smallest kept one that holds it,
        else ``build()`` and kept."""
        key = (version.source, shape)
        with self._lock:
            self._forget_older(version)
            holding = [k for k in self._kept if k[0] == version.source and shape.within(k[1])]
            if holding:
                found = min(holding, key=lambda k: self._kept[k].nbytes)
                self._kept.move_to_end(found)
                self.reused += 1
                return self._kept[found].table
        table = build()
        kept = _Kept(version.state, ibis.memtable(table), table.nbytes)
        with self._lock:
            self.built += 1
            if self._states.get(version.source) == version.state:  # not moved on meanwhile
                self._kept[key] = kept
                self._kept.move_to_end(key)
                self._trim()
        return kept.table

    def _forget_older(self, version: DataVersion) -> None:
        """Drop the pivots of ``version.source`` kept for another state (under the lock).

        A call that read an earlier state after a later one was seen (a slow request) drops the
        later state's pivots too: at worst a pivot computed again, never one of another state.
        """
        if self._states.get(version.source) != version.state:
            for key in [k for k, v in self._kept.items() if k[0] == version.source and v.state != version.state]:
                del self._kept[key]
            self._states[version.source] = version.state

    def _trim(self) -> None:
        while len(self._kept) > self._entries or (
            len(self._kept) > 1 and sum(v.nbytes for v in self._kept.values()) > self._max_bytes
        ):
            self._kept.popitem(last=False)

    def forget(self, source: str) -> None:
        """Drop every pivot kept for ``source`` (its store changed or closed)."""
        with self._lock:
            for key in [k for k in self._kept if k[0] == source]:
                del self._kept[key]
            self._states.pop(source, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def clear(self) -> None:
        """Forget every kept pivot."""
        with self._lock:
            self._kept.clear()
            self._states.clear()


PIVOTS = PivotCache()  # the process's pivots, used by compute_panels when the caller gives a DataVersion
