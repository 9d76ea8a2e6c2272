"""Step 3 of a panel: the members of each group, found by joins over the tree's tables.

The tree's tables (``nodes``, with an entity column as group labels, and ``closure``) are turned
into Arrow once per tree and kept beside it (while the tree lives), so that a long-lived process
asking for many panels of the same tree converts and registers them once per connection.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from guozi.engine.panel.model import Scope
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.tree import Tree

_KEPT: dict[tuple[int, str | None], tuple[weakref.ref[Tree], dict[str, ir.Table]]] = {}
_LOCK = threading.Lock()


def member_tables(tree: Tree, targets: Sequence[Period], scope: Scope) -> dict[str, ir.Table]:
    """The data of a scope's members as in-memory tables: the tree's ``nodes`` (with the ``by``
    column as group labels) and ``closure``, and ``tgt``, the ``targets``."""
    return {**_tree_tables(tree, scope.by), "tgt": _targets_table(tuple(t.code for t in targets))}


@functools.lru_cache(maxsize=64)
def _targets_table(codes: tuple[int, ...]) -> ir.Table:
    """The target periods as an in-memory table, one per list of periods (registered once per connection)."""
    return ibis.memtable(pa.table({"target": pa.array(codes, type=pa.int64())}))


def _tree_tables(tree: Tree, by: str | None) -> dict[str, ir.Table]:
    """``nodes`` and ``closure`` of ``tree`` as in-memory tables, made once per tree and ``by``."""
    if by is not None and by not in tree.attribute_columns():
        raise NotFoundError(f"没有可用于分组的企业列 {by}", f"no entity column {by} to group by")
    key = (id(tree), by)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None and kept[0]() is tree:
            return kept[1]
    node_cols = ["entity_id", "level", "is_leaf", "from_code", "to_code", *([by] if by is not None else [])]
    nodes = tree.nodes[node_cols].copy()
    if by is not None:
        nodes[by] = _group_labels(nodes[by])
    nodes = nodes.astype({"from_code": "int64", "to_code": "int64", "level": "int64"})
    # the closure does not depend on ``by``: converted once per tree, shared by every ``by``
    with _LOCK:
        shared = _KEPT.get((id(tree), None)) if by is not None else None
    closure = shared[1]["closure"] if shared is not None and shared[0]() is tree else _closure_table(tree)
    tables = {"nodes": ibis.memtable(pa.Table.from_pandas(nodes, preserve_index=False)), "closure": closure}
    with _LOCK:
        for stale in [k for k, (ref, _) in _KEPT.items() if ref() is None]:
            del _KEPT[stale]
        _KEPT[key] = (weakref.ref(tree), tables)
    return tables


def _closure_table(tree: Tree) -> ir.Table:
    closure = tree.closure.astype({"from_code": "int64", "to_code": "int64", "depth": "int64"})
    return ibis.memtable(pa.Table.from_pandas(closure, preserve_index=False))


def members_of(tables: Mapping[str, ir.Table], scope: Scope) -> ir.Table:
    """(key, entity_id, target) for every member of every group, valid in the target period."""
    nodes, closure, tgt = tables["nodes"], tables["closure"], tables["tgt"]

    def valid(t: ir.Table) -> ir.BooleanValue:
        return (t.from_code <= tgt.target) & (t.to_code >= tgt.target)

    if scope.view == "reported":
        m = nodes.join(tgt, valid(nodes)).select(key=nodes.entity_id, entity_id=nodes.entity_id, target=tgt.target)
    elif scope.view == "children":
        c = closure.filter(closure.depth == 1)
        m = c.join(tgt, valid(c)).select(key=c.ancestor_id, entity_id=c.entity_id, target=tgt.target)
    elif scope.view == "leaves":
        c = closure.filter(closure.depth >= 1)
        cl = c.join(tgt, valid(c)).select(key=c.ancestor_id, entity_id=c.entity_id, target=tgt.target)
        leaf = nodes.filter(nodes.is_leaf)
        m = cl.join(
            leaf, (cl.entity_id == leaf.entity_id) & (leaf.from_code <= cl.target) & (leaf.to_code >= cl.target)
        ).select(key=cl.key, entity_id=cl.entity_id, target=cl.target)
    else:
        lv = nodes.filter(nodes.level == scope.level)
        key = lv[scope.by] if scope.by is not None else ibis.literal(f"level-{scope.level}")
        m = lv.join(tgt, valid(lv)).select(key=key, entity_id=lv.entity_id, target=tgt.target)
        if scope.entity is not None:
            sub = closure.filter(closure.ancestor_id == scope.entity)
            m = m.join(
                sub, (m.entity_id == sub.entity_id) & (sub.from_code <= m.target) & (sub.to_code >= m.target)
            ).select(m.key, m.entity_id, m.target)
        return m
    if scope.entity is not None:
        m = m.filter(m.key == scope.entity)
    return m


def _group_labels(column: pd.Series) -> pd.Series:
    """An entity column as group keys: the text of each value, ``""`` for an empty one."""
    if isinstance(column.dtype, pd.StringDtype):  # text already: only the empty cells change
        return column.fillna("")
    return column.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
