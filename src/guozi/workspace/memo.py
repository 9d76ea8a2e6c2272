"""What a workspace keeps between calls, and how it reads a panel: the memo, the paused collector.

:class:`Memo` holds the tree and the panels of one state of the store; :func:`read_panel` computes
a panel over the facts its scope needs (the members' alone where the scope names them);
:func:`paused_gc` runs a heavy computation without the cyclic garbage collector.
"""

from __future__ import annotations

import gc
import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager

import ibis
import ibis.expr.types as ir
import pandas as pd

from guozi.catalog import Catalog
from guozi.engine.panel import Basis, Panel, Scope, compute_panel
from guozi.engine.panel.pivots import PIVOTS, DataVersion
from guozi.kernel.periods import Period
from guozi.store import Store
from guozi.tree import Tree, build_tree

MEMO_PANELS = 8  # panels a workspace keeps for repeated calls (the least recently used go first) …
MEMO_ROWS = 5_000_000  # … and at most this many rows of them in all
FILTER_IDS = 2000  # up to this many members, a limited panel's facts are filtered by a list, beyond by a join


class Memo:
    """What a workspace keeps between calls, valid for one state of its store.

    The state is the store's :meth:`~guozi.store.base.Store.version` (the last submission and
    review step: every import and review step changes it, by any process) with its ``writes``
    count (changes made through this store object). The tree is dropped when ``writes`` moves
    (a look at an attribute, safe from any thread); the panels are keyed by the version read at
    the start of each :meth:`Workspace.indicators` call, so a panel of another state is never
    returned, and are all dropped when it moves. Its own lock guards it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.writes: int | None = None  # the store's ``writes`` when the tree was built
        self.tree: Tree | None = None
        self.state: Hashable = None  # the store's version when the panels were computed
        self.panels: OrderedDict[Hashable, tuple[Catalog, Panel]] = OrderedDict()  # with the catalogue used
        # this workspace's store, for the engine's kept pivots: another workspace, even over the same file, keeps its own
        self.source = f"workspace {uuid.uuid4().hex}"

    def clear(self) -> None:
        with self.lock:
            self.tree, self.writes, self.state = None, None, None
            self.panels.clear()
        PIVOTS.forget(self.source)  # the engine's pivots of this store's facts go with its panels

    def tree_of(self, store: Store) -> Tree:
        """The store's tree, built again when ``store`` wrote since it was kept."""
        writes = store.writes
        with self.lock:
            tree = self.tree if self.writes == writes else None
        if tree is None:
            with paused_gc():
                tree = build_tree(store.entities())
            with self.lock:
                self.tree, self.writes = tree, writes
        return tree

    def state_of(self, store: Store) -> Hashable:
        """The store's state now (its version and this process's writes); drops what was kept for another."""
        state = (store.version(), store.writes)
        with self.lock:
            if self.state != state:
                self.panels.clear()
                gc.unfreeze()  # what paused_gc set aside may be garbage now: the collector sees it again
                if self.state is not None:  # a change since the last look (the first look keeps a tree just built)
                    self.tree, self.writes = None, None
                self.state = state
        return state

    def version(self, state: Hashable) -> DataVersion:
        """The facts of this workspace's store in ``state`` (:meth:`state_of`), under which the engine
        keeps its pivots (:mod:`guozi.engine.panel.pivots`): a pivot of another store or state is never reused."""
        return DataVersion(self.source, state)

    def kept(self, key: Hashable, catalog: Catalog) -> Panel | None:
        """The panel kept under ``key`` for ``catalog`` (now the most recently used), or ``None``."""
        with self.lock:
            kept = self.panels.get(key)
            panel = kept[1] if kept is not None and kept[0] is catalog else None
            if panel is not None:
                self.panels.move_to_end(key)
        return panel

    def keep(self, state: Hashable, key: Hashable, catalog: Catalog, panel: Panel) -> None:
        """Keep ``panel`` if the store is still in ``state``, dropping the least recently used beyond the limits."""
        with self.lock:
            if self.state == state:
                self.panels[key] = (catalog, panel)
                while len(self.panels) > MEMO_PANELS or (
                    len(self.panels) > 1 and sum(_rows(p) for _, p in self.panels.values()) > MEMO_ROWS
                ):
                    self.panels.popitem(last=False)


def read_panel(
    facts: ir.Table,
    tree: Tree,
    catalog: Catalog,
    *,
    periods: Sequence[Period],
    codes: Sequence[str],
    scope: Scope,
    basis: Basis,
    prior: bool,
    among: frozenset[str] | None,
    version: DataVersion | None = None,
) -> Panel:
    """The panel of ``scope``, reading only the facts of the entities it may need.

    ``among`` (``reported`` view only): the entities whose rows are wanted; with
    ``scope.entity``, that entity's alone. ``version``: what the facts are, for the engine to keep
    their pivot when the panel reads them all (a panel of a few members' facts pivots its own).
    """
    if scope.view == "reported" and (among is not None or scope.entity is not None):
        if scope.entity is not None:
            among = frozenset([scope.entity]) if among is None else among & {scope.entity}
        assert among is not None
        tree = _pruned(tree, among)  # the other entities' rows are not wanted
    members = _member_ids(tree, scope, among)
    if members is not None:
        version = None
    if members is not None and len(members) <= FILTER_IDS:  # read only the members' facts
        facts = facts.filter(facts.entity_id.isin(members))
    elif members is not None:
        wanted = ibis.memtable(pd.DataFrame({"entity_id": pd.Series(members, dtype=object)}))
        facts = facts.semi_join(wanted, facts.entity_id == wanted.entity_id)
    with paused_gc():
        return compute_panel(
            facts,
            tree,
            catalog,
            periods=periods,
            indicators=codes,
            scope=scope,
            basis=basis,
            prior=prior,
            version=version,
        )


def _rows(panel: Panel) -> int:
    """The rows of ``panel``'s frame, counted without making a frame not made yet (one row per
    indicator of each row of its columnar result)."""
    columns = panel.columns
    return len(panel.frame) if columns is None else columns.num_rows * len(panel.indicators)


class _GcPause:
    """How many calls are inside :func:`paused_gc` now (in any thread), and the collector's state before."""

    lock = threading.Lock()
    depth = 0
    was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without the cyclic garbage collector (reference counting still frees memory).

    A panel of a large group is millions of small objects (Decimals, tuples, strings) kept alive
    together; every few thousand allocations the collector would walk all of them again, which
    took half the time of a warm-up. Nothing here forms reference cycles. Nested and concurrent
    pauses are counted: the collector is enabled again when the last one ends (if it was before).
    """
    with _GcPause.lock:
        if _GcPause.depth == 0:
            _GcPause.was_enabled = gc.isenabled()
            gc.disable()
        _GcPause.depth += 1
    try:
        yield
    finally:
        with _GcPause.lock:
            _GcPause.depth -= 1
            if _GcPause.depth == 0 and _GcPause.was_enabled:
                # Left as they are, the block's millions of new objects would make the first
                # collection after it a full one over everything alive. The young generations are
                # collected now, and what is still alive (kept panels) set aside from later
                # collections (reference counting still frees it); Memo.state_of lets it back
                # when the store changes and the panels are dropped.
                gc.collect(1)
                gc.freeze()
                gc.enable()


def _pruned(tree: Tree, ids: frozenset[str]) -> Tree:
    """The tree's rows of ``ids`` alone: a ``reported`` panel over it has exactly their rows."""
    n, c = tree.nodes, tree.closure
    return Tree(
        nodes=n[n.entity_id.isin(ids)].reset_index(drop=True),
        closure=c[c.entity_id.isin(ids) & c.ancestor_id.isin(ids)].reset_index(drop=True),
    )


def _member_ids(tree: Tree, scope: Scope, among: frozenset[str] | None) -> list[str] | None:
    """Every entity whose facts ``scope``'s panel may read; ``None``: any.

    ``reported``: the entity itself, or ``among``; ``children``: whoever was ever the entity's
    direct subsidiary; ``leaves``: whoever was ever below it (in any period: the engine itself
    keeps the panel's periods and their prior years).
    """
    ids: list[str] | None = None
    if scope.view == "reported" and among is not None:
        ids = sorted(among)
    elif scope.entity is not None and scope.view in ("children", "leaves"):
        c = tree.closure
        below = c[(c.ancestor_id == scope.entity) & (c.depth == 1 if scope.view == "children" else c.depth >= 1)]
        ids = sorted(set(below.entity_id))
    return ids
