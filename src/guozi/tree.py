"""The ownership tree over time: validity intervals, the ancestor table and tree checks.

Entity rows hold from ``valid_from`` to ``valid_to`` (period codes ``YYYYMM``, ``None`` for
open ends). Between two changes the active rows form a forest; for each such interval we
precompute every (entity, ancestor, depth) pair, so any backend can roll the tree up with plain
joins instead of recursive SQL.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from guozi.kernel.periods import Period

OPEN_START = 190001  # period code before any real period
OPEN_END = 299912  # period code after any real period


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

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Each entity's latest name (of its row valid last), as text; empty when the entities have no names."""
        if "name" not in self.nodes.columns:
            return {}
        latest = self.nodes.sort_values("to_code", kind="stable").drop_duplicates("entity_id", keep="last")
        return {str(k): str(v) for k, v in zip(latest.entity_id.tolist(), latest.name.tolist(), strict=True)}

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


Ints = np.ndarray[Any, np.dtype[np.int64]]


def _bounds(rows: pd.DataFrame) -> tuple[Ints, Ints]:
    """Each row's first and last period code, open ends as ``OPEN_START`` / ``OPEN_END``."""
    starts = pd.to_numeric(rows.valid_from, errors="coerce").fillna(OPEN_START).to_numpy(dtype="int64")
    ends = pd.to_numeric(rows.valid_to, errors="coerce").fillna(OPEN_END).to_numpy(dtype="int64")
    return starts, ends


def _intervals(starts: Ints, ends: Ints) -> list[tuple[int, int]]:
    """Consecutive (from_index, to_index) month intervals within which no row starts or ends."""

    def index(codes: Ints) -> Ints:  # Period.index of each YYYYMM code
        months: Ints = codes // 100 * 12 + codes % 100 - 1
        return months

    cuts = np.union1d(index(starts[starts != OPEN_START]), index(ends[ends != OPEN_END]) + 1)
    lo, hi = Period.from_code(OPEN_START).index, Period.from_code(OPEN_END).index
    points = [lo, *(int(c) for c in cuts if lo < c <= hi), hi + 1]
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


def _active(starts: Ints, ends: Ints, a: int, b: int) -> npt.NDArray[np.bool_]:
    """Which rows hold through the whole interval of month indexes ``a``..``b``."""
    lo = Period(a // 12, a % 12 + 1).code
    hi = Period(b // 12, b % 12 + 1).code
    active: npt.NDArray[np.bool_] = (starts <= lo) & (ends >= hi)
    return active


def tree_problems(entities: pd.DataFrame) -> list[TreeProblem]:
    """Every reason the rows do not form a forest in some period (empty when they do).

    Worked by columns: each check flags its rows with array operations, and only the flagged
    rows are turned into problems, in row order (within an interval: overlaps, then missing
    parents in the order the entities first appear, then cycles).
    """
    rows = _normalise(entities)
    starts, ends = _bounds(rows)
    both = (rows.valid_from.notna() & rows.valid_to.notna()).to_numpy()
    eids = rows.entity_id.to_numpy(dtype=object)
    problems = [  # rows.row is the position
        TreeProblem("tree.range", eids[i], int(i), _month(starts[i]), _month(ends[i]))
        for i in np.flatnonzero(both & (ends < starts))
    ]
    if problems:
        return problems
    seen: set[tuple[str, str]] = set()
    keys = rows[["entity_id", "parent_id", "row"]]  # what the checks read
    for a, b in _intervals(starts, ends):
        mask = _active(starts, ends, a, b)
        active = keys if mask.all() else keys[mask]
        period = str(Period(a // 12, a % 12 + 1)) if a > Period.from_code(OPEN_START).index else "—"
        dup = active[active.entity_id.duplicated(keep="first")]
        for eid, r in zip(dup.entity_id, dup.row, strict=True):
            if (key := ("tree.overlap", eid)) not in seen:
                seen.add(key)
                problems.append(TreeProblem("tree.overlap", eid, r, period, ""))
        # each entity once, in the order it first appears, with its last row's parent and row
        ids, parent_ids, rownums = _last_rows(active)
        parent_at = pd.Index(ids).get_indexer(pd.Index(parent_ids, dtype=object))  # -1: none, or not active
        missing = pd.notna(parent_ids) & (parent_at < 0)
        for k in np.flatnonzero(missing):
            eid, pid = ids[k], parent_ids[k]
            if (key := ("tree.parent_missing", eid)) not in seen:
                seen.add(key)
                problems.append(TreeProblem("tree.parent_missing", eid, int(rownums[k]), period, pid))
        if not _may_cycle(parent_at):
            continue
        parents = dict(zip(ids, parent_ids, strict=True))
        rownum = dict(zip(ids, rownums, strict=True))
        for chain in _cycles(parents):
            if (key := ("tree.cycle", chain[0])) not in seen:
                seen.add(key)
                problems.append(
                    TreeProblem("tree.cycle", chain[0], int(rownum[chain[0]]), period, " → ".join([*chain, chain[0]]))
                )
    return problems


def _month(code: int) -> str:
    return str(Period.from_code(int(code)))


def _last_rows(active: pd.DataFrame) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_], Ints]:
    """Each entity of ``active`` once, in the order it first appears: its id, and the parent and
    row number of its last row (as a dictionary built row by row keeps them)."""
    ids = active.entity_id.to_numpy(dtype=object)
    parents = active.parent_id.to_numpy(dtype=object)
    rownums = active.row.to_numpy(dtype="int64")
    last = ~active.entity_id.duplicated(keep="last").to_numpy()
    if last.all():
        return ids, parents, rownums
    codes, _ = pd.factorize(active.entity_id)
    order = np.argsort(codes[last], kind="stable")
    return ids[last][order], parents[last][order], rownums[last][order]


def _may_cycle(parent_at: Ints) -> bool:
    """Whether following parents (``parent_at``: each entity's parent's position, -1 for none) can
    go on for more steps than there are entities, i.e. some entity is on or leads into a cycle.

    Pointer doubling: after k rounds each entity points at its ancestor 2^k steps up (-1 past the top).
    """
    jump = parent_at
    steps = 1
    while steps <= len(jump) and (jump >= 0).any():
        jump = np.where(jump >= 0, jump[np.maximum(jump, 0)], -1)
        steps *= 2
    return bool((jump >= 0).any())


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

    Vectorised on integer codes: the ids are numbered once, and within each interval the
    ancestors at depth d + 1 are the parents of those at depth d, one array look-up over all
    entities at a time, so the work is (tree depth) array operations, not a walk per entity. A
    parent that is not an entity of the interval is still an ancestor (:func:`tree_problems`
    reports it).
    """
    rows = _normalise(entities)
    # every id (entity or parent) numbered once: ids[code] is the id, -1 stands for no parent
    entity_codes, uniques = pd.factorize(pd.concat([rows.entity_id.astype(object), rows.parent_id], ignore_index=True))
    ids: npt.NDArray[np.object_] = np.asarray(uniques, dtype=object)
    entity_code, parent_code = entity_codes[: len(rows)].astype("int64"), entity_codes[len(rows) :].astype("int64")
    starts, ends = _bounds(rows)
    node_parts: list[pd.DataFrame] = []
    closure_parts: list[tuple[Ints, ...]] = []
    for a, b in _intervals(starts, ends):
        active = _active(starts, ends, a, b)
        if not active.any():
            continue
        lo, hi = Period(a // 12, a % 12 + 1).code, Period(b // 12, b % 12 + 1).code
        own, parent = entity_code[active], parent_code[active]
        ent, anc, dep, pos = _ancestors(ids, own, parent)
        closure_parts.append(
            (ent, anc, dep, np.full(len(ent), lo, dtype="int64"), np.full(len(ent), hi, dtype="int64"))
        )
        has_children = np.zeros(len(ids), dtype=bool)
        has_children[parent[parent >= 0]] = True
        part = rows[active].drop(columns=["row"])
        part["level"] = np.bincount(pos, minlength=len(own)).astype("int64")
        part["is_leaf"] = ~has_children[own]
        part["from_code"], part["to_code"] = lo, hi
        node_parts.append(part)
    nodes = (
        pd.concat(node_parts, ignore_index=True)
        if node_parts
        else pd.DataFrame(columns=[*rows.columns, "level", "is_leaf", "from_code", "to_code"])
    )
    # one frame from whole columns (one Arrow chunk per column, as some backends' readers require)
    columns = ("entity_id", "ancestor_id", "depth", "from_code", "to_code")
    if closure_parts:
        merged: list[Any] = [np.concatenate([p[k] for p in closure_parts]) for k in range(len(columns))]
        merged[0], merged[1] = _ids_of(ids, merged[0], merged[1])
    else:
        merged = [np.array([], dtype=object if k < 2 else "int64") for k in range(len(columns))]
    closure = pd.DataFrame(dict(zip(columns, merged, strict=True)))
    return Tree(nodes=nodes, closure=closure)


def _ancestors(ids: npt.NDArray[np.object_], own: Ints, parent: Ints) -> tuple[Ints, Ints, Ints, Ints]:
    """The ancestors of the entities active in one interval, as codes: (entity, ancestor, depth,
    position of the entity's row), entity by entity, depth 0 (itself) first.

    ``own`` and ``parent`` are the entity and parent codes of the interval's rows (-1: no parent).
    """
    # each active entity's parent (its last row's, for an overlap); -1 for none or not active
    parent_of = np.full(len(ids), -1, dtype="int64")
    _, first_reversed = np.unique(own[::-1], return_index=True)
    last = len(own) - 1 - first_reversed
    parent_of[own[last]] = parent[last]
    position = np.arange(len(own), dtype="int64")
    ent, anc, dep, pos = [own], [own], [np.zeros(len(own), dtype="int64")], [position]
    ancestor, at, depth = parent, position, 1
    while True:
        present = ancestor >= 0
        if not present.any():
            break
        if depth > len(own):
            eid = ids[own[at[present][0]]]
            raise ValueError(f"the ownership of {eid} forms a cycle; check with tree_problems() first")
        ancestor, at = ancestor[present], at[present]
        ent.append(own[at])
        anc.append(ancestor)
        dep.append(np.full(len(at), depth, dtype="int64"))
        pos.append(at)
        ancestor = parent_of[ancestor]
        depth += 1
    e, a, d, p = (np.concatenate(x) for x in (ent, anc, dep, pos))
    order = np.lexsort((d, p))  # entity by entity, depth 0 first
    return e[order], a[order], d[order], p[order]


def _ids_of(ids: npt.NDArray[np.object_], *codes: Ints) -> list[Any]:
    """The ids of each array of ``codes``: text ids as pandas text columns made by Arrow (no Python
    string per row), the ids turned into Arrow once for all of them."""
    table = pa.array(ids, from_pandas=True)
    if not pa.types.is_string(table.type):
        return [ids[c] for c in codes]
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return [pd.array(table.take(pa.array(c)), dtype=text) for c in codes]


def entity_frame(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """A frame of entity rows from plain records (for tests and small callers)."""
    return pd.DataFrame(list(rows))
