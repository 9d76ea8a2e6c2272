"""The ownership tree over time: validity intervals, the ancestor table and tree checks.

Entity rows hold from ``valid_from`` to ``valid_to`` (period codes ``YYYYMM``, ``None`` for
open ends). Between two changes the active rows form a forest; for each such interval we
precompute every (entity, ancestor, depth) pair, so any backend can roll the tree up with plain
joins instead of recursive SQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from guozi.periods import Period

OPEN_START = 190001  # period code before any real period
OPEN_END = 299912  # period code after any real period
TREE_COLUMNS = ("entity_id", "parent_id", "valid_from", "valid_to")


@dataclass(frozen=True)
class TreeProblem:
    """Something that keeps the rows from forming a forest in some period."""

    rule: str  # tree.cycle | tree.parent_missing | tree.overlap | tree.range
    entity_id: str
    row: int  # position of the offending row in the input (0-based)
    period: str  # the first period in which the problem shows
    detail: str  # the cycle's chain, the missing parent, the overlapping row …


@dataclass(frozen=True)
class Tree:
    """The tree's precomputed tables, as pandas frames.

    ``nodes``: one row per entity and validity interval, with every entity column, its ``level``
    (1 for a top of the tree), ``is_leaf`` and the interval ``from_code``..``to_code``.
    ``closure``: (``entity_id``, ``ancestor_id``, ``depth``, ``from_code``, ``to_code``), with
    depth 0 for the entity itself.
    """

    nodes: pd.DataFrame
    closure: pd.DataFrame

    def attribute_columns(self) -> list[str]:
        """The entity columns a panel may be grouped by."""
        skip = {"entity_id", "parent_id", "valid_from", "valid_to", "from_code", "to_code", "is_leaf", "row"}
        return [c for c in self.nodes.columns if c not in skip]

    def at(self, period: Period) -> pd.DataFrame:
        """The nodes valid in ``period``."""
        n = self.nodes
        return n[(n.from_code <= period.code) & (n.to_code >= period.code)]

    def subtree(self, entity_id: str, period: Period) -> list[str]:
        """``entity_id`` and everything below it in ``period``."""
        c = self.closure
        sel = c[(c.ancestor_id == entity_id) & (c.from_code <= period.code) & (c.to_code >= period.code)]
        return sorted(sel.entity_id.unique())


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and pd.isna(value))


def _code(value: object) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, int):
        return value
    return Period.parse(str(value)).code


def _intervals(rows: pd.DataFrame) -> list[tuple[int, int]]:
    """Consecutive (from_index, to_index) month intervals within which no row starts or ends."""
    cuts: set[int] = set()
    for f, t in zip(rows.valid_from, rows.valid_to, strict=True):
        if f is not None:
            cuts.add(Period.from_code(f).index)
        if t is not None:
            cuts.add(Period.from_code(t).index + 1)
    lo, hi = Period.from_code(OPEN_START).index, Period.from_code(OPEN_END).index
    points = [lo, *sorted(c for c in cuts if lo < c <= hi), hi + 1]
    return [(a, b - 1) for a, b in itertools.pairwise(points) if a < b]


def _normalise(entities: pd.DataFrame) -> pd.DataFrame:
    rows = entities.reset_index(drop=True)
    for col in ("parent_id", "valid_from", "valid_to"):
        if col not in rows.columns:
            rows[col] = None
    rows["parent_id"] = _convert(rows.parent_id, str)
    rows["valid_from"] = _convert(rows.valid_from, _code)
    rows["valid_to"] = _convert(rows.valid_to, _code)
    rows["row"] = range(len(rows))
    return rows.reset_index(drop=True)


def _convert(column: pd.Series, convert: Callable[[Any], object]) -> pd.Series:
    """``convert`` applied to each distinct non-blank value (once each), blanks ``None``, as objects."""
    values = pd.Series(column.to_numpy(dtype=object), dtype=object)
    blank = values.isna().to_numpy() | (values == "").to_numpy()
    out = pd.Series([None] * len(values), dtype=object)
    if not blank.all():
        kept = values[~blank]
        table = {v: convert(v) for v in pd.unique(kept)}
        out[~blank] = kept.map(table).to_numpy(dtype=object)
    return out


def _active(rows: pd.DataFrame, a: int, b: int) -> pd.DataFrame:
    lo = Period(a // 12, a % 12 + 1).code
    hi = Period(b // 12, b % 12 + 1).code
    starts = pd.to_numeric(rows.valid_from, errors="coerce").fillna(OPEN_START).to_numpy()
    ends = pd.to_numeric(rows.valid_to, errors="coerce").fillna(OPEN_END).to_numpy()
    return rows[(starts <= lo) & (ends >= hi)]


def tree_problems(entities: pd.DataFrame) -> list[TreeProblem]:
    """Every reason the rows do not form a forest in some period (empty when they do)."""
    rows = _normalise(entities)
    problems: list[TreeProblem] = []
    for f, t, eid, r in zip(rows.valid_from, rows.valid_to, rows.entity_id, rows.row, strict=True):
        if f is not None and t is not None and t < f:
            problems.append(TreeProblem("tree.range", eid, r, str(Period.from_code(f)), str(Period.from_code(t))))
    if problems:
        return problems
    seen: set[tuple[str, str]] = set()
    for a, b in _intervals(rows):
        active = _active(rows, a, b)
        period = str(Period(a // 12, a % 12 + 1)) if a > Period.from_code(OPEN_START).index else "—"
        dup = active[active.entity_id.duplicated(keep="first")]
        for eid, r in zip(dup.entity_id, dup.row, strict=True):
            if (key := ("tree.overlap", eid)) not in seen:
                seen.add(key)
                problems.append(TreeProblem("tree.overlap", eid, r, period, ""))
        parents = dict(zip(active.entity_id, active.parent_id, strict=True))
        rownum = dict(zip(active.entity_id, active.row, strict=True))
        for eid, pid in parents.items():
            if pid is not None and pid not in parents and (key := ("tree.parent_missing", eid)) not in seen:
                seen.add(key)
                problems.append(TreeProblem("tree.parent_missing", eid, rownum[eid], period, pid))
        for chain in _cycles(parents):
            if (key := ("tree.cycle", chain[0])) not in seen:
                seen.add(key)
                problems.append(
                    TreeProblem("tree.cycle", chain[0], rownum[chain[0]], period, " → ".join([*chain, chain[0]]))
                )
    return problems


def _cycles(parents: Mapping[str, str | None]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []
    for start in parents:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            cyc = path[path.index(node) :]
            k = cyc.index(min(cyc))
            cycles.append(cyc[k:] + cyc[:k])
        for p in path:
            state[p] = 2
    return cycles


def build_tree(entities: pd.DataFrame) -> Tree:
    """Precompute the node and ancestor tables of valid ``entities`` (see :func:`tree_problems`).

    Vectorised: within each interval the ancestors at depth d + 1 are the parents of those at
    depth d, one look-up over all entities at a time, so the work is (tree depth) column
    operations, not a walk per entity. A parent that is not an entity of the interval is still
    an ancestor (:func:`tree_problems` reports it).
    """
    rows = _normalise(entities)
    node_parts: list[pd.DataFrame] = []
    closure_parts: list[tuple[np.ndarray[Any, Any], ...]] = []
    for a, b in _intervals(rows):
        active = _active(rows, a, b)
        if active.empty:
            continue
        lo, hi = Period(a // 12, a % 12 + 1).code, Period(b // 12, b % 12 + 1).code
        ids = active.entity_id.to_numpy(dtype=object)
        parent_of = pd.Series(active.parent_id.to_numpy(dtype=object), index=ids)
        parent_of = parent_of[~parent_of.index.duplicated(keep="last")]  # an overlap: the last row, as dict() did
        position = np.arange(len(ids))
        ent, anc, dep, pos = [ids], [ids], [np.zeros(len(ids), dtype="int64")], [position]
        ancestor = pd.Series(active.parent_id.to_numpy(dtype=object))
        depth = 1
        while True:
            present = ancestor.notna().to_numpy()
            if not present.any():
                break
            if depth > len(ids):
                eid = ids[present][0]
                raise ValueError(f"the ownership of {eid} forms a cycle; check with tree_problems() first")
            ent.append(ids[present])
            anc.append(ancestor.to_numpy(dtype=object)[present])
            dep.append(np.full(int(present.sum()), depth, dtype="int64"))
            pos.append(position[present])
            ancestor = ancestor.map(parent_of)
            depth += 1
        order = np.lexsort((np.concatenate(dep), np.concatenate(pos)))  # entity by entity, depth 0 first
        closure_parts.append(
            (
                np.concatenate(ent)[order],
                np.concatenate(anc)[order],
                np.concatenate(dep)[order],
                np.full(len(order), lo, dtype="int64"),
                np.full(len(order), hi, dtype="int64"),
            )
        )
        has_children = set(active.parent_id.dropna())
        part = active.drop(columns=["row"]).copy()
        part["level"] = np.bincount(np.concatenate(pos), minlength=len(ids)).astype("int64")
        part["is_leaf"] = [e not in has_children for e in ids]
        part["from_code"], part["to_code"] = lo, hi
        node_parts.append(part)
    nodes = (
        pd.concat(node_parts, ignore_index=True)
        if node_parts
        else pd.DataFrame(columns=[*rows.columns, "level", "is_leaf", "from_code", "to_code"])
    )
    # one frame from whole columns (one Arrow chunk per column, as some backends' readers require)
    columns = ("entity_id", "ancestor_id", "depth", "from_code", "to_code")
    closure = pd.DataFrame(
        {
            c: (
                np.concatenate([p[k] for p in closure_parts])
                if closure_parts
                else np.array([], dtype=object if k < 2 else "int64")
            )
            for k, c in enumerate(columns)
        }
    )
    return Tree(nodes=nodes, closure=closure)


def entity_frame(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """A frame of entity rows from plain records (for tests and small callers)."""
    return pd.DataFrame(list(rows))
